"""Secrets: reading credential files, and worse, sending them to another machine."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator

from countersign.facts.shell.context import ShellContext
from countersign.facts.shell.finding import Severity, ShellFinding
from countersign.facts.shell.invocation import Invocation
from countersign.facts.shell.rule import hit, option, positionals

CREDENTIAL_FILES = (
    "*/.aws/credentials", "*/.aws/config", "*/.ssh/id_*", "*/.ssh/*_key", "*/.kube/config",
    "*/.netrc", "*/.git-credentials", "*/.docker/config.json", "*/.config/gcloud/*",
    "*/.azure/*", "*/.npmrc", "*/.pypirc", "*/.vault-token", "*/.terraform.d/credentials*",
    "*.pem", "*.key", "*.p12", "*.pfx", "*/.env", ".env", ".env.*", "*/.env.*",
    "/etc/shadow", "/etc/sudoers", "*/secrets.y*ml", "*credentials.json", "*service-account*.json",
    # directories that hold nothing but credentials (``scp -r ~/.ssh host:``)
    "*/.ssh", "*/.aws", "*/.gnupg", "*/.kube", "*/.config/gcloud", "*/.azure", "*/.docker",
)  # fmt: skip
# Programs that print or copy the files named in their arguments.
_READERS = {
    "cat", "less", "more", "head", "tail", "base64", "xxd", "od", "strings", "cp", "tar", "zip",
    "gzip", "openssl", "gpg", "awk", "sed", "grep", "jq", "yq", "nl", "tac", "bat",
}  # fmt: skip
_SENDERS = {
    "curl", "wget", "nc", "ncat", "netcat", "socat", "scp", "sftp", "ftp", "rsync", "telnet",
    "ssh", "http", "https", "xh", "mail", "sendmail", "aws", "gsutil", "gcloud", "rclone",
}  # fmt: skip
_ENV_DUMPS = {"env", "printenv", "set", "export"}
# curl options whose value names a file to send: ``-F name=@file``, ``-d @file``, ``-T file``.
_CURL_FILE_OPTIONS = {
    "-F", "--form", "--form-string", "-d", "--data", "--data-binary", "--data-urlencode",
    "--json", "-T", "--upload-file",
}  # fmt: skip


def credential(word: str) -> bool:
    path = word.lstrip("@<").replace("${HOME}", "~").replace("$HOME", "~").rstrip("/")
    if path.startswith("~"):
        path = "/home/user" + path[1:]
    return any(fnmatch.fnmatchcase(path, p) for p in CREDENTIAL_FILES) and not path.endswith(
        (".example", ".sample", ".template", ".pub")
    )


def uploads(inv: Invocation) -> list[str]:
    """Local files a sender transmits to another machine, from its own arguments."""
    args = list(inv.args)
    if inv.name == "curl":
        return [f for a, v in _pairs(args) if a in _CURL_FILE_OPTIONS for f in _curl_file(a, v)]
    if inv.name == "wget":
        return [v for a, v in _pairs(args) if a in ("--post-file", "--body-file")]
    if inv.name in ("http", "https", "xh"):
        return [a.split("@", 1)[1] for a in args if "@" in a and not a.startswith("-")]
    if inv.name in ("scp", "rsync", "sftp"):
        pos = positionals(args, {"-i", "-P", "-p", "-o", "-F", "-e", "-c", "-l", "-S", "-J"})
        return [p for p in pos[:-1] if not _remote(p)] if pos and _remote(pos[-1]) else []
    if inv.name in ("aws", "gsutil", "gcloud", "rclone"):
        return _cloud_uploads(inv.name, args)
    return []


def _pairs(args: list[str]) -> list[tuple[str, str]]:
    """(option, value) for ``--opt value``, ``--opt=value`` and ``-Xvalue``."""
    out: list[tuple[str, str]] = []
    for i, arg in enumerate(args):
        if arg.startswith("--") and "=" in arg:
            out.append(tuple(arg.split("=", 1)))  # type: ignore[arg-type]
        elif i + 1 < len(args):
            out.append((arg, args[i + 1]))
        if len(arg) > 2 and arg[0] == "-" and arg[1] != "-":
            out.append((arg[:2], arg[2:]))
    return out


def _curl_file(option: str, value: str) -> list[str]:
    if option in ("-T", "--upload-file"):
        return [value]
    if option in ("-F", "--form"):  # name=@file;type=... or name=<file
        _, _, content = value.partition("=")
        return [content[1:].split(";", 1)[0]] if content[:1] in ("@", "<") else []
    if option == "--data-urlencode" and "@" in value:
        return [value.split("@", 1)[1]]
    return [value[1:]] if value.startswith("@") and value != "@-" else []


def _remote(path: str) -> bool:
    """``host:path``, ``user@host:path`` or ``rsync://host/...``, not a local path."""
    head, colon, _ = path.partition(":")
    return path.startswith("rsync://") or (bool(colon) and bool(head) and "/" not in head)


def _cloud_uploads(name: str, args: list[str]) -> list[str]:
    """Sources of ``aws s3 cp|mv|sync``, ``gsutil cp``, ``gcloud storage cp``, ``rclone copy``
    whose destination is remote (``s3://``, ``gs://``, ``remote:path``); ``-`` is stdin."""
    pos = positionals(args)
    verbs = {"cp", "mv", "sync", "rsync", "copy", "copyto", "move", "moveto"}
    for i, word in enumerate(pos[:3]):
        if word not in verbs or len(pos) < i + 3:
            continue
        dest = pos[-1]
        if "://" in dest or (name == "rclone" and _remote(dest)):
            return [p for p in pos[i + 1 : -1] if "://" not in p]
        return []
    if name == "aws" and "put-object" in pos:
        body = option(args, "--body")
        return [body] if body else []
    return []


def _reads(inv: Invocation) -> list[str]:
    words = list(inv.reads)
    if inv.name in _READERS:
        words.extend(a for a in inv.args if not a.startswith("-"))
    return [w for w in words if credential(w)]


def _sends(inv: Invocation) -> bool:
    if inv.name not in _SENDERS:
        return False
    if inv.name in ("aws", "gsutil", "gcloud", "rclone", "scp", "rsync"):
        return bool(uploads(inv))  # only when something goes to another machine
    return True


def exfiltration(invocations: list[Invocation], ctx: ShellContext) -> Iterator[ShellFinding]:
    """Whole-command rule: a credential sent by the program that reads it (``scp ~/.ssh/id_rsa
    host:``), or read by one program and a network send in the same command line."""
    for inv in invocations:
        for path in uploads(inv):
            if credential(path):
                yield hit(
                    "secrets.exfiltration",
                    Severity.CRITICAL,
                    f"{inv.name} sends {path} (credentials) to another machine",
                    inv,
                )
                return
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
