"""Development tokens: a key pair under the data folder, an issuer that trusts it, and `jobmatch token` to mint."""

from __future__ import annotations

import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from jobmatch.auth.principal import Role, Scope

if TYPE_CHECKING:  # pydantic, which `jobmatch token` does without
    from jobmatch.auth.issuers import TrustedIssuer

DEV_ISSUER = "jobmatch-dev"
DEV_AUDIENCE = "jobmatch"
DEV_ALGORITHM = "ES256"
CASEWORKER_GROUP = "jobmatch-caseworkers"
PROTECTED_GROUP = "jobmatch-protected-addresses"
DEV_ROLES = ("seeker", "caseworker", "admin", "service")


@dataclass(frozen=True)
class DevKeys:
    private_pem: bytes
    public_pem: str


def dev_issuer(public_pem: str, *, issuer: str = DEV_ISSUER, audience: str = DEV_AUDIENCE) -> TrustedIssuer:
    """The claim layout of development tokens: TokenX-like seekers (`pid`), Entra-like employees (`NAVident`)."""
    from jobmatch.auth.issuers import TrustedIssuer

    return TrustedIssuer(
        issuer=issuer, audience=audience, public_key=public_pem, algorithms=[DEV_ALGORITHM],
        seeker_claim="pid", employee_claim="NAVident", groups_claim="groups", units_claim="units",
        caseworker_groups=[CASEWORKER_GROUP], protected_groups=[PROTECTED_GROUP], scope_claim="scope",
    )


def new_keys() -> DevKeys:
    private = ec.generate_private_key(ec.SECP256R1())
    private_pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    public_pem = private.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return DevKeys(private_pem=private_pem, public_pem=public_pem.decode("ascii"))


def ensure_dev_keys(data_dir: Path) -> DevKeys:
    """The development key pair in `<data_dir>/dev-keys/`, created (owner-only) on first use."""
    folder = data_dir / "dev-keys"
    private_path = folder / "signing-key.pem"
    if not private_path.exists():
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        keys = new_keys()
        partial = folder / f".signing-key.{os.getpid()}.tmp"
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(keys.private_pem)
        os.replace(partial, private_path)
    private_pem = private_path.read_bytes()
    private = serialization.load_pem_private_key(private_pem, password=None)
    public_pem = private.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return DevKeys(private_pem=private_pem, public_pem=public_pem.decode("ascii"))


def dev_claims(
    role: str, *, subject: str | None = None, units: list[str] | None = None, protected_access: bool = False,
    scopes: list[str] | None = None,
) -> dict[str, Any]:
    """The role-specific claims of a development token (no `iss`, `aud` or times)."""
    if role == Role.SEEKER:
        return {"sub": str(uuid.uuid4()), "pid": subject or "demo-seeker"}
    if role == Role.CASEWORKER:
        groups = [CASEWORKER_GROUP, *([PROTECTED_GROUP] if protected_access else [])]
        return {"sub": str(uuid.uuid4()), "NAVident": subject or "Z990001", "groups": groups, "units": units or ["0301"]}
    if role == "admin":
        return {"sub": subject or "jobmatch-admin", "scope": " ".join([Scope.ADMIN, Scope.POSTINGS_WRITE])}
    if role == Role.SERVICE:
        return {"sub": subject or "jobmatch-service", "scope": " ".join(scopes or [])}
    raise ValueError(f"role must be one of {', '.join(DEV_ROLES)}")


def mint(private_pem: bytes, claims: dict[str, Any], *, ttl_seconds: int = 3600, issuer: str = DEV_ISSUER,
         audience: str = DEV_AUDIENCE, now: float | None = None) -> str:
    issued = int(time.time() if now is None else now)
    payload = {"iss": issuer, "aud": audience, "iat": issued, "nbf": issued, "exp": issued + ttl_seconds, **claims}
    return jwt.encode(payload, private_pem, algorithm=DEV_ALGORITHM)
