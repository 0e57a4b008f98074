"""Secrets: reading credential files, and worse, sending them to another machine."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator

from countersign.facts.shell.context import ShellContext
from countersign.facts.shell.finding import Severity, ShellFinding
from countersign.facts.shell.invocation import Invocation
from countersign.facts.shell.rule import hit

CREDENTIAL_FILES = (
    "*/.aws/credentials", "*/.aws/config", "*/.ssh/id_*", "*/.ssh/*_key", "*/.kube/config",
    "*/.netrc", "*/.git-credentials", "*/.docker/config.json", "*/.config/gcloud/*",
    "*/.azure/*", "*/.npmrc", "*/.pypirc", "*/.vault-token", "*/.terraform.d/credentials*",
    "*.pem", "*.key", "*.p12", "*.pfx", "*/.env", ".env", ".env.*", "*/.env.*",
    "/etc/shadow", "/etc/sudoers", "*/secrets.y*ml", "*credentials.json", "*service-account*.json",
)  # fmt: skip
_READERS = {
    "cat",
    "less",
    "more",
    "head",
    "tail",
    "base64",
    "xxd",
    "od",
    "strings",
    "cp",
    "tar",
    "zip",
    "gzip",
    "openssl",
    "gpg",
    "awk",
    "sed",
    "grep",
    "jq",
    "yq",
    "nl",
    "tac",
    "bat",
    "curl",
    "scp",
    "rsync",
}
_SENDERS = {
    "curl",
    "wget",
    "nc",
    "ncat",
    "netcat",
    "socat",
    "scp",
    "sftp",
    "ftp",
    "rsync",
    "telnet",
    "ssh",
    "http",
    "https",
    "xh",
    "mail",
    "sendmail",
    "aws",
    "gsutil",
}
_ENV_DUMPS = {"env", "printenv", "set", "export"}


def credential(word: str) -> bool:
    path = word.lstrip("@<").replace("$HOME", "~")
    if path.startswith("~"):
        path = "/home/user" + path[1:]
    return any(fnmatch.fnmatchcase(path, p) for p in CREDENTIAL_FILES) and not path.endswith(
        (".example", ".sample", ".template", ".pub")
    )


def _reads(inv: Invocation) -> list[str]:
    words = list(inv.reads)
    if inv.name in _READERS:
        words.extend(a for a in inv.args if not a.startswith("-") or a.startswith(("-d@", "@")))
        words.extend(
            a.split("@", 1)[1]
            for a in inv.args
            if "@" in a
            and a.split("@", 1)[0] in ("-d", "--data", "--data-binary", "-F", "--form", "file=")
        )
    return [w for w in words if credential(w)]


def _sends(inv: Invocation) -> bool:
    if inv.name not in _SENDERS:
        return False
    if inv.name == "aws":
        return "s3" in inv.args and "cp" in inv.args
    if inv.name in ("scp", "rsync"):
        return any(":" in a and not a.startswith("-") for a in inv.args)
    return True


def exfiltration(invocations: list[Invocation], ctx: ShellContext) -> Iterator[ShellFinding]:
    """Whole-command rule: a credential read and a network send in the same command line."""
    read = [(inv, path) for inv in invocations for path in _reads(inv)]
    dumps = [inv for inv in invocations if inv.name in _ENV_DUMPS and len(inv.argv) == 1]
    senders = [inv for inv in invocations if _sends(inv)]
    if senders and (read or dumps):
        what = read[0][1] if read else "the environment (tokens, keys)"
        yield hit(
            "secrets.exfiltration",
            Severity.CRITICAL,
            f"reads {what} and sends data with {senders[0].name}",
            senders[0],
        )
        return
    for inv, path in read[:1]:
        yield hit(
            "secrets.read",
            Severity.MEDIUM,
            f"reads the credential file {path}: its content lands in the agent's transcript",
            inv,
        )
