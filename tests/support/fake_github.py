"""A fake GitHub API for the service's tests, served on loopback: every request is checked
against GitHub's own OpenAPI description (the slice of ``@octokit/openapi`` vendored in
tests/fixtures/github/openapi) and against the App's credentials, and answered from a small
in-memory model of check runs, comments and pull requests.

A request that GitHub would refuse (unknown route, wrong parameter type, a body that breaks the
schema, a bad JWT or token) is answered 422/401/404 and recorded in ``violations``: tests assert
it stays empty. ``fail`` queues faults (502s, rate limits) for the next matching requests.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jsonschema
import jwt
from github_oauth import ACCESS_TOKEN, AUTHORIZE, problem
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

SLICE = (
    Path(__file__).resolve().parent.parent
    / "fixtures"
    / "github"
    / "openapi"
    / "api.github.com.slice.json"
)


def json_schema(schema: Any) -> Any:
    """OpenAPI 3.0 schema -> JSON Schema: ``nullable: true`` admits null."""
    if isinstance(schema, list):
        return [json_schema(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: json_schema(v) for k, v in schema.items() if k not in ("nullable", "example")}
    if schema.get("nullable"):
        if isinstance(out.get("type"), str):
            out["type"] = [out["type"], "null"]
        if "enum" in out:
            out["enum"] = [*out["enum"], None]
        if "type" not in out:
            out = {"anyOf": [out, {"type": "null"}]}
    return out


@dataclass
class Operation:
    method: str
    template: str
    pattern: re.Pattern[str]
    spec: dict[str, Any]


def load_operations() -> list[Operation]:
    spec = json.loads(SLICE.read_text(encoding="utf-8"))
    ops = []
    for template, methods in spec["paths"].items():
        regex = "^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template) + "$"
        for method, op in methods.items():
            ops.append(Operation(method.upper(), template, re.compile(regex), op))
    return ops


@dataclass
class Fault:
    method: str
    pattern: str
    status: int  # 0: answer normally, after ``delay`` seconds (the work is done first)
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass
class FakeGitHub:
    app_id: int
    public_key: str
    app_slug: str = "countersign"
    operations: list[Operation] = field(default_factory=load_operations)
    requests: list[tuple[str, str, Any]] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    tokens: dict[str, int] = field(default_factory=dict)
    check_runs: dict[int, dict[str, Any]] = field(default_factory=dict)
    comments: dict[int, dict[str, Any]] = field(default_factory=dict)
    reactions: list[tuple[int, str]] = field(default_factory=list)
    pulls: dict[tuple[str, int], dict[str, Any]] = field(default_factory=dict)
    installations: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    # (repository, login) -> role ("admin", "maintain", "write", "triage", "read"): collaborators
    collaborators: dict[tuple[str, str], str] = field(default_factory=dict)
    faults: list[Fault] = field(default_factory=list)
    writes: list[tuple[float, str]] = field(default_factory=list)  # (time, head) of check runs
    label_writes: int = 0  # labels added or removed
    # The OAuth web flow: the App's client, who is signed in to "github.com" in the browser,
    # the codes handed out (code -> client id, redirect URI, login) and the user tokens.
    oauth_client: tuple[str, str] = ("Iv1.countersign", "oauth-client-secret")
    oauth_callback: str = ""  # the App's registered callback URL: redirect_uri must be under it
    signed_in: str | None = None
    codes: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    user_tokens: dict[str, str] = field(default_factory=dict)
    _ids: Any = field(default_factory=lambda: itertools.count(1000))
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _delay: float = 0.0

    # --- set-up and inspection -------------------------------------------------------------
    def fail(self, method: str, pattern: str, *statuses: int, **headers: str) -> None:
        for status in statuses:
            self.faults.append(Fault(method, pattern, status, dict(headers)))

    def stall(self, method: str, pattern: str, seconds: float) -> None:
        """Do the next matching request's work, then answer only after ``seconds``: a worker
        killed meanwhile never learns that its request succeeded."""
        self.faults.append(Fault(method, pattern, 0, delay=seconds))

    def runs_for(self, repository: str, head: str) -> list[dict[str, Any]]:
        return [
            r
            for r in self.check_runs.values()
            if r["_repo"] == repository and r["head_sha"] == head
        ]

    def comments_on(self, repository: str, number: int) -> list[dict[str, Any]]:
        return [
            c for c in self.comments.values() if c["_repo"] == repository and c["_number"] == number
        ]

    def add_comment(self, repository: str, number: int, body: str, login: str) -> dict[str, Any]:
        return self._new_comment(repository, number, body, {"login": login, "type": "User"}, None)

    # --- the ASGI app ---------------------------------------------------------------------
    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/login/oauth/authorize", self._authorize),
                Route("/login/oauth/access_token", self._access_token, methods=["POST"]),
                Route("/{path:path}", self._handle, methods=["GET", "POST", "PATCH", "DELETE"]),
            ]
        )

    # --- the OAuth web flow (github_oauth.py) -------------------------------------------------
    async def _authorize(self, request: Request) -> Response:
        params = dict(request.query_params)
        with self._lock:
            self.requests.append(("GET", "/login/oauth/authorize", params))
            wrong = problem(AUTHORIZE, params)
            if wrong:
                return self._violation(422, f"GET /login/oauth/authorize: {wrong}")
            if params["client_id"] != self.oauth_client[0]:
                return self._violation(404, "GET /login/oauth/authorize: unknown client_id")
            redirect = params.get("redirect_uri", self.oauth_callback)
            if not self.oauth_callback or not redirect.startswith(self.oauth_callback):
                # GitHub shows an error page and never redirects to an unregistered URL.
                return self._violation(400, f"redirect_uri {redirect!r} is not the callback")
            if self.signed_in is None:
                return HTMLResponse("<h1>Sign in to GitHub</h1>", 200)
            code = secrets.token_hex(10)
            self.codes[code] = (params["client_id"], redirect, self.signed_in)
        state = params.get("state")
        query = f"code={code}" + (f"&state={state}" if state is not None else "")
        sep = "&" if "?" in redirect else "?"
        return RedirectResponse(f"{redirect}{sep}{query}", 302)

    async def _access_token(self, request: Request) -> Response:
        raw = (await request.body()).decode()
        if request.headers.get("content-type", "").startswith("application/json"):
            params = json.loads(raw or "{}")
        else:
            from urllib.parse import parse_qsl

            params = dict(parse_qsl(raw))
        with self._lock:
            self.requests.append(
                ("POST", "/login/oauth/access_token", {**params, "client_secret": "…"})
            )
            wrong = problem(ACCESS_TOKEN, params)
            if wrong:
                return self._violation(422, f"POST /login/oauth/access_token: {wrong}")
            if "application/json" not in request.headers.get("accept", ""):
                return self._violation(406, "POST /login/oauth/access_token: ask for JSON")
            if (params["client_id"], params["client_secret"]) != self.oauth_client:
                return JSONResponse({"error": "incorrect_client_credentials"})
            issued = self.codes.pop(params["code"], None)  # a code works once
            if issued is None or issued[0] != params["client_id"]:
                return JSONResponse({"error": "bad_verification_code"})
            if "redirect_uri" in params and params["redirect_uri"] != issued[1]:
                return JSONResponse({"error": "redirect_uri_mismatch"})
            token = "ghu_" + secrets.token_hex(16)
            self.user_tokens[token] = issued[2]
        return JSONResponse({"access_token": token, "token_type": "bearer", "scope": ""})

    async def _handle(self, request: Request) -> Response:
        path = "/" + request.path_params["path"]
        raw = await request.body()
        body = json.loads(raw) if raw else None
        with self._lock:
            self.requests.append((request.method, path, body))
            self._delay = 0.0
            response = self._answer(request, path, body)
            delay = self._delay
        if delay:
            await asyncio.sleep(delay)
        return response

    def _answer(self, request: Request, path: str, body: Any) -> Response:
        for op in self.operations:
            match = op.pattern.match(path)
            if match and op.method == request.method:
                break
        else:
            return self._violation(
                404, f"{request.method} {path}: no such operation in GitHub's API"
            )
        params = match.groupdict()
        problem = self._check_request(op, params, dict(request.query_params), body)
        if problem:
            return self._violation(422, f"{request.method} {op.template}: {problem}")
        for fault in self.faults:
            if fault.method == request.method and re.search(fault.pattern, path):
                self.faults.remove(fault)
                if fault.status:
                    return JSONResponse({"message": "fault"}, fault.status, headers=fault.headers)
                self._delay = fault.delay
                break
        auth = request.headers.get("authorization", "")
        if op.template.startswith("/app/"):
            if not self._valid_jwt(auth):
                return self._violation(401, f"{op.template}: not a valid JWT for app {self.app_id}")
        elif op.template == "/user":
            token = auth.removeprefix("Bearer ").removeprefix("token ").strip()
            if token not in self.user_tokens:
                return self._violation(401, "/user: not a user access token")
            return self._user(self.user_tokens[token], op)
        else:
            token = auth.removeprefix("token ").strip()
            if token not in self.tokens:
                return self._violation(401, f"{op.template}: unknown installation token")
        handler = getattr(self, "_" + op.spec["operationId"].replace("/", "_").replace("-", "_"))
        return handler(params, dict(request.query_params), body)

    def _violation(self, status: int, message: str) -> Response:
        self.violations.append(message)
        return JSONResponse({"message": message}, status)

    def _check_request(
        self, op: Operation, params: dict[str, str], query: dict[str, str], body: Any
    ) -> str | None:
        for p in op.spec["parameters"]:
            where = params if p["in"] == "path" else query if p["in"] == "query" else None
            if where is None:
                continue
            if p["name"] not in where:
                if p.get("required"):
                    return f"missing {p['in']} parameter {p['name']}"
                continue
            value: Any = where[p["name"]]
            if p.get("schema", {}).get("type") == "integer":
                if not re.fullmatch(r"-?\d+", value):
                    return f"{p['name']} must be an integer"
                value = int(value)
            try:
                jsonschema.validate(value, json_schema(p.get("schema", {})))
            except jsonschema.ValidationError as exc:
                return f"{p['name']}: {exc.message}"
        known = {p["name"] for p in op.spec["parameters"]}
        unknown = set(query) - known
        if unknown:
            return f"unknown query parameters {sorted(unknown)}"
        schema = op.spec.get("requestBody")
        if schema is None:
            return "a body where none is accepted" if body is not None else None
        if body is None:
            return "a body is required" if op.spec.get("requestBodyRequired") else None
        try:
            jsonschema.validate(body, json_schema(schema))
        except jsonschema.ValidationError as exc:
            return f"body{''.join(f'[{p!r}]' for p in exc.absolute_path)}: {exc.message}"
        return None

    def _valid_jwt(self, auth: str) -> bool:
        if not auth.lower().startswith("bearer "):
            return False
        try:
            claims = jwt.decode(auth[7:], self.public_key, algorithms=["RS256"])
        except jwt.PyJWTError:
            return False
        return str(claims.get("iss")) == str(self.app_id)

    # --- operations (named after their operationId) -----------------------------------------
    def _apps_create_installation_access_token(self, params: dict[str, str], *_: Any) -> Response:
        token = "ghs_" + secrets.token_hex(16)
        self.tokens[token] = int(params["installation_id"])
        expires = (datetime.now(UTC) + timedelta(hours=1)).isoformat().replace("+00:00", "Z")
        return JSONResponse({"token": token, "expires_at": expires}, 201)

    def _apps_list_installations(self, *_: Any) -> Response:
        return JSONResponse(
            [{"id": i, "account": {"login": "octo-org"}} for i in sorted(self.installations)]
        )

    def _apps_list_repos_accessible_to_installation(self, *_: Any, **__: Any) -> Response:
        repos = [r for rs in self.installations.values() for r in rs]
        return JSONResponse({"total_count": len(repos), "repositories": repos})

    def _checks_create(self, params: dict[str, str], _q: Any, body: dict[str, Any]) -> Response:
        run_id = next(self._ids)
        run = dict(body, id=run_id, app={"id": self.app_id, "slug": self.app_slug})
        run["_repo"] = f"{params['owner']}/{params['repo']}"
        run["updates"] = 0
        self.check_runs[run_id] = run
        self.writes.append((time.time(), run["head_sha"]))
        return JSONResponse(self._public(run), 201)

    def _checks_update(self, params: dict[str, str], _q: Any, body: dict[str, Any]) -> Response:
        run = self.check_runs.get(int(params["check_run_id"]))
        if run is None or run["_repo"] != f"{params['owner']}/{params['repo']}":
            return JSONResponse({"message": "Not Found"}, 404)
        run.update(body)
        run["updates"] += 1
        self.writes.append((time.time(), run["head_sha"]))
        return JSONResponse(self._public(run))

    def _checks_list_for_ref(
        self, params: dict[str, str], query: dict[str, str], _b: Any
    ) -> Response:
        repo = f"{params['owner']}/{params['repo']}"
        runs = [
            self._public(r)
            for r in self.check_runs.values()
            if r["_repo"] == repo
            and r["head_sha"] == params["ref"]
            and r["name"] == query.get("check_name", r["name"])
            and ("app_id" not in query or int(query["app_id"]) == r["app"]["id"])
        ]
        return JSONResponse({"total_count": len(runs), "check_runs": runs})

    def _issues_list_comments(self, params: dict[str, str], *_: Any) -> Response:
        repo = f"{params['owner']}/{params['repo']}"
        found = self.comments_on(repo, int(params["issue_number"]))
        return JSONResponse([self._public(c) for c in found])

    def _issues_create_comment(
        self, params: dict[str, str], _q: Any, body: dict[str, Any]
    ) -> Response:
        repo = f"{params['owner']}/{params['repo']}"
        bot = {"login": f"{self.app_slug}[bot]", "type": "Bot"}
        made = self._new_comment(repo, int(params["issue_number"]), body["body"], bot, self.app_id)
        return JSONResponse(self._public(made), 201)

    def _issues_update_comment(
        self, params: dict[str, str], _q: Any, body: dict[str, Any]
    ) -> Response:
        found = self.comments.get(int(params["comment_id"]))
        if found is None:
            return JSONResponse({"message": "Not Found"}, 404)
        if found["user"]["type"] != "Bot":
            return JSONResponse({"message": "Resource not accessible by integration"}, 403)
        found["body"] = body["body"]
        found["edits"] += 1
        return JSONResponse(self._public(found))

    def _reactions_create_for_issue_comment(
        self, params: dict[str, str], _q: Any, body: dict[str, Any]
    ) -> Response:
        """GitHub keeps one reaction of a kind per user: a second is answered 200, not added
        (every reaction here is the App's)."""
        made = (int(params["comment_id"]), body["content"])
        if made in self.reactions:
            return JSONResponse({"id": self.reactions.index(made), "content": made[1]}, 200)
        self.reactions.append(made)
        return JSONResponse({"id": next(self._ids), "content": body["content"]}, 201)

    def _issues_add_labels(self, params: dict[str, str], _q: Any, body: dict[str, Any]) -> Response:
        """Labels that do not exist yet are created, as GitHub does."""
        pr = self.pulls.get((f"{params['owner']}/{params['repo']}", int(params["issue_number"])))
        if pr is None:
            return JSONResponse({"message": "Not Found"}, 404)
        names = [n if isinstance(n, str) else n["name"] for n in body["labels"]]
        labels = pr.setdefault("labels", [])
        for name in names:
            if name not in [label["name"] for label in labels]:
                labels.append(self._label(name))
        self.label_writes += 1
        return JSONResponse(labels)

    def _issues_remove_label(self, params: dict[str, str], *_: Any) -> Response:
        pr = self.pulls.get((f"{params['owner']}/{params['repo']}", int(params["issue_number"])))
        labels = (pr or {}).get("labels", [])
        if pr is None or params["name"] not in [label["name"] for label in labels]:
            return JSONResponse({"message": "Label does not exist"}, 404)
        pr["labels"] = [label for label in labels if label["name"] != params["name"]]
        self.label_writes += 1
        return JSONResponse(pr["labels"])

    def _label(self, name: str) -> dict[str, Any]:
        return {
            "id": next(self._ids),
            "node_id": f"LA_{name}",
            "url": f"https://api.github.com/labels/{name}",
            "name": name,
            "description": None,
            "color": "ededed",
            "default": False,
        }

    def _pulls_list(self, params: dict[str, str], query: dict[str, str], _b: Any) -> Response:
        repo = f"{params['owner']}/{params['repo']}"
        state = query.get("state", "open")
        found = [
            pr
            for (r, _), pr in sorted(self.pulls.items())
            if r == repo and (state == "all" or pr["state"] == state)
        ]
        return JSONResponse(found)

    def _pulls_get(self, params: dict[str, str], *_: Any) -> Response:
        pr = self.pulls.get((f"{params['owner']}/{params['repo']}", int(params["pull_number"])))
        if pr is None:
            return JSONResponse({"message": "Not Found"}, 404)
        return JSONResponse(pr)

    def _repos_get_collaborator_permission_level(self, params: dict[str, str], *_: Any) -> Response:
        repo, login = f"{params['owner']}/{params['repo']}", params["username"]
        role = self.collaborators.get((repo, login), "none")
        legacy = {"maintain": "write", "triage": "read"}.get(role, role)
        levels = ("read", "triage", "write", "maintain", "admin")
        rank = levels.index(role) if role in levels else -1
        permissions = {
            "pull": rank >= 0,
            "triage": rank >= 1,
            "push": rank >= 2,
            "maintain": rank >= 3,
            "admin": rank >= 4,
        }
        user = {**self._account(login), "role_name": role, "permissions": permissions}
        answer = {"permission": legacy, "role_name": role, "user": user}
        op = next(o for o in self.operations if o.spec["operationId"].endswith("permission-level"))
        try:  # the answer has the shape GitHub's description promises
            jsonschema.validate(answer, json_schema(op.spec["responses"]["200"]))
        except jsonschema.ValidationError as exc:
            return self._violation(500, f"the fake's permission answer: {exc.message}")
        return JSONResponse(answer)

    def _user(self, login: str, op: Operation) -> Response:
        user = self._account(login)
        try:  # the answer has the shape GitHub's description promises
            jsonschema.validate(user, json_schema(op.spec["responses"]["200"]))
        except jsonschema.ValidationError as exc:
            return self._violation(500, f"the fake's /user answer: {exc.message}")
        return JSONResponse(user)

    @staticmethod
    def _account(login: str) -> dict[str, Any]:
        user: dict[str, Any] = {
            "login": login,
            "id": abs(hash(login)) % 10**8,
            "node_id": "U_" + login,
            "avatar_url": f"https://avatars.example.com/{login}",
            "gravatar_id": None,
            "url": f"https://api.github.com/users/{login}",
            "html_url": f"https://github.com/{login}",
            "type": "User",
            "site_admin": False,
            "name": login,
            "public_repos": 1,
            "public_gists": 0,
            "followers": 0,
            "following": 0,
            "created_at": "2020-01-01T00:00:00Z",
            "updated_at": "2020-01-01T00:00:00Z",
        }
        for key in (
            "followers_url", "following_url", "gists_url", "starred_url", "subscriptions_url",
            "organizations_url", "repos_url", "events_url", "received_events_url",
        ):  # fmt: skip
            user[key] = f"https://api.github.com/users/{login}/{key.removesuffix('_url')}"
        for key in ("company", "blog", "location", "email", "hireable", "bio"):
            user[key] = None
        return user

    # --- helpers ----------------------------------------------------------------------------
    def _new_comment(
        self, repo: str, number: int, body: str, user: dict[str, Any], app_id: int | None
    ) -> dict[str, Any]:
        comment_id = next(self._ids)
        made = {
            "id": comment_id,
            "body": body,
            "user": user,
            "performed_via_github_app": {"id": app_id} if app_id else None,
            "_repo": repo,
            "_number": number,
            "edits": 0,
        }
        self.comments[comment_id] = made
        return made

    @staticmethod
    def _public(record: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in record.items() if not k.startswith("_")}
