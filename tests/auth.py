"""Tokens for tests, one helper per role, signed by a test issuer the `settings` fixture trusts."""

from __future__ import annotations

import time
from functools import cache
from typing import Any
from urllib.parse import quote

import jwt

from jobmatch.auth import dev
from jobmatch.auth.issuers import TrustedIssuer

ISSUER = "https://issuer.test/jobmatch"
AUDIENCE = "jobmatch-test"
UNIT = "0301"
OTHER_UNIT = "4601"


@cache
def signing_keys() -> dev.DevKeys:
    return dev.new_keys()


def trusted_issuer() -> TrustedIssuer:
    """The development claim layout (`pid`, `NAVident`, `groups`, `units`, `scope`) with the test key."""
    return dev.dev_issuer(signing_keys().public_pem, issuer=ISSUER, audience=AUDIENCE)


def token(claims: dict[str, Any], *, ttl_seconds: int = 600, key: bytes | None = None, **overrides: Any) -> str:
    now = int(time.time())
    payload = {"iss": ISSUER, "aud": AUDIENCE, "iat": now, "nbf": now, "exp": now + ttl_seconds, **claims, **overrides}
    return jwt.encode(payload, key or signing_keys().private_pem, algorithm=dev.DEV_ALGORITHM)


def bearer(value: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {value}"}


def seeker_headers(subject: str = "seeker-1") -> dict[str, str]:
    return bearer(token(dev.dev_claims("seeker", subject=subject)))


def caseworker_headers(
    employee: str = "Z990001", *, units: list[str] | None = None, protected_access: bool = False, purpose: str | None = "oppfolging",
) -> dict[str, str]:
    claims = dev.dev_claims("caseworker", subject=employee, units=units or [UNIT], protected_access=protected_access)
    return {**bearer(token(claims)), **({"X-Purpose": quote(purpose, safe=" ")} if purpose is not None else {})}


def employee_headers(employee: str = "Z990009") -> dict[str, str]:
    """An employee without the caseworker group."""
    return bearer(token({"sub": "x", "NAVident": employee, "groups": ["someone-else"], "units": [UNIT]}))


def service_headers(*scopes: str, client: str = "test-service") -> dict[str, str]:
    return bearer(token(dev.dev_claims("service", subject=client, scopes=list(scopes))))


def admin_headers() -> dict[str, str]:
    """What the default `client` carries: `admin` and `postings:write`."""
    return bearer(token(dev.dev_claims("admin")))
