"""Cut the slice of GitHub's OpenAPI description the service calls out of the
``@octokit/openapi`` npm package (MIT), into tests/fixtures/github/openapi/.

    npm pack @octokit/openapi && tar xzf octokit-openapi-*.tgz
    python scripts/vendor_github_openapi.py package/generated/api.github.com.deref.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "github" / "openapi"
OPERATIONS = (
    ("post", "/app/installations/{installation_id}/access_tokens"),
    ("get", "/app/installations"),
    ("get", "/installation/repositories"),
    ("post", "/repos/{owner}/{repo}/check-runs"),
    ("patch", "/repos/{owner}/{repo}/check-runs/{check_run_id}"),
    ("get", "/repos/{owner}/{repo}/collaborators"),
    ("get", "/repos/{owner}/{repo}/collaborators/{username}/permission"),
    ("get", "/repos/{owner}/{repo}/commits/{ref}/check-runs"),
    ("get", "/repos/{owner}/{repo}/issues/{issue_number}/comments"),
    ("post", "/repos/{owner}/{repo}/issues/{issue_number}/comments"),
    ("patch", "/repos/{owner}/{repo}/issues/comments/{comment_id}"),
    ("post", "/repos/{owner}/{repo}/issues/comments/{comment_id}/reactions"),
    ("post", "/repos/{owner}/{repo}/issues/{issue_number}/labels"),
    ("delete", "/repos/{owner}/{repo}/issues/{issue_number}/labels/{name}"),
    ("get", "/repos/{owner}/{repo}/pulls"),
    ("get", "/repos/{owner}/{repo}/pulls/{pull_number}"),
    ("get", "/user"),
)


def main(source: str) -> int:
    spec = json.loads(Path(source).read_text(encoding="utf-8"))
    paths: dict[str, dict[str, object]] = {}
    for method, path in OPERATIONS:
        op = spec["paths"][path][method]
        body = op.get("requestBody", {}).get("content", {}).get("application/json", {})
        responses = {
            status: answer.get("content", {}).get("application/json", {}).get("schema")
            for status, answer in op["responses"].items()
            if status.startswith("2")
        }
        paths.setdefault(path, {})[method] = {
            "operationId": op["operationId"],
            "parameters": [
                {k: p[k] for k in ("name", "in", "required", "schema") if k in p}
                for p in op.get("parameters", [])
            ],
            "requestBody": body.get("schema"),
            "requestBodyRequired": op.get("requestBody", {}).get("required", False),
            "responses": responses,
        }
    OUT.mkdir(parents=True, exist_ok=True)
    out = {"openapi": spec["openapi"], "info": spec["info"], "paths": paths}
    (OUT / "api.github.com.slice.json").write_text(
        json.dumps(out, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )
    print(f"{len(OPERATIONS)} operations from {spec['info']['version']} -> {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
