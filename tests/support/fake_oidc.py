"""A fake GitHub Actions OIDC issuer on loopback: an RSA key made for the test, its key set at
``/.well-known/jwks``, and the token endpoint a job calls (``ACTIONS_ID_TOKEN_REQUEST_URL``,
bearer ``ACTIONS_ID_TOKEN_REQUEST_TOKEN``) answering ``{"value": JWT}`` with the claims the test
chose, for the audience it was asked. ``mint`` signs any claims with any key, for the attacks."""

from __future__ import annotations

import json
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

REQUEST_TOKEN = "actions-request-token"
# the reusable workflow on main that records reviews, as a policy would pin it
RECORDER = "Codertocat/Hello-World/.github/workflows/record.yml@refs/heads/main"


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def mint(claims: dict[str, Any], key: rsa.RSAPrivateKey, kid: str = "test-key") -> str:
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})


@dataclass
class FakeIssuer:
    key: rsa.RSAPrivateKey
    kid: str = "test-key"
    url: str = ""
    claims: dict[str, Any] = field(default_factory=dict)
    token: str | None = None  # served as is instead of minting from ``claims``
    asked: list[str] = field(default_factory=list)

    def jwks(self) -> dict[str, Any]:
        jwk = RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
        return {"keys": [{**jwk, "kid": self.kid, "use": "sig", "alg": "RS256"}]}

    def env(self) -> dict[str, str]:
        return {
            "ACTIONS_ID_TOKEN_REQUEST_URL": f"{self.url}/token?api-version=2.0",
            "ACTIONS_ID_TOKEN_REQUEST_TOKEN": REQUEST_TOKEN,
        }

    def github_claims(self, **over: Any) -> dict[str, Any]:
        """What GitHub puts in a pull_request_review job's token, for this issuer."""
        now = int(time.time())
        return {
            "iss": self.url,
            "aud": "countersign",
            "iat": now,
            "nbf": now,
            "exp": now + 300,
            "sub": "repo:Codertocat/Hello-World:pull_request",
            "repository": "Codertocat/Hello-World",
            "repository_owner": "Codertocat",
            "event_name": "pull_request_review",
            "ref": "refs/pull/2/merge",
            "actor": "alice-s",
            "run_id": "1234",
            "workflow_ref": "Codertocat/Hello-World/.github/workflows/review.yml@refs/pull/2/merge",
            "job_workflow_ref": RECORDER,
            **over,
        }


def _handler(issuer: FakeIssuer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            issuer.asked.append(self.path)
            parts = urllib.parse.urlsplit(self.path)
            if parts.path == "/.well-known/jwks":
                self._send(200, issuer.jwks())
            elif parts.path == "/token":
                if self.headers.get("Authorization") != f"bearer {REQUEST_TOKEN}":
                    self._send(401, {"message": "Bad credentials"})
                    return
                audience = urllib.parse.parse_qs(parts.query).get("audience", [""])[0]
                claims = {**issuer.claims, "aud": issuer.claims.get("aud", audience)}
                value = issuer.token or mint(claims, issuer.key, issuer.kid)
                self._send(200, {"count": 1, "value": value})
            else:
                self._send(404, {"message": "Not Found"})

        def _send(self, code: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *_args: Any) -> None:
            pass

    return Handler


@contextmanager
def fake_issuer() -> Iterator[FakeIssuer]:
    issuer = FakeIssuer(new_key())
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(issuer))
    issuer.url = f"http://127.0.0.1:{server.server_address[1]}"
    issuer.claims = issuer.github_claims()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield issuer
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
