"""Entry point of ``countersign guard``: imports as little as possible (it runs before every
shell command an agent issues) and always answers in the agent's protocol, even on a bug.

    countersign guard --agent NAME        judge the hook payload on stdin (PreToolUse/PostToolUse)
    countersign guard --explain COMMAND   print decision, rule and reason as JSON
    countersign guard --batch FILE        JSON lines {"command", "cwd"} in, {"decision", ...} out
"""

from __future__ import annotations

import os
import sys

from countersign.guard.agents import NAMES
from countersign.lazy_pattern import lazy

_SHELL_TOOLS = {"Bash", "run_shell_command", "execute_bash", "shell", "Shell", "bash"}
_WORKDIR_KEYS = {"workdir", "dir_path", "directory"}

MAX_INPUT_BYTES = 4_000_000
USAGE = (
    f"usage: countersign guard --agent {{{','.join(NAMES)}}} [--event NAME]\n"
    "       countersign guard --explain COMMAND [--cwd DIR]\n"
    '       countersign guard --batch FILE   (JSON lines, one {"command": ..., "cwd": ...}'
    " a line; - reads stdin)\n"
    "       countersign guard install|uninstall --agent NAME [--project|--user]\n"
)


def run_guard(args: list[str]) -> int:
    opts: dict[str, str] = {}
    i = 0
    while i < len(args):
        arg = args[i]
        key, eq, value = arg.partition("=")
        if key in ("--agent", "--explain", "--batch", "--cwd", "--event"):
            if not eq:
                if i + 1 >= len(args):
                    return _usage(f"{key} needs a value")
                value = args[i + 1]
                i += 1
            opts[key[2:]] = value
        elif arg in ("-h", "--help"):
            sys.stdout.write(USAGE)
            return 0
        else:
            return _usage(f"unknown argument {arg!r}")
        i += 1
    if "explain" in opts:
        return _explain(opts["explain"], opts.get("cwd") or _cwd())
    if "batch" in opts:
        return _batch(opts["batch"])
    agent = opts.get("agent", "")
    if agent not in NAMES:
        return _usage(f"--agent must be one of {', '.join(NAMES)}")
    return _hook(agent, opts.get("event", ""))


def _cwd() -> str:
    return os.getcwd()  # noqa: PTH109 - pathlib stays off the hot path


def _usage(problem: str) -> int:
    sys.stderr.write(f"countersign guard: {problem}\n{USAGE}")
    return 3


def _hook(agent: str, event: str = "") -> int:
    try:
        tty = sys.stdin is None or sys.stdin.isatty()
        raw = b"" if tty else sys.stdin.buffer.read(MAX_INPUT_BYTES)
    except (OSError, ValueError):
        raw = b""
    fast = _fast_allow(agent, raw, event)
    if fast is not None:
        sys.stdout.write(fast)
        sys.stdout.flush()
        return 0
    from countersign.guard import helper

    if helper.enabled():
        answered = helper.ask(agent, raw, event)
        if answered is not None:
            out, err, code = answered
            sys.stdout.write(out)
            sys.stderr.write(err)
            sys.stdout.flush()
            return code
    return _judge(agent, raw, event)


def _fast_allow(agent: str, raw: bytes, event_hint: str = "") -> str | None:
    """The answer for a shell command the prescreen proves harmless, or None for the full path."""
    from countersign.guard.agents import get

    protocol = get(agent)
    try:
        from countersign.guard.wire import loads

        data = loads(raw)
        if not isinstance(data, dict):
            return None
        if event_hint and not data.get("hook_event_name"):
            data["hook_event_name"] = event_hint
        data = protocol.read(data)
        event = str(data.get("hook_event_name", "")).lower()
        if event not in protocol.pre or data.get("tool_name") not in _SHELL_TOOLS | {"Shell"}:
            return None
        tool_input = data.get("tool_input")
        if not isinstance(tool_input, dict) or set(tool_input) & _WORKDIR_KEYS:
            return None
        command = tool_input.get("command")
        cwd = data.get("cwd")
        if not isinstance(command, str) or not isinstance(cwd, str) or not cwd:
            return None
        view = _protected_view(cwd)
        if view is None:
            return None
        configured, extra = view
        from countersign.guard.prescreen import clearly_harmless

        active = _own_env_active(os.environ.get("PATH", ""), cwd)
        if not clearly_harmless(
            command, configured, extra, cwd, active
        ) or _script_mentions_countersign(command, cwd):
            return None
    except (ValueError, RecursionError, OSError):
        return None
    return protocol.fast_allow


def _own_env_active(path: str, cwd: str = "") -> bool:
    """Whether the venv the guard runs in has its ``bin`` on the agent's PATH (activated), is
    ``$VIRTUAL_ENV``, or is the ``.venv`` of a directory holding ``cwd``: a bare ``pip`` or
    ``uv pip`` there is the guard's own (``rules.installer``)."""
    if sys.prefix == sys.base_prefix:
        return False
    prefix = sys.prefix.rstrip("/")
    if os.environ.get("VIRTUAL_ENV", "").rstrip("/") == prefix:
        return True
    parent, _, name = prefix.rpartition("/")
    if name == ".venv" and (cwd.rstrip("/") + "/").startswith(parent + "/"):
        return True
    return any(entry.rstrip("/") == prefix + "/bin" for entry in path.split(os.pathsep))


_SCRIPT = lazy(r"[\w./-]+\.(?:py|pyw|js|mjs|cjs|ts|rb|pl|php|lua)")
# Every name _SCRIPT finds contains one of these: without them the pattern is not compiled.
_SCRIPT_SUFFIXES = (".py", ".js", ".mjs", ".cjs", ".ts", ".rb", ".pl", ".php", ".lua")


def _script_mentions_countersign(command: str, cwd: str) -> bool:
    """Whether a script the command names mentions countersign (``python3 lift.py``, written
    earlier in the session): the full path then reads it and judges what it would run."""
    if not any(suffix in command for suffix in _SCRIPT_SUFFIXES):
        return False
    for name in _SCRIPT.findall(command):
        path = os.path.join(cwd, name)  # noqa: PTH118 - os.path keeps pathlib off the hot path
        try:
            with open(path, "rb") as fh:  # noqa: PTH123
                if b"countersign" in fh.read(MAX_INPUT_BYTES):
                    return True
        except OSError:
            continue
    return False


def _protected_view(
    cwd: str,
) -> tuple[bool, tuple[frozenset[str], dict[str, frozenset[str]]]] | None:
    """Whether the protected branch of the repository of ``cwd`` commits a guard.yaml (the one
    the guard uses, never the working tree's) and the words its packs add, read from its
    commit in git's object store; None when only the full path can tell, or when the agent
    read documents that no longer hold (the full path matches them)."""
    here = os.path.abspath(cwd)  # noqa: PTH100 - os.path keeps pathlib off the hot path
    while not os.path.exists(os.path.join(here, ".git")):  # noqa: PTH110, PTH118
        parent = os.path.dirname(here)  # noqa: PTH120
        if parent == here:
            return False, (frozenset(), {})  # outside a repository the defaults apply
        here = parent
    if _read_stale_guidance(here):
        return None
    from countersign.guard.protected import fast_view

    return fast_view(here)


def _read_stale_guidance(top: str) -> bool:
    """Whether the guard recorded a read of a stale document in this repository's state
    directory (``guard.reads``): one ``stat`` on the fast path, no import."""
    state = os.environ.get("COUNTERSIGN_STATE_DIR")
    if not state:
        dot_git = os.path.join(top, ".git")  # noqa: PTH118
        common = dot_git
        if not os.path.isdir(dot_git):  # noqa: PTH112 - a worktree: .git names its git dir
            try:
                with open(dot_git, encoding="utf-8", errors="replace") as fh:  # noqa: PTH123
                    gitdir = fh.read(4096).partition("gitdir:")[2].strip()
            except OSError:
                return True  # unreadable: let the full path decide
            common = gitdir.split("/worktrees/")[0] if "/worktrees/" in gitdir else gitdir
            if not os.path.isabs(common):  # noqa: PTH117
                common = os.path.join(top, common)  # noqa: PTH118
        state = os.path.join(common, "countersign")  # noqa: PTH118
    return os.path.exists(os.path.join(state, "docs-stale.jsonl"))  # noqa: PTH110, PTH118


def _judge(agent: str, raw: bytes, event_hint: str = "") -> int:
    from countersign.errors import FatalError
    from countersign.guard.protocol import PayloadError, answer, read_call

    env = dict(os.environ)
    decision, reason, explicit, event = "ask", "", False, "pre"
    on_error = "ask"
    try:
        call = read_call(agent, raw, _cwd(), event_hint)
        event = call.event
        from countersign.guard.hook import handle

        outcome = handle(call, env)
        decision, reason, explicit = outcome.decision, outcome.reason, outcome.explicit
    except PayloadError as exc:
        on_error = _configured_on_error()
        decision, explicit = on_error, True
        reason = f"countersign guard could not read the tool call ({exc}); a human should check it"
    except FatalError as exc:
        decision, explicit = _configured_on_error(), True
        reason = _problem(exc)
    except Exception as exc:  # noqa: BLE001 - the agent must get a decision, never a traceback
        on_error = _configured_on_error()
        decision, explicit = on_error, True
        reason = (
            f"countersign guard failed to judge this call ({type(exc).__name__}); "
            "a human should check it. This is a bug: please report it."
        )
    out, err, code = answer(agent, decision, reason, explicit, event)
    sys.stdout.write(out)
    sys.stderr.write(err)
    sys.stdout.flush()
    return code


def _problem(exc: Exception) -> str:
    """The reason given for a call that could not be judged because of an expected failure."""
    from countersign.errors import ConfigError

    if isinstance(exc, ConfigError):
        return (
            f"countersign guard cannot use its configuration: {exc}. Fix the file "
            "(`countersign guard --explain true` in the repository checks it); until then "
            "every command that needs analysis is asked about"
        )
    return f"countersign guard could not judge this call: {exc}; a human should check it"


def _configured_on_error() -> str:
    try:
        from countersign.guard.settings import protected_guard_config
        from countersign.guard.state import find_repository

        root, common = find_repository(_cwd())
        return protected_guard_config(root, common).on_error
    except Exception:  # noqa: BLE001 - a broken configuration still yields the safe default
        return "ask"


def _explain(command: str, cwd: str) -> int:
    from countersign.errors import FatalError
    from countersign.guard.hook import shell_context

    try:
        ctx, config = shell_context(cwd, dict(os.environ), live=True)
    except FatalError as exc:
        sys.stderr.write(f"countersign guard: error: {exc}\n")
        return int(exc.exit_code)
    from countersign.guard.decision import judge_command

    judgement = judge_command(command, ctx)
    body = {
        "decision": judgement.decision,
        "rule": judgement.rule,
        "reason": judgement.reason,
        "severity": judgement.severity,
        "findings": [
            {
                "rule": f.rule,
                "severity": f.severity.value,
                "reason": f.reason,
                "command": f.command,
                "via": list(f.via),
                "production": f.production,
            }
            for f in judgement.findings
        ],
        "configuration": {"source": config.source, "note": config.note},
    }
    import json

    sys.stdout.write(json.dumps(body, indent=2) + "\n")
    return 0


_BAD = {
    "decision": "ask",
    "rule": "guard.bad-input",
    "reason": 'not a JSON object with a command: one {"command": "...", "cwd": "..."} a line',
}


def _batch(path: str) -> int:
    try:
        stream = sys.stdin if path == "-" else open(path, encoding="utf-8", errors="replace")  # noqa: SIM115, PTH123
    except OSError as exc:
        sys.stderr.write(f"countersign guard: cannot read {path}: {exc.strerror}\n")
        return 4
    import json

    contexts: dict[str, object] = {}
    env = dict(os.environ)
    with stream:
        for line in stream:
            if line.strip():
                sys.stdout.write(json.dumps(_batch_line(line, contexts, env)) + "\n")
    return 0


def _batch_line(line: str, contexts: dict[str, object], env: dict[str, str]) -> dict[str, str]:
    import json

    from countersign.errors import ConfigError
    from countersign.facts.shell.context import ShellContext
    from countersign.guard.decision import judge_command
    from countersign.guard.hook import shell_context

    try:
        item = json.loads(line)
    except (ValueError, RecursionError):
        return _BAD
    if not isinstance(item, dict):
        return _BAD
    command, cwd = item.get("command"), item.get("cwd") or _cwd()
    if not isinstance(command, str) or not isinstance(cwd, str):
        return _BAD
    try:
        ctx = contexts.get(cwd)
        if not isinstance(ctx, ShellContext):
            ctx = contexts[cwd] = shell_context(cwd, env, live=False)[0]
        judgement = judge_command(command, ctx)
    except ConfigError as exc:
        return {"decision": "ask", "rule": "guard.config-error", "reason": str(exc)}
    except Exception as exc:  # noqa: BLE001 - one bad line must not stop the batch
        return {"decision": "ask", "rule": "guard.internal-error", "reason": type(exc).__name__}
    return {"decision": judgement.decision, "rule": judgement.rule, "reason": judgement.reason}
