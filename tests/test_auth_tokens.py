"""Bearer tokens: every way a token can be wrong is a 401 problem with `WWW-Authenticate`; issuers map claims to roles."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import os
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from fastapi.testclient import TestClient
from jwt.algorithms import ECAlgorithm
from pydantic import ValidationError

from jobmatch.app import create_app
from jobmatch.auth import dev
from jobmatch.auth.issuers import TrustedIssuer
from jobmatch.auth.principal import Role
from jobmatch.auth.tokens import Authenticator
from jobmatch.environment import DevTokenSettings, dev_token_settings
from jobmatch.settings import Settings
from tests import auth
from tests.auth import bearer, signing_keys, token
from tests.factories import posting_body

ME = "/v1/postings"  # any route that needs a valid token


def _seeker_claims() -> dict[str, Any]:
    return dev.dev_claims("seeker", subject="seeker-1")


def _unsigned(payload: dict[str, Any]) -> str:
    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")

    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(payload)}."


def _tampered() -> str:
    header, payload, signature = token(dev.dev_claims("service", scopes=[])).split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["scope"] = "admin postings:write"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    return f"{header}.{forged}.{signature}"


def _hs256_with_the_public_key() -> str:
    now = int(time.time())
    payload = {"iss": auth.ISSUER, "aud": auth.AUDIENCE, "exp": now + 60, **_seeker_claims()}
    # PyJWT refuses a PEM as an HMAC secret when encoding, so the forger signs by hand.
    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")

    signing_input = f"{part({'alg': 'HS256', 'typ': 'JWT'})}.{part(payload)}"
    mac = hmac.new(signing_keys().public_pem.encode(), signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{base64.urlsafe_b64encode(mac).decode().rstrip('=')}"


BAD_TOKENS = {
    "alg-none": lambda: _unsigned({"iss": auth.ISSUER, "aud": auth.AUDIENCE, "exp": int(time.time()) + 60, **_seeker_claims()}),
    "hs256-with-public-key": _hs256_with_the_public_key,
    "expired": lambda: token(_seeker_claims(), ttl_seconds=-120),
    "not-yet-valid": lambda: token(_seeker_claims(), nbf=int(time.time()) + 600),
    "wrong-issuer": lambda: token(_seeker_claims(), iss="https://evil.example/"),
    "wrong-audience": lambda: token(_seeker_claims(), aud="someone-else"),
    "no-expiry": lambda: jwt.encode({"iss": auth.ISSUER, "aud": auth.AUDIENCE, **_seeker_claims()}, signing_keys().private_pem,
                                    algorithm="ES256"),
    "wrong-key": lambda: token(_seeker_claims(), key=dev.new_keys().private_pem),
    "tampered-payload": _tampered,
    "not-a-jwt": lambda: "not.a.jwt",
    "garbage": lambda: "x" * 40,
}


@pytest.mark.parametrize("make", BAD_TOKENS.values(), ids=BAD_TOKENS.keys())
def test_a_bad_token_is_a_401_problem_with_a_challenge(client_as: Any, make: Any) -> None:
    response = client_as(bearer(make())).get(ME)
    assert response.status_code == 401, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"].startswith('Bearer realm="jobmatch", error="invalid_token"')
    problem = response.json()
    assert problem["status"] == 401
    assert problem["type"] == "https://jobmatch.no/problems/unauthorized"


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Basic dXNlcjpwYXNz"}, {"Authorization": "Bearer"}],
                         ids=["none", "basic", "empty-bearer"])
def test_no_bearer_token_is_a_401_with_a_plain_challenge(client_as: Any, headers: dict[str, str]) -> None:
    response = client_as(headers).get(ME)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Bearer realm="jobmatch"'


def test_a_valid_token_passes(client_as: Any) -> None:
    assert client_as(auth.seeker_headers()).get(ME).status_code == 200


def test_issuer_settings_refuse_symmetric_and_none_algorithms() -> None:
    for algorithms in (["HS256"], ["none"], ["RS256", "HS512"]):
        with pytest.raises(ValueError, match="not allowed"):
            TrustedIssuer(issuer="i", audience="a", public_key=signing_keys().public_pem, algorithms=algorithms)
    with pytest.raises(ValueError, match="exactly one"):
        TrustedIssuer(issuer="i", audience="a")


class _Jwks(BaseHTTPRequestHandler):
    body = b""

    def do_GET(self) -> None:  # noqa: N802  (the stdlib's name)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def jwks_url() -> Iterator[str]:
    """A JWKS endpoint on the loopback interface publishing the test key under kid `k1`."""
    key = json.loads(ECAlgorithm.to_jwk(load_pem_public_key(signing_keys().public_pem.encode())))
    _Jwks.body = json.dumps({"keys": [{**key, "kid": "k1", "use": "sig", "alg": "ES256"}]}).encode()
    server = HTTPServer(("127.0.0.1", 0), _Jwks)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/jwks"
    server.shutdown()


def test_several_issuers_each_with_its_keys_audience_and_claims(jwks_url: str, request: pytest.FixtureRequest) -> None:
    """A TokenX-like issuer (JWKS, `pid`) and an Entra-like one (static key, `NAVident`, `groups`, `roles`) side by side."""
    citizens = TrustedIssuer(issuer="https://tokenx.test", audience="dev:team:jobmatch", jwks_url=jwks_url, algorithms=["ES256"],
                             seeker_claim="pid")
    employees = TrustedIssuer(issuer="https://entra.test/v2.0", audience="api://jobmatch", public_key=dev.new_keys().public_pem,
                              algorithms=["ES256"], employee_claim="NAVident", units_claim="units", caseworker_groups=["g-case"],
                              protected_groups=["g-strengt-fortrolig"], scope_claim="roles")
    authenticator = Authenticator([citizens, employees])
    request.addfinalizer(authenticator.close)  # its key fetcher must not outlive the test's JWKS server
    authenticator.wait_for_keys(5)
    now = int(time.time())

    def signed(claims: dict[str, Any], *, kid: str | None = "k1") -> str:
        return jwt.encode({"iat": now, "exp": now + 60, **claims}, signing_keys().private_pem, algorithm="ES256",
                          headers={"kid": kid} if kid else None)

    seeker = authenticator.authenticate(signed({"iss": "https://tokenx.test", "aud": "dev:team:jobmatch", "pid": "12345678901"}))
    assert (seeker.role, seeker.subject) == (Role.SEEKER, "12345678901")
    assert "12345678901" not in repr(seeker)
    unknown_kid = signed({"iss": "https://tokenx.test", "aud": "dev:team:jobmatch", "pid": "1"}, kid="k2")
    with pytest.raises(Exception, match="signing key"):
        authenticator.authenticate(unknown_kid)
    with pytest.raises(Exception, match="not valid"):  # right claims, but signed by a key the Entra-like issuer does not hold
        authenticator.authenticate(signed({"iss": "https://entra.test/v2.0", "aud": "api://jobmatch", "NAVident": "Z1"}))


def test_claims_map_to_roles() -> None:
    keys = dev.new_keys()
    issuer = dev.dev_issuer(keys.public_pem)
    authenticator = Authenticator([issuer])

    def principal(claims: dict[str, Any]) -> Any:
        return authenticator.authenticate(dev.mint(keys.private_pem, claims))

    caseworker = principal(dev.dev_claims("caseworker", subject="Z1", units=["0301", "4601"], protected_access=True))
    assert (caseworker.role, caseworker.subject, caseworker.units, caseworker.protected_access) == (
        Role.CASEWORKER, "Z1", frozenset({"0301", "4601"}), True)
    employee = principal({"sub": "s", "NAVident": "Z2", "groups": ["other"]})
    assert employee.role is Role.EMPLOYEE
    service = principal(dev.dev_claims("service", subject="importer", scopes=["postings:write"]))
    assert (service.role, service.scopes) == (Role.SERVICE, frozenset({"postings:write"}))
    smuggled = principal({"pid": "p", "scope": "admin"})  # a seeker token cannot carry service scopes
    assert (smuggled.role, smuggled.scopes) == (Role.SEEKER, frozenset())


def test_an_employee_without_the_caseworker_group_reads_postings_only(client_as: Any) -> None:
    employee = client_as(auth.employee_headers())
    assert employee.get(ME).status_code == 200
    assert employee.post("/v1/seekers", json={"person": "p"}).status_code == 403


def test_the_app_trusts_development_tokens_from_its_data_folder(settings: Settings, engine: Any) -> None:
    with_dev = settings.model_copy(update={"dev_tokens": True})
    keys = dev.ensure_dev_keys(settings.data_dir)
    with TestClient(create_app(with_dev), raise_server_exceptions=False) as client:
        minted = dev.mint(keys.private_pem, dev.dev_claims("seeker", subject="someone"))
        assert client.get(ME, headers=bearer(minted)).status_code == 200
    assert (settings.data_dir / "dev-keys" / "signing-key.pem").stat().st_mode & 0o077 == 0
    without = settings.model_copy(update={"dev_tokens": False})
    with TestClient(create_app(without), raise_server_exceptions=False) as client:
        assert client.get(ME, headers=bearer(minted)).status_code == 401


def test_jobmatch_token_mints_what_the_development_server_trusts(settings: Settings, engine: Any) -> None:
    from typer.testing import CliRunner

    from jobmatch.cli import app as cli

    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    env = {"JOBMATCH_ENVIRONMENT": "development", "JOBMATCH_DATA_DIR": str(settings.data_dir)}
    try:
        minted = {role: CliRunner(env=env).invoke(cli, ["token", "--role", role, *extra]) for role, extra in [
            ("seeker", ["--subject", "12345678901"]), ("caseworker", ["--subject", "Z1", "--unit", "0301"]), ("admin", []),
            ("service", ["--scope", "postings:write"]),
        ]}
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
    assert all(result.exit_code == 0 for result in minted.values()), {k: v.output for k, v in minted.items()}
    with TestClient(create_app(settings.model_copy(update={"dev_tokens": True})), raise_server_exceptions=False) as client:
        def call(role: str, method: str, path: str, **kwargs: Any) -> int:
            headers = {**bearer(minted[role].stdout.strip()), **kwargs.pop("headers", {})}
            return client.request(method, path, headers=headers, **kwargs).status_code

        assert call("seeker", "POST", "/v1/seekers", json={}) == 201
        assert call("caseworker", "POST", "/v1/seekers", json={"person": "p-1"}) == 201
        assert call("admin", "GET", "/v1/index") == 200
        assert call("service", "POST", "/v1/postings", json=posting_body()) == 201
        assert call("service", "GET", "/v1/index") == 403


@pytest.mark.parametrize("environ", [
    {}, {"JOBMATCH_ENVIRONMENT": "test"}, {"jobmatch_environment": "test", "jobmatch_dev_tokens": "No"},
    {"JOBMATCH_DEV_TOKENS": "false"}, {"JOBMATCH_ENVIRONMENT": "test", "JOBMATCH_DEV_TOKENS": "On"},
    {"JOBMATCH_DATA_DIR": "/srv/jobmatch"}, {"JOBMATCH_ENVIRONMENT": "production"},
    {"JOBMATCH_ENVIRONMENT": "production", "JOBMATCH_DEV_TOKENS": "true"},
])
def test_jobmatch_token_reads_its_settings_as_the_full_settings_do(environ: dict[str, str], monkeypatch: Any) -> None:
    for name in [name for name in os.environ if name.upper().startswith("JOBMATCH_")]:
        monkeypatch.delenv(name)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    quick = dev_token_settings()
    assert quick is not None
    try:
        full = Settings()
    except ValidationError:  # production without its secrets: no development tokens either way
        assert not quick.enabled
        return
    assert quick == DevTokenSettings(enabled=full.dev_tokens_enabled and not full.is_production, data_dir=full.data_dir)


@pytest.mark.parametrize("environ", [
    {"JOBMATCH_ENVIRONMENT": "Production"}, {"JOBMATCH_DEV_TOKENS": "maybe"}, {"JOBMATCH_DEV_TOKENS": " on "},
])
def test_values_the_quick_reading_cannot_judge_are_left_to_the_full_settings(environ: dict[str, str]) -> None:
    assert dev_token_settings(environ) is None
