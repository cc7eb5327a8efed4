"""A trusted token issuer: where its keys are, what it must say, and which claims name the roles."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

# Asymmetric algorithms only: `none` and the HS* family (a shared secret; with a public key, a forgery) never verify.
ALLOWED_ALGORITHMS = frozenset({"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"})


class TrustedIssuer(BaseModel):
    """One OIDC/JWT issuer; e.g. TokenX for citizens (`seeker_claim="pid"`) or Entra ID for employees (`NAVident`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    issuer: Annotated[str, Field(min_length=1, description="The exact `iss` value.")]
    audience: Annotated[str, Field(min_length=1, description="The `aud` value tokens for jobmatch carry.")]
    jwks_url: str | None = Field(default=None, description="Where the issuer publishes its signing keys (JWKS).")
    public_key: str | None = Field(default=None, description="A PEM public key, instead of a JWKS URL.")
    public_key_file: Path | None = Field(default=None, description="A file holding a PEM public key.")
    algorithms: Annotated[list[str], Field(min_length=1)] = ["RS256"]
    seeker_claim: str | None = Field(default=None, description="A token with this claim is a seeker; its value names them.")
    subject_prefix: str = Field(default="", description="Prefixed to the seeker claim when it is only unique per issuer.")
    employee_claim: str | None = Field(default=None, description="A token with this claim is an employee; its value is the id.")
    groups_claim: str = "groups"
    units_claim: str | None = Field(default=None, description="The claim listing an employee's units (string or list).")
    caseworker_groups: list[str] = Field(default=[], description="Groups making an employee a caseworker; empty: every one.")
    protected_groups: list[str] = Field(default=[], description="Groups that may read seekers marked protected.")
    max_lifetime_seconds: int = Field(
        default=86_400, ge=60, description="Tokens valid for longer (exp - iat) are refused.",
    )
    scope_claim: str = Field(default="scope", description="Service scopes: a space-separated string or a list (Entra: roles).")

    @model_validator(mode="after")
    def _keys_and_algorithms(self) -> Self:
        sources = [self.jwks_url, self.public_key, self.public_key_file]
        if sum(source is not None for source in sources) != 1:
            raise ValueError(f"issuer {self.issuer!r} needs exactly one of jwks_url, public_key, public_key_file")
        refused = sorted(set(self.algorithms) - ALLOWED_ALGORITHMS)
        if refused:
            raise ValueError(f"issuer {self.issuer!r}: algorithms {refused} are not allowed; use {sorted(ALLOWED_ALGORITHMS)}")
        return self

    def public_key_pem(self) -> str | None:
        if self.public_key_file is not None:
            return self.public_key_file.read_text(encoding="ascii")
        return self.public_key
