"""One hook call, end to end: where it runs, what it does, whether a second person approved
exactly this action, and what goes to the ledger and to the provenance record."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

from countersign.facts.shell.context import GATE_PATHS, PROTECTED_BRANCHES, ShellContext
from countersign.guard.decision import judge
from countersign.guard.protocol import ToolCall
from countersign.guard.settings import AGENT_FILES, GuardConfig, protected_guard_config
from countersign.guard.state import (
    Probe,
    find_repository,
    home,
    read_script,
    spelled_like,
)
from countersign.records import record
from countersign.state_dir import state_dir

TYPE_CHECKING = False  # typing stays off the guard's full path
if TYPE_CHECKING:
    from datetime import datetime
    from typing import Any

    from countersign.signoff.action_approvals import ProtectedConfig
    from countersign.signoff.ledger import SignedLedger

STALE_LOG = "docs-stale.jsonl"  # reads.STALE_LOG (a test keeps them equal)


def _stale_guidance(call: ToolCall, root: Path | None, state: Path) -> str:
    from countersign.guard.reads import stale_guidance

    if call.kind == "shell":
        return stale_guidance(call.command, call.session, state)
    from countersign.guard.edits import relative

    paths = tuple(relative(p, call.cwd, root) for p in call.paths)
    return stale_guidance("", call.session, state, edit=(paths, call.content))


# Environment variables that say where a command lands; an approval is bound to their values.
CONTEXT_ENV = (
    "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "KUBECONFIG", "TF_WORKSPACE", "CLOUDSDK_CORE_PROJECT",
    "PGHOST", "PGDATABASE", "DATABASE_URL", "PULUMI_STACK", "ENV", "ENVIRONMENT", "APP_ENV",
    "RAILS_ENV", "STAGE", "DEPLOY_ENV", "AZURE_SUBSCRIPTION_ID",
)  # fmt: skip


@record(frozen=True)
class Outcome:
    decision: str
    reason: str
    explicit: bool = True


def installation(
    root: Path | None,
    package: str = "",
    paths: list[str] | None = None,
    home: str = "",
) -> tuple[str, ...]:
    """The guard's installation, as protected paths: its own package directory, every
    directory its interpreter imports from (``sys.path``: the standard library, site-packages
    with tree_sitter, cryptography and yaml, and the ``.pth`` files pip's console script runs
    at start-up), the interpreter and its venv's ``pyvenv.cfg``. The agent runs as the user
    who installed countersign, and a module rewritten there would judge every later call. A
    directory inside the project is left out unless it is an installation (``site-packages``,
    ``dist-packages``): countersign's own repository's ``src/`` is sources an agent edits like
    any others, its ``.venv`` is not."""
    package = package or os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # noqa: PTH100, PTH120
    top = str(root).rstrip("/") + "/" if root is not None else ""
    home = home.rstrip("/")
    found: list[str] = []
    for given in (package, *(sys.path if paths is None else paths)):
        entry = given.rstrip("/")
        if not entry.startswith("/"):
            continue
        if top and (entry + "/").startswith(top) and not _installed(entry):
            continue
        if (top and top.startswith(entry + "/")) or entry in ("", home):
            continue  # a PYTHONPATH of the home or a parent of the project: not an installation
        found.append(entry + "/**")
    found.append(sys.executable)
    if sys.prefix != sys.base_prefix:
        found.append(sys.prefix + "/pyvenv.cfg")
    if home:
        found += ["~/" + p[len(home) + 1 :] for p in found if p.startswith(home + "/")]
    return tuple(dict.fromkeys(found))


def _installed(entry: str) -> bool:
    return "/site-packages" in entry or "/dist-packages" in entry


def shell_context(
    cwd: str, env: Mapping[str, str], live: bool = True
) -> tuple[ShellContext, GuardConfig]:
    root, common = find_repository(cwd)
    config = protected_guard_config(root, common)
    from countersign.guard.packs import packs_in_force

    packs = packs_in_force(root, common, config.protected_branches or PROTECTED_BRANCHES)
    own = installation(root, home=home(env) or "")
    ctx = ShellContext(
        cwd=cwd,
        project_root=spelled_like(root, cwd) if root else None,
        home=home(env),
        env=env if live else {},
        production=config.production,
        scratch=config.scratch,
        protected_paths=(*config.protected_paths, *own),
        gate_paths=(*GATE_PATHS, *AGENT_FILES, *own),
        probe=Probe(root, cwd, env) if live else ShellContext().probe,
        read_file=read_script if live else ShellContext().read_file,
        packs=packs,
    )
    if config.protected_branches:
        from countersign.records import replace

        ctx = replace(ctx, protected_branches=config.protected_branches)
    return ctx, config


def handle(call: ToolCall, env: Mapping[str, str]) -> Outcome:
    root, common = find_repository(call.cwd)
    state = state_dir(common, env)
    if call.event == "post":
        if call.kind == "read":
            from countersign.guard.reads import record_reads

            record_reads(call, root, state)
        else:
            from countersign.guard.edits import record_edits
            from countersign.guard.state import operator

            record_edits(call, root, state, operator(root, env))
        return Outcome("allow", "", explicit=False)
    if call.kind == "read":
        # a read announced before it happens (Cursor's beforeReadFile) is recorded then too
        from countersign.guard.reads import record_reads

        record_reads(call, root, state)
    ctx, config = shell_context(call.cwd, env)
    exists = call.kind == "edit" and any(
        os.path.exists(p if p.startswith("/") else os.path.join(call.cwd, p))  # noqa: PTH110, PTH118
        for p in call.paths
    )
    judgement = judge(call, ctx, config.migrations, exists)
    # the reads module is imported only when there is a stale log (with hashlib, datetime and
    # the edit log it was 9 % of an allowed full-path call's work)
    if (
        judgement.decision == "allow"
        and call.kind in {"shell", "edit"}
        and call.event == "pre"
        and (state / STALE_LOG).exists()
        and (why := _stale_guidance(call, root, state))
    ):
        return _two_person(
            call, "ask", "docs.stale-guidance", why, "medium", ctx, config, root, state, env
        )
    if call.event == "permission":
        # a permission prompt is about to show: a human decides there, unless the call is
        # denied outright (already recorded when the same call was judged before it ran)
        if judgement.decision == "deny":
            return Outcome(
                "deny", f"countersign blocked this ({judgement.rule}): {judgement.reason}"
            )
        return Outcome("allow", "", explicit=False)
    if judgement.decision == "allow":
        if config.log_allows or judgement.rule:
            _record_allow(call, judgement.rule, judgement.reason, state, root)
        return Outcome("allow", judgement.reason, explicit=False)
    return _two_person(
        call,
        judgement.decision,
        judgement.rule,
        judgement.reason,
        judgement.severity,
        ctx,
        config,
        root,
        state,
        env,
    )


def _two_person(
    call: ToolCall,
    decision: str,
    rule: str,
    reason: str,
    severity: str,
    ctx: ShellContext,
    config: GuardConfig,
    root: Path | None,
    state: Path,
    env: Mapping[str, str],
) -> Outcome:
    from countersign.guard.action import APPROVAL, DECISION, action_of, now, stamp
    from countersign.guard.journal import open_ledger
    from countersign.guard.state import operator

    probe = ctx.probe
    seen = dict(probe.seen) if isinstance(probe, Probe) else {}
    context = {**{k: env.get(k) for k in CONTEXT_ENV if env.get(k) is not None}, **seen}
    action = action_of(call, context)
    ledger = open_ledger(state, root)
    at = now()
    # Reading (and checking) the whole ledger costs time that grows with it, so it is done
    # only when an approval of this very action was ever recorded; the decision is appended
    # after checking that the ledger still extends what this machine witnessed.
    approval = None
    if ledger.mentions(APPROVAL, action.fingerprint):
        approval = _spend_approval(ledger, action.id, action.fingerprint, at, call.session, root)
    base = {
        "action": action.id,
        "fingerprint": action.fingerprint,
        "agent": call.agent,
        "session": call.session,
        "tool": call.tool,
        "command": call.command[:4000] if call.kind == "shell" else "",
        "paths": list(call.paths),
        "cwd": call.cwd,
        "rule": rule,
        "severity": severity,
        "reason": reason,
        "at": stamp(at),
    }
    if approval is not None:
        ledger.append(
            DECISION, {**base, "decision": "allow", "approved_by": approval.get("approver")}
        )
        return Outcome(
            "allow",
            f"countersign: approved once by {approval.get('approver')} for this exact action "
            f"({rule}: {reason})",
        )
    ledger.append_extending(
        DECISION,
        {**base, "decision": decision, "operator": operator(root, env), "context": context},
    )
    how = f"a second person can allow it once: countersign approve --action {action.id}"
    if decision == "deny":
        text = (
            f"countersign blocked this ({rule}): {reason}. Action {action.id}; {how}, then retry."
        )
    else:
        text = f"countersign asks for review ({rule}): {reason}. Action {action.id}; {how}."
    if config.note:
        text += f" (Note: {config.note}.)"
    return Outcome(decision, text)


SPEND_TRIES = 20


def _spend_approval(
    ledger: SignedLedger,
    action: str,
    fingerprint: str,
    at: datetime,
    session: str,
    root: Path | None = None,
) -> dict[str, Any] | None:
    """Find an unused approval of this action and mark it used, as one step: two retries at
    the same moment cannot both spend it (compare-and-set on the ledger's newest entry, read
    again when another writer came first). Contention beyond the tries spends nothing, so
    the action is asked or denied again: the safe side."""
    from countersign.guard.action import USED, stamp, unused_approval

    configs: list[ProtectedConfig] = []

    def valid(entry: dict[str, Any]) -> bool:
        # Checked only when an approval of this very action exists: the roster and the policy
        # (and the modules that read them) are loaded then, not on every ask or deny.
        from countersign.signoff.action_approvals import approval_problem, protected_config

        if not configs:
            configs.append(protected_config(root))
        return approval_problem(entry, configs[0]) is None

    for _ in range(SPEND_TRIES):
        entries = ledger.entries()
        approval = unused_approval(entries, fingerprint, at, valid)
        if approval is None:
            return None
        seen = int(entries[-1]["seq"]) if entries else 0
        used = {
            "action": action,
            "fingerprint": fingerprint,
            "approval_at": approval.get("at"),
            "at": stamp(at),
            "session": session,
        }
        if ledger.append_if_unchanged(USED, used, seen) is not None:
            return approval
    return None


def _record_allow(call: ToolCall, rule: str, reason: str, state: Path, root: Path | None) -> None:
    from countersign.guard.action import DECISION, now, stamp
    from countersign.guard.journal import open_ledger

    open_ledger(state, root).append_extending(
        DECISION,
        {
            "decision": "allow",
            "agent": call.agent,
            "session": call.session,
            "tool": call.tool,
            "command": call.command[:4000],
            "paths": list(call.paths),
            "cwd": call.cwd,
            "rule": rule,
            "reason": reason,
            "at": stamp(now()),
        },
    )
