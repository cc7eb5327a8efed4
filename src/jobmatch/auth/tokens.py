"""Bearer token validation with PyJWT: signature, `iss`, `aud`, `exp`, `nbf`, and an algorithm allow-list."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.types import PublicKeyTypes
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from jobmatch.auth.issuers import TrustedIssuer
from jobmatch.auth.jwks import JwksKeys, KeyNotPublished, KeysUnavailable
from jobmatch.auth.principal import Principal, Role
from jobmatch.errors import ServiceUnavailable, Unauthorized

logger = logging.getLogger(__name__)

REALM = 'Bearer realm="jobmatch"'
MAX_SUBJECT_LENGTH = 100  # audit_log.actor_id
MAX_UNIT_LENGTH = 20  # seekers.assigned_unit
MAX_UNITS = 200
MAX_TOKEN_BYTES = 16 * 1024  # Entra ID tokens with many groups reach ~6 KB; beyond this is not a token but a payload


def unauthorized(detail: str, *, error: str | None = "invalid_token") -> Unauthorized:
    challenge = REALM if error is None else f'{REALM}, error="{error}"'
    return Unauthorized(detail, headers={"WWW-Authenticate": challenge})


def _identifier(value: str, *, claim: str, max_length: int = MAX_SUBJECT_LENGTH) -> str:
    """An id from a token is stored (audit, placements): it must fit the columns and hold no control characters."""
    if len(value) > max_length or not value.isprintable():
        raise unauthorized(f"the token's {claim} claim is not an identifier of at most {max_length} printable characters")
    return value


def _strings(value: Any) -> frozenset[str]:
    """A claim that is a space-separated string or a list of strings, as a set."""
    if isinstance(value, str):
        return frozenset(value.split())
    if isinstance(value, list):
        return frozenset(item for item in value if isinstance(item, str) and item)
    return frozenset()


class IssuerVerifier:
    """Keys and claim mapping of one trusted issuer."""

    def __init__(self, config: TrustedIssuer) -> None:
        self.config = config
        pem = config.public_key_pem()
        self._static_key: PublicKeyTypes | None = load_pem_public_key(pem.encode("ascii")) if pem else None
        self.jwks = JwksKeys(config.jwks_url) if config.jwks_url else None

    def signing_key(self, token: str) -> Any:
        if self._static_key is not None:
            return self._static_key
        assert self.jwks is not None  # noqa: S101  (the issuer model guarantees one key source)
        kid = jwt.get_unverified_header(token).get("kid")
        try:
            return self.jwks.key(kid if isinstance(kid, str) else None)
        except KeysUnavailable as exc:
            raise ServiceUnavailable("the token issuer's keys cannot be fetched; try again", headers={"Retry-After": "5"}) from exc
        except KeyNotPublished as exc:
            if exc.refreshing:  # a key rotated in at the issuer shows up after this refresh
                raise ServiceUnavailable("the token's signing key is not among the issuer's keys yet; they are being refreshed",
                                         headers={"Retry-After": "1"}) from exc
            raise unauthorized("the token's signing key is not one the issuer publishes") from exc

    def principal(self, claims: dict[str, Any]) -> Principal:
        config = self.config
        issuer = config.issuer
        if config.seeker_claim and isinstance(claims.get(config.seeker_claim), str) and claims[config.seeker_claim]:
            person = _identifier(claims[config.seeker_claim], claim=config.seeker_claim)
            return Principal(role=Role.SEEKER, issuer=issuer, subject=config.subject_prefix + person)
        if config.employee_claim and isinstance(claims.get(config.employee_claim), str) and claims[config.employee_claim]:
            employee = _identifier(claims[config.employee_claim], claim=config.employee_claim)
            groups = _strings(claims.get(config.groups_claim))
            units = _strings(claims.get(config.units_claim)) if config.units_claim else frozenset()
            if len(units) > MAX_UNITS:
                raise unauthorized(f"the token names more than {MAX_UNITS} units")
            for unit in units:
                _identifier(unit, claim=config.units_claim or "units", max_length=MAX_UNIT_LENGTH)
            caseworker = not config.caseworker_groups or bool(groups & set(config.caseworker_groups))
            return Principal(
                role=Role.CASEWORKER if caseworker else Role.EMPLOYEE, issuer=issuer, subject=employee,
                units=units, protected_access=bool(groups & set(config.protected_groups)),
            )
        subject = claims.get("sub")
        if not isinstance(subject, str) or not subject:
            raise unauthorized("the token names no subject")
        return Principal(role=Role.SERVICE, issuer=issuer, subject=_identifier(subject, claim="sub"),
                         scopes=_strings(claims.get(config.scope_claim)))


class Authenticator:
    """Turns a bearer token into a `Principal`, or raises `Unauthorized` (401 with `WWW-Authenticate`)."""

    def __init__(self, issuers: Sequence[TrustedIssuer], *, leeway_seconds: int = 30,
                 max_token_bytes: int = MAX_TOKEN_BYTES) -> None:
        self.verifiers = {issuer.issuer: IssuerVerifier(issuer) for issuer in issuers}
        self.leeway_seconds = leeway_seconds
        self.max_token_bytes = max_token_bytes
        for key_set in self._key_sets():
            key_set.start()

    def _key_sets(self) -> list[JwksKeys]:
        return [verifier.jwks for verifier in self.verifiers.values() if verifier.jwks is not None]

    def wait_for_keys(self, timeout: float) -> None:
        """Give every issuer's first fetch up to `timeout` seconds (they run side by side); the app starts either way."""
        deadline = time.monotonic() + timeout
        for key_set in self._key_sets():
            if not key_set.wait_for_first_fetch(max(0.0, deadline - time.monotonic())):
                logger.warning("JWKS %s not fetched yet; its tokens answer 503 until it is", key_set.url)

    def close(self) -> None:
        for key_set in self._key_sets():
            key_set.stop()

    def authenticate(self, token: str) -> Principal:
        if len(token) > self.max_token_bytes:
            raise unauthorized(f"the bearer token is longer than {self.max_token_bytes} bytes")
        try:
            header = jwt.get_unverified_header(token)
            # Read unverified only to pick the issuer whose key and rules then verify everything.
            unverified = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError as exc:
            raise unauthorized("the bearer token is not a well-formed JWT") from exc
        issuer = unverified.get("iss")
        verifier = self.verifiers.get(issuer) if isinstance(issuer, str) else None
        if verifier is None:
            raise unauthorized("the token's issuer is not trusted")
        config = verifier.config
        if header.get("alg") not in config.algorithms:
            raise unauthorized("the token's signing algorithm is not allowed")
        key = verifier.signing_key(token)
        try:
            claims: dict[str, Any] = jwt.decode(
                token, key, algorithms=config.algorithms, audience=config.audience, issuer=config.issuer,
                leeway=self.leeway_seconds, options={"require": ["exp", "iss", "aud"], "strict_aud": False},
            )
        except jwt.ExpiredSignatureError as exc:
            raise unauthorized("the token has expired") from exc
        except jwt.ImmatureSignatureError as exc:
            raise unauthorized("the token is not valid yet") from exc
        except jwt.InvalidAudienceError as exc:
            raise unauthorized("the token is not meant for jobmatch (audience)") from exc
        except jwt.PyJWTError as exc:
            raise unauthorized(f"the token is not valid: {type(exc).__name__}") from exc
        _check_lifetime(claims, max_seconds=config.max_lifetime_seconds)
        return verifier.principal(claims)


def _check_lifetime(claims: dict[str, Any], *, max_seconds: int) -> None:
    """A stolen long-lived token is a key that never expires: refuse lifetimes beyond the issuer's maximum."""
    issued = claims.get("iat")
    start = issued if isinstance(issued, int | float) and not isinstance(issued, bool) else time.time()
    if claims["exp"] - start > max_seconds:
        raise unauthorized(f"the token is valid for longer than this issuer's maximum of {max_seconds} s")
