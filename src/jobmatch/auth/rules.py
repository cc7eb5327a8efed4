"""The access rule each route declares: a dependency that enforces it and an `x-access-rule` naming it in OpenAPI."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from enum import StrEnum
from typing import Any

from fastapi import Depends, FastAPI
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute, Mount

from jobmatch.auth.principal import Principal, Role, Scope
from jobmatch.deps import PrincipalDep
from jobmatch.errors import Forbidden, JobmatchError, RateLimited, Unauthorized, problem_responses

RULE_EXTENSION = "x-access-rule"


class Rule(StrEnum):
    PUBLIC = "public"
    AUTHENTICATED = "authenticated"
    POSTINGS_WRITE = "scope:postings:write"
    ADMIN = "scope:admin"
    SEEKER_SELF = "seeker:self"
    SEEKER_READ = "seeker:self-or-caseworker"
    SEEKER_CREATE = "seeker:create"
    CASEWORKER = "role:caseworker"


def any_principal(principal: PrincipalDep) -> Principal:
    return principal


def _scope(scope: Scope) -> Callable[[Principal], Principal]:
    def guard(principal: PrincipalDep) -> Principal:
        if not principal.has_scope(scope):
            raise Forbidden(f"this needs a service token with the scope {scope.value}")
        return principal

    guard.__name__ = f"needs_scope_{scope.name.lower()}"
    return guard


def _roles(*roles: Role) -> Callable[[Principal], Principal]:
    def guard(principal: PrincipalDep) -> Principal:
        if principal.role not in roles:
            raise Forbidden(f"this is for {' or '.join(role.value for role in roles)} tokens")
        return principal

    guard.__name__ = "needs_role_" + "_or_".join(role.value for role in roles)
    return guard


GUARDS: dict[Rule, Callable[..., Principal] | None] = {
    Rule.PUBLIC: None,
    Rule.AUTHENTICATED: any_principal,
    Rule.POSTINGS_WRITE: _scope(Scope.POSTINGS_WRITE),
    Rule.ADMIN: _scope(Scope.ADMIN),
    Rule.SEEKER_SELF: _roles(Role.SEEKER),
    Rule.SEEKER_READ: _roles(Role.SEEKER, Role.CASEWORKER),
    Rule.SEEKER_CREATE: _roles(Role.SEEKER, Role.CASEWORKER),
    Rule.CASEWORKER: _roles(Role.CASEWORKER),
}


def access(
    rule: Rule, *, errors: Sequence[type[JobmatchError]] = (), responses: dict[int | str, dict[str, Any]] | None = None,
    openapi_extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Route keyword arguments: the rule's guard, its problem answers, and `x-access-rule` in the OpenAPI document."""
    guard = GUARDS[rule]
    answers = [*errors] if guard is None else [Unauthorized, Forbidden, RateLimited, *errors]
    return {
        "dependencies": [] if guard is None else [Depends(guard)],
        "responses": {**problem_responses(*answers), **(responses or {})},
        "openapi_extra": {**(openapi_extra or {}), RULE_EXTENSION: rule.value},
    }


def api_routes(routes: Sequence[BaseRoute]) -> Iterator[APIRoute]:
    """Every `APIRoute`, also inside included routers (FastAPI keeps those as routers, not as flat routes) and mounts."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif (included := getattr(route, "original_router", None)) is not None:
            yield from api_routes(included.routes)
        elif isinstance(route, Mount):
            yield from api_routes(route.routes)


def check_every_route_has_a_rule(app: FastAPI) -> None:
    """Refuse to build an app with a route that names no rule, or names one without its guard."""
    for route in api_routes(app.routes):
        name = (route.openapi_extra or {}).get(RULE_EXTENSION)
        where = f"route {sorted(route.methods or ())} {route.path}"
        try:
            rule = Rule(str(name))
        except ValueError:
            raise RuntimeError(f"{where} declares no access rule; use `**access(Rule.…)`") from None
        guard = GUARDS[rule]
        if guard is not None and guard not in [dependency.dependency for dependency in route.dependencies]:
            raise RuntimeError(f"{where} names rule {name!r} without its guard")
