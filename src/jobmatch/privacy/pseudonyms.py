"""Keyed pseudonyms (HMAC-SHA256): audit rows and subject bindings never hold a seeker id or person id as it is."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import uuid
from pathlib import Path

from jobmatch.settings import Settings


class Pseudonyms:
    """One server secret, separate domains: the same input gives different pseudonyms per purpose."""

    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def _digest(self, domain: str, value: str) -> str:
        return hmac.new(self._secret, f"{domain}\x00{value}".encode(), hashlib.sha256).hexdigest()

    def seeker(self, seeker_id: uuid.UUID) -> str:
        """How audit records name a seeker: linkable only with the secret and the (erased) id."""
        return self._digest("seeker", str(seeker_id))

    def subject(self, subject: str) -> str:
        """How a profile is bound to the person a token names, without storing their identity number."""
        return self._digest("subject", subject)


def load_secret(settings: Settings) -> bytes:
    """The configured secret, or outside production one kept in `<data_dir>/pseudonym-secret` (created once)."""
    if settings.pseudonym_secret is not None:
        return settings.pseudonym_secret.get_secret_value().encode()
    if settings.is_production:
        raise RuntimeError("JOBMATCH_PSEUDONYM_SECRET must be set in production")
    path = settings.data_dir / "pseudonym-secret"
    if not path.exists():
        _write_private(path, secrets.token_hex(32))
    return path.read_text(encoding="ascii").strip().encode()


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(text)
    try:
        os.link(partial, path)  # first writer wins; a concurrent start reads the same secret
    except FileExistsError:
        pass
    finally:
        partial.unlink()
