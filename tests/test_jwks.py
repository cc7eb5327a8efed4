"""A slow, dead or rotating identity provider: keys are fetched in the background, and nobody waits on another issuer."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from fastapi.testclient import TestClient
from jwt.algorithms import ECAlgorithm

from jobmatch.app import create_app
from jobmatch.auth import dev
from jobmatch.auth.issuers import TrustedIssuer
from jobmatch.auth.tokens import Authenticator
from jobmatch.errors import ServiceUnavailable, Unauthorized
from jobmatch.settings import Settings
from tests import auth

ISSUER = "https://idp.test"
AUDIENCE = "jobmatch"


class IdentityProvider(BaseHTTPRequestHandler):
    """A JWKS endpoint that publishes the kids in `published`, or hangs until `release` is set."""

    published: tuple[str, ...] = ("k1",)
    hang = False
    release = threading.Event()
    requests = 0

    def do_GET(self) -> None:  # noqa: N802  (the stdlib's name)
        type(self).requests += 1
        if self.hang:
            self.release.wait(30)
        key = json.loads(ECAlgorithm.to_jwk(load_pem_public_key(auth.signing_keys().public_pem.encode())))
        body = json.dumps({"keys": [{**key, "kid": kid, "use": "sig", "alg": "ES256"} for kid in self.published]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def provider() -> Iterator[tuple[type[IdentityProvider], str]]:
    handler = type("Provider", (IdentityProvider,), {"release": threading.Event(), "requests": 0})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield handler, f"http://127.0.0.1:{server.server_port}/jwks"
    handler.release.set()
    server.shutdown()


def closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/jwks"


def issuer(jwks_url: str) -> TrustedIssuer:
    return TrustedIssuer(issuer=ISSUER, audience=AUDIENCE, jwks_url=jwks_url, algorithms=["ES256"], seeker_claim="pid")


def signed(kid: str | None = "k1", **claims: Any) -> str:
    now = int(time.time())
    payload = {"iss": ISSUER, "aud": AUDIENCE, "iat": now, "exp": now + 60, "pid": "p-1", **claims}
    return jwt.encode(payload, auth.signing_keys().private_pem, algorithm=dev.DEV_ALGORITHM, headers={"kid": kid} if kid else None)


def test_a_refusing_endpoint_is_not_asked_again_by_every_request() -> None:
    authenticator = Authenticator([issuer(closed_port_url())])
    authenticator.wait_for_keys(5)
    for _ in range(30):
        with pytest.raises(ServiceUnavailable):
            authenticator.authenticate(signed())
    (key_set,) = authenticator._key_sets()
    assert key_set.fetches <= 2
    authenticator.close()


def test_an_unknown_kid_asks_for_at_most_one_refresh_per_interval(provider: tuple[type[IdentityProvider], str]) -> None:
    handler, url = provider
    authenticator = Authenticator([issuer(url)])
    authenticator.wait_for_keys(5)
    assert authenticator.authenticate(signed("k1")).subject == "p-1"
    outcomes = []
    for n in range(20):
        try:
            authenticator.authenticate(signed(f"junk-{n}"))
        except (ServiceUnavailable, Unauthorized) as error:
            outcomes.append(error.status)
    time.sleep(0.5)  # let the one refresh finish, so a second one would show in the count
    assert outcomes[0] == 503
    assert set(outcomes[1:]) == {401}
    assert handler.requests <= 2
    authenticator.close()


def test_a_key_rotated_in_at_the_issuer_is_found_after_one_refresh(provider: tuple[type[IdentityProvider], str]) -> None:
    handler, url = provider
    authenticator = Authenticator([issuer(url)])
    authenticator.wait_for_keys(5)
    handler.published = ("k1", "k2")
    with pytest.raises(ServiceUnavailable, match="being refreshed"):
        authenticator.authenticate(signed("k2"))
    for _ in range(100):
        if handler.requests >= 2:
            break
        time.sleep(0.05)
    for _ in range(100):
        try:
            assert authenticator.authenticate(signed("k2")).subject == "p-1"
            break
        except Unauthorized:
            time.sleep(0.05)
    else:
        raise AssertionError("the rotated key was never found")
    authenticator.close()


def test_a_hanging_issuer_never_stalls_a_request_from_another(
    settings: Settings, engine: Any, provider: tuple[type[IdentityProvider], str],
) -> None:
    handler, url = provider
    handler.hang = True
    hanging = settings.model_copy(update={"trusted_issuers": [auth.trusted_issuer(), issuer(url)], "jwks_startup_wait_seconds": 0.2})
    with TestClient(create_app(hanging), raise_server_exceptions=False) as client:

        def junk(n: int) -> int:
            return client.get("/v1/postings", headers=auth.bearer(signed(f"junk-{n}"))).status_code

        with ThreadPoolExecutor(45) as pool:
            junk_answers = pool.map(junk, range(45))
            valid = client.get("/v1/postings", headers=auth.admin_headers())
            assert valid.status_code == 200
            assert set(junk_answers) == {503}
        assert not handler.release.is_set()  # all of it answered while the issuer's one fetch still hangs
        assert handler.requests == 1


def test_a_token_valid_for_longer_than_the_issuer_allows_is_refused(client_as: Any) -> None:
    long_lived = client_as(auth.bearer(auth.token(dev.dev_claims("admin"), ttl_seconds=10 * 365 * 86_400)))
    response = long_lived.get("/v1/postings")
    assert response.status_code == 401
    assert "maximum" in response.json()["detail"]
    assert client_as(auth.bearer(auth.token(dev.dev_claims("admin"), ttl_seconds=86_000))).get("/v1/postings").status_code == 200


def test_a_huge_token_is_refused_before_it_is_parsed(client_as: Any) -> None:
    huge = auth.token({**dev.dev_claims("admin"), "padding": "x" * (1024 * 1024)})
    response = client_as(auth.bearer(huge)).get("/v1/postings")
    assert response.status_code == 401
    assert "longer than" in response.json()["detail"]
