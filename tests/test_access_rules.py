"""Every route in the OpenAPI document, called by every kind of caller, answers as its declared rule says.

A route that declares no rule, or one this table does not know, fails here (and `create_app` refuses it outright).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from jobmatch.auth.rules import RULE_EXTENSION, Rule, access, check_every_route_has_a_rule
from jobmatch.embedding.sentence import load_embedder
from jobmatch.search.reindex import run_reindex
from jobmatch.search.versions import IndexStore
from jobmatch.settings import Settings
from tests import auth
from tests.conftest import ClientAs
from tests.factories import posting_body, seeker_body

ALLOW = "allow"
OWN_OR_404 = "own"  # allowed on /v1/me (their own data); 404 where the path names another seeker

ROLES: dict[str, Callable[[World], dict[str, str]]]
ROLES = {
    "anonymous": lambda world: {},
    "owner": lambda world: auth.seeker_headers(world.owner_subject),
    "other-seeker": lambda world: auth.seeker_headers(world.other_subject),
    "caseworker": lambda world: auth.caseworker_headers("Z100001", units=[auth.UNIT]),
    "caseworker-elsewhere": lambda world: auth.caseworker_headers("Z100002", units=[auth.OTHER_UNIT]),
    "employee": lambda world: auth.employee_headers(),
    "service": lambda world: auth.service_headers(),
    "importer": lambda world: auth.service_headers("postings:write"),
    "admin": lambda world: auth.service_headers("admin"),
}


def _table(default: int | str, **answers: int | str) -> dict[str, int | str]:
    table = {role: default for role in ROLES}
    table.update({role.replace("_", "-"): answer for role, answer in answers.items()})
    table["anonymous"] = answers.get("anonymous", 401)
    return table


EXPECTED: dict[str, dict[str, int | str]] = {
    Rule.PUBLIC: _table(ALLOW, anonymous=ALLOW),
    Rule.AUTHENTICATED: _table(ALLOW),
    Rule.POSTINGS_WRITE: _table(403, importer=ALLOW),
    Rule.ADMIN: _table(403, admin=ALLOW),
    Rule.SEEKER_SELF: _table(403, owner=ALLOW, other_seeker=OWN_OR_404),
    Rule.SEEKER_READ: _table(403, owner=ALLOW, other_seeker=404, caseworker=ALLOW, caseworker_elsewhere=404),
    Rule.SEEKER_CREATE: _table(403, owner=ALLOW, other_seeker=ALLOW, caseworker=ALLOW, caseworker_elsewhere=ALLOW),
    Rule.CASEWORKER: _table(403, caseworker=ALLOW, caseworker_elsewhere=ALLOW),
}


@dataclass
class World:
    owner_id: str
    owner_subject: str
    other_subject: str
    posting_id: int
    placement_id: int | None = None
    suggestion_id: str | None = None


def _new_world(client: TestClient, client_as: ClientAs) -> World:
    owner_subject, other_subject = f"owner-{uuid.uuid4()}", f"other-{uuid.uuid4()}"
    created = client_as(auth.caseworker_headers("Z100001", units=[auth.UNIT])).post(
        "/v1/seekers", json=seeker_body(person=owner_subject))
    assert created.status_code == 201, created.text
    assert client_as(auth.seeker_headers(other_subject)).post("/v1/seekers", json=seeker_body()).status_code == 201
    posting = client.post("/v1/postings", json=posting_body(f"ad-{uuid.uuid4()}"))
    assert posting.status_code == 201, posting.text
    return World(owner_id=created.json()["id"], owner_subject=owner_subject, other_subject=other_subject,
                 posting_id=posting.json()["id"])


def _with_resources(client: TestClient, client_as: ClientAs, world: World, path: str) -> World:
    """The placement and the suggestion a path names, made when it names one the world lacks."""
    if "{placement_id}" in path and world.placement_id is None:
        placed = client.post("/v1/placements", json={"seeker_id": world.owner_id, "posting_id": world.posting_id,
                                                     "start_date": "2020-01-06"})
        assert placed.status_code == 201, placed.text
        world.placement_id = placed.json()["id"]
    if "{suggestion_id}" in path and world.suggestion_id is None:
        owner = client_as(auth.seeker_headers(world.owner_subject))
        for number in range(3):  # three part-time jobs dismissed for their extent: "set extent to high?"
            part_time = client.post("/v1/postings", json=posting_body(f"part-{uuid.uuid4()}", extent="part_time"))
            event = {"posting_id": part_time.json()["id"], "kind": "dismissed", "reason": "wrong_extent"}
            recorded = owner.post(f"/v1/seekers/{world.owner_id}/events", json=event)
            assert recorded.status_code == 201, recorded.text
            if number == 2:
                world.suggestion_id = recorded.json()["suggestions"][0]["id"]
    return world


def _request(method: str, path: str, role: str, world: World) -> dict[str, Any]:
    """The body a caller in `role` would send, so that an allowed call succeeds."""
    if (method, path) == ("post", "/v1/seekers"):
        return {"json": seeker_body(**({"person": f"new-{uuid.uuid4()}"} if role.startswith("caseworker") else {}))}
    if (method, path) == ("post", "/v1/postings/import"):
        line = json.dumps(posting_body(f"imported-{uuid.uuid4()}"))
        return {"content": line.encode() + b"\n", "headers": {"content-type": "application/x-ndjson"}}
    bodies: dict[tuple[str, str], Any] = {
        ("post", "/v1/postings"): posting_body(f"new-{uuid.uuid4()}"),
        ("put", "/v1/postings/{posting_id}"): posting_body(f"put-{uuid.uuid4()}"),
        ("put", "/v1/seekers/{seeker_id}"): seeker_body(),
        ("patch", "/v1/seekers/{seeker_id}"): {"summary": "Endret."},
        ("put", "/v1/me/preferences"): {"findable": False, "caseworker_access": True},
        ("put", "/v1/admin/seekers/{seeker_id}/assignment"): {"unit": auth.UNIT},
    }
    return {"json": bodies[(method, path)]} if (method, path) in bodies else {}


PATH_VALUES: dict[str, Callable[[World], Any]] = {
    "seeker_id": lambda world: world.owner_id, "posting_id": lambda world: world.posting_id,
    "placement_id": lambda world: world.placement_id, "suggestion_id": lambda world: world.suggestion_id,
}


def _operations(app: FastAPI) -> list[tuple[str, str, str]]:
    document = app.openapi()
    return [
        (method, path, operation.get(RULE_EXTENSION, "<none>"))
        for path, item in document["paths"].items() for method, operation in item.items()
    ]


def test_every_route_declares_a_rule_this_table_knows(client: TestClient) -> None:
    for method, path, rule in _operations(client.app):  # type: ignore[arg-type]
        assert rule in EXPECTED, f"{method.upper()} {path} declares rule {rule!r}: add it to EXPECTED with an answer per role"


def test_every_route_answers_every_role_as_its_rule_says(
    client: TestClient, client_as: ClientAs, settings: Settings, session_factory: sessionmaker[Session],
) -> None:
    _new_world(client, client_as)
    run_reindex(session_factory, embedder=load_embedder("hashing"), index_store=IndexStore(settings.index_dir))
    wrong: list[str] = []
    world: World | None = None
    for method, path, rule in _operations(client.app):  # type: ignore[arg-type]
        for role, expected in EXPECTED[rule].items():
            world = _with_resources(client, client_as, world or _new_world(client, client_as), path)
            url = path
            for name in (part[1:-1] for part in path.split("/") if part.startswith("{")):
                url = url.replace(f"{{{name}}}", str(PATH_VALUES[name](world)))
            caller = client_as(ROLES[role](world))
            extra = _request(method, path, role, world)
            headers = {**caller.headers, **extra.pop("headers", {})}
            response = caller.request(method.upper(), url, headers=headers, **extra)
            status = response.status_code
            if method != "get" and status < 300:
                world = None  # it changed (or erased) something: the next caller gets a fresh world
            if expected == OWN_OR_404:
                expected = 404 if "{seeker_id}" in path else ALLOW
            allowed = status < 500 and status not in (401, 403, 404)
            if (expected == ALLOW and not allowed) or (expected != ALLOW and status != expected):
                wrong.append(f"{method.upper()} {path} as {role}: expected {expected}, got {status} {response.text[:120]}")
            if status in (401, 403, 404):
                assert response.headers["content-type"] == "application/problem+json"
    assert not wrong, "\n".join(wrong)


def test_an_app_with_a_route_that_names_no_rule_is_refused() -> None:
    router = APIRouter()

    @router.get("/open")
    def open_route() -> dict[str, str]:
        return {}

    app = FastAPI()
    app.include_router(router)
    with pytest.raises(RuntimeError, match="declares no access rule"):
        check_every_route_has_a_rule(app)


def test_a_rule_without_its_guard_is_refused() -> None:
    app = FastAPI()

    @app.get("/sneaky", openapi_extra={RULE_EXTENSION: Rule.ADMIN.value})
    def sneaky() -> dict[str, str]:
        return {}

    with pytest.raises(RuntimeError, match="without its guard"):
        check_every_route_has_a_rule(app)
    guarded = FastAPI()

    @guarded.get("/fine", **access(Rule.ADMIN))
    def fine() -> dict[str, str]:
        return {}

    check_every_route_has_a_rule(guarded)
