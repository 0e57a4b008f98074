"""Findings for what a command hides from the rules: a container image whose entrypoint is not
known, interpreter code run from a value that cannot be read, and cloud SDK calls that delete
(``boto3.client('s3').delete_bucket``), the front end that never names ``aws``. What cannot be
resolved but mentions a destructive word is asked, never allowed."""

from __future__ import annotations

import re
from collections.abc import Iterator

from countersign.facts.shell.code_text import readable, unseen_code
from countersign.facts.shell.context import ShellContext
from countersign.facts.shell.finding import Severity, ShellFinding
from countersign.facts.shell.interpreter import code_of
from countersign.facts.shell.invocation import Invocation
from countersign.facts.shell.rule import hit
from countersign.lazy_pattern import lazy

DESTRUCTIVE_WORDS = lazy(
    r"\b(rm|rmdir|dd|mkfs|shred|wipefs|truncate|drop|delete|destroy|purge|prune|flush\w*|reset|clean|"
    r"push|kill|terminate|uninstall|remove|unlink|rmtree|erase|format|wipe|scale|drain|approve|"
    r"break-glass)\b"
    r"|(?<![\w-])-(?:rf|fr|rF|Rf)\b",
    re.IGNORECASE,
)
# SDKs that reach a cloud, a cluster or a hosted service from a one-liner.
_SDK = lazy(
    r"\b(?:boto3|botocore|aioboto3|google\.cloud|googleapiclient|azure\.\w+|kubernetes|"
    r"@aws-sdk/[\w-]+|aws-sdk|@google-cloud/[\w-]+|@azure/[\w-]+|@kubernetes/client-node|"
    r"Aws::\w+|Google::Cloud|stripe|pulumi|hcloud|digitalocean|linode_api4)\b"
)
_SDK_DELETE = lazy(
    r"\.((?:delete|terminate|destroy|purge|drop|remove|deregister|disable|revoke)"
    r"(?:_\w+|[A-Z]\w*)?)\s*\("
    r"|\bnew\s+((?:Delete|Terminate|Destroy|Purge|Remove|Deregister|Disable)\w*Command)\s*\("
)


def hidden(inv: Invocation, ctx: ShellContext, matched: bool) -> Iterator[ShellFinding]:
    """``matched``: whether a rule already judged ``inv`` (then nothing is added for it)."""
    if inv.unseen and not matched:
        verb = DESTRUCTIVE_WORDS.search(" ".join(inv.argv))
        if verb is not None:
            yield hit(
                "exec.unresolved-command",
                Severity.MEDIUM,
                f"{inv.unseen}, and the command mentions {verb.group(0)!r}",
                inv,
            )
    code = code_of(inv)
    if code is None:
        return
    text = readable(code)
    if _SDK.search(text):
        for match in _SDK_DELETE.finditer(text):
            call = match.group(1) or match.group(2)
            yield hit(
                "cloud.delete",
                Severity.HIGH,
                f"{inv.name} calls {call} through a cloud SDK: deleted resources do not come back",
                inv,
            )
            return
    unseen = unseen_code(code)
    if unseen is not None and not matched:
        verb = DESTRUCTIVE_WORDS.search(text)
        decoded = "decoded at run time" in unseen
        if verb is not None or decoded:
            said = f" and mentions {verb.group(0)!r}" if verb is not None else ""
            yield hit(
                "exec.unseen-code",
                Severity.MEDIUM,
                f"{inv.name} runs {unseen}{said}: it cannot be read before it runs",
                inv,
            )
