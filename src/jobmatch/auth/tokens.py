"""Bearer token validation with PyJWT: signature, `iss`, `aud`, `exp`, `nbf`, and an algorithm allow-list."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.types import PublicKeyTypes
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from jobmatch.auth.issuers import TrustedIssuer
from jobmatch.auth.principal import Principal, Role
from jobmatch.errors import ServiceUnavailable, Unauthorized

logger = logging.getLogger(__name__)

REALM = 'Bearer realm="jobmatch"'
JWKS_CACHE_SECONDS = 300


def unauthorized(detail: str, *, error: str | None = "invalid_token") -> Unauthorized:
    challenge = REALM if error is None else f'{REALM}, error="{error}"'
    return Unauthorized(detail, headers={"WWW-Authenticate": challenge})


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
        self._jwks = (
            jwt.PyJWKClient(config.jwks_url, cache_keys=True, lifespan=JWKS_CACHE_SECONDS, timeout=5)
            if config.jwks_url else None
        )

    def signing_key(self, token: str) -> Any:
        if self._static_key is not None:
            return self._static_key
        assert self._jwks is not None  # noqa: S101  (the issuer model guarantees one key source)
        try:
            return self._jwks.get_signing_key_from_jwt(token).key
        except jwt.PyJWKClientConnectionError as exc:
            logger.warning("JWKS of %s unreachable: %s", self.config.issuer, type(exc).__name__)
            raise ServiceUnavailable("the token issuer's keys cannot be fetched; try again", headers={"Retry-After": "5"}) from exc
        except jwt.PyJWKClientError as exc:
            raise unauthorized("the token's signing key is not one the issuer publishes") from exc

    def principal(self, claims: dict[str, Any]) -> Principal:
        config = self.config
        issuer = config.issuer
        if config.seeker_claim and isinstance(claims.get(config.seeker_claim), str) and claims[config.seeker_claim]:
            return Principal(role=Role.SEEKER, issuer=issuer, subject=config.subject_prefix + claims[config.seeker_claim])
        if config.employee_claim and isinstance(claims.get(config.employee_claim), str) and claims[config.employee_claim]:
            groups = _strings(claims.get(config.groups_claim))
            units = _strings(claims.get(config.units_claim)) if config.units_claim else frozenset()
            caseworker = not config.caseworker_groups or bool(groups & set(config.caseworker_groups))
            return Principal(
                role=Role.CASEWORKER if caseworker else Role.EMPLOYEE, issuer=issuer, subject=claims[config.employee_claim],
                units=units, protected_access=bool(groups & set(config.protected_groups)),
            )
        subject = claims.get("sub")
        if not isinstance(subject, str) or not subject:
            raise unauthorized("the token names no subject")
        return Principal(role=Role.SERVICE, issuer=issuer, subject=subject, scopes=_strings(claims.get(config.scope_claim)))


class Authenticator:
    """Turns a bearer token into a `Principal`, or raises `Unauthorized` (401 with `WWW-Authenticate`)."""

    def __init__(self, issuers: Sequence[TrustedIssuer], *, leeway_seconds: int = 30) -> None:
        self.verifiers = {issuer.issuer: IssuerVerifier(issuer) for issuer in issuers}
        self.leeway_seconds = leeway_seconds

    def authenticate(self, token: str) -> Principal:
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
        return verifier.principal(claims)
