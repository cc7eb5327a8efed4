"""The errors jobmatch raises on purpose, rendered as RFC 9457 problem JSON by one handler.

    JobmatchError (500)
    ├── NotFound (404)
    ├── Conflict (409)
    ├── InvalidRequest (422)
    ├── PreconditionFailed (412)
    ├── PayloadTooLarge (413)
    ├── Unauthorized (401)
    ├── Forbidden (403)
    ├── RateLimited (429)
    └── ServiceUnavailable (503)
"""

from __future__ import annotations

from typing import Any, ClassVar

from jobmatch.problems import Problem


class JobmatchError(Exception):
    status: ClassVar[int] = 500
    title: ClassVar[str] = "Internal error"

    def __init__(self, detail: str, *, headers: dict[str, str] | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.headers = headers or {}
        self.extra = extra

    @classmethod
    def problem_type(cls) -> str:
        return f"https://jobmatch.no/problems/{cls.__name__.lower()}"


class NotFound(JobmatchError):
    status = 404
    title = "Not found"


class Conflict(JobmatchError):
    status = 409
    title = "Conflict"


class InvalidRequest(JobmatchError):
    status = 422
    title = "Invalid request"


class PreconditionFailed(JobmatchError):
    status = 412
    title = "Precondition failed"


class PayloadTooLarge(JobmatchError):
    status = 413
    title = "Payload too large"


class Unauthorized(JobmatchError):
    status = 401
    title = "Unauthorized"


class Forbidden(JobmatchError):
    status = 403
    title = "Forbidden"


class RateLimited(JobmatchError):
    status = 429
    title = "Too many requests"


class ServiceUnavailable(JobmatchError):
    status = 503
    title = "Service unavailable"


def problem_responses(*errors: type[JobmatchError]) -> dict[int | str, dict[str, Any]]:
    """The `responses=` entry an endpoint declares for the errors it may raise."""
    return {
        error.status: {"description": error.title, "model": Problem, "content": {"application/problem+json": {}}}
        for error in errors
    }

