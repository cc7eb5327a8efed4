"""What authentication, rate limits and pseudonyms need for the app's lifetime, built once by the lifespan."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from jobmatch.auth import dev
from jobmatch.auth.tokens import Authenticator
from jobmatch.hardening.ratelimit import RateLimiter
from jobmatch.privacy.pseudonyms import Pseudonyms, load_secret
from jobmatch.settings import Settings

logger = logging.getLogger(__name__)


@dataclass
class AccessContext:
    authenticator: Authenticator
    pseudonyms: Pseudonyms
    rate_limiter: RateLimiter | None
    audit_cef: bool


def build_access_context(settings: Settings) -> AccessContext:
    issuers = list(settings.trusted_issuers)
    if settings.dev_tokens_enabled:
        issuers.append(dev.dev_issuer(dev.ensure_dev_keys(settings.data_dir).public_pem))
        logger.warning("development tokens are trusted (issuer %r); mint them with `jobmatch token`", dev.DEV_ISSUER)
    if not issuers:
        logger.warning("no trusted token issuer is configured: every protected route answers 401")
    limiter = (
        RateLimiter(per_minute=settings.rate_limit_per_minute, burst=settings.rate_limit_burst)
        if settings.rate_limit_per_minute else None
    )
    return AccessContext(
        authenticator=Authenticator(issuers, leeway_seconds=settings.token_leeway_seconds),
        pseudonyms=Pseudonyms(load_secret(settings)), rate_limiter=limiter, audit_cef=settings.audit_cef,
    )
