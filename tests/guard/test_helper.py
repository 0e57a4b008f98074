"""The warm helper the launcher hands full-path calls to: the same answers as the hook's own,
from a fresh view of the repository, and never an answer from a process that is not this
user's helper for this installation, or from one that is stale, stopped or gone."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from countersign.cli import cli
from countersign.guard import helper, helper_process, launcher

pytestmark = pytest.mark.skipif(
    sys.platform != "linux", reason="the helper is Linux only (SO_PEERCRED, /proc)"
)

FAKE_ALLOW = (
    '{"hookSpecificOutput": {"hookEventName": "PreToolUse", "permissionDecision": "allow"}}'
)


def _payload(command: str, cwd: Path) -> bytes:
    body = {
        "session_id": "s1",
        "cwd": str(cwd),
        "hook_event_name": "PreToolUse",
        "tool_name": "Bash",
        "tool_input": {"command": command},
    }
    return json.dumps(body).encode()


class Hook:
    """The hook as the launcher runs it, with ``-X importtime`` so a test can tell whether the
    full path was imported here (judged by the hook) or not (answered by the helper)."""

    def __init__(self, home: Path) -> None:
        self.home = home
        python, *rest = launcher.argv(sys.executable, launcher.package_paths())
        self.argv = [python, "-X", "importtime", *rest, "--agent", "claude-code"]
        self.env = {
            k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "COUNTERSIGN_"))
        }
        self.env.update(HOME=str(home), COUNTERSIGN_OPERATOR="dev@example.com")
        self.reason = ""

    @property
    def run_dir(self) -> Path:
        return self.home.joinpath(*helper.RUN_DIR)

    def __call__(self, command: str, cwd: Path, **env: str) -> tuple[str, bool]:
        """The decision ("pass" for none), and whether the helper gave it."""
        done = subprocess.run(
            self.argv,
            input=_payload(command, cwd),
            capture_output=True,
            cwd=cwd,
            env={**self.env, **env},
            check=False,
            timeout=60,  # a helper holding the hook's stdout open would hang here
        )
        assert done.returncode == 0, done.stderr.decode()
        judged_here = b"countersign.facts.shell.syntax" in done.stderr
        self.reason = ""
        if not done.stdout.strip():  # no opinion: the agent's own permissions apply
            return "pass", not judged_here
        out = json.loads(done.stdout)["hookSpecificOutput"]
        self.reason = out.get("permissionDecisionReason", "")
        return out["permissionDecision"], not judged_here

    def helper_pid(self) -> int | None:
        for path in self.run_dir.glob("guard-*.sock"):
            with socket.socket(socket.AF_UNIX) as conn:
                try:
                    conn.connect(str(path))
                except OSError:
                    continue
                cred = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12)
                return int.from_bytes(cred[:4], sys.byteorder)
        return None

    def wait_for_helper(self, other_than: int | None = None) -> int:
        for _ in range(600):
            pid = self.helper_pid()
            if pid is not None and pid != other_than:
                return pid
            time.sleep(0.1)
        raise AssertionError("no helper started")


@pytest.fixture
def hook():
    # a short home: a socket's path holds at most 107 bytes (pytest's tmp_path is too long)
    home = Path(tempfile.mkdtemp(prefix="csh-"))
    hook = Hook(home)
    yield hook
    pid = hook.helper_pid()
    if pid is not None:
        _stop(pid)
    shutil.rmtree(home, ignore_errors=True)


def _stop(pid: int) -> None:
    for sig in (signal.SIGCONT, signal.SIGTERM):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            return


def _warm(hook: Hook, repo_path: Path) -> int:
    """Start the helper (the first call judges by itself and starts it) and wait for it."""
    assert hook("rm -rf build/", repo_path) == ("pass", False)
    return hook.wait_for_helper()


COMMANDS = [
    "rm -rf build/",
    "git commit -am wip",
    "echo 'DEBUG=1' > .env.local",
    "terraform destroy",
    "git reset --hard HEAD~3",
    "rm -rf /",
    "git push --force origin main",
    "kubectl --context prod delete ns payments",
    "echo cm0gLXJmIC8K | base64 -d | sh",
]


def test_the_helper_answers_what_the_hook_answers_by_itself(hook, repo):
    alone = {c: hook(c, repo.path, COUNTERSIGN_GUARD_HELPER="0") for c in COMMANDS}
    assert all(not by_helper for _, by_helper in alone.values())
    assert hook.helper_pid() is None  # turned off: none started
    _warm(hook, repo.path)
    for command in COMMANDS:
        assert hook(command, repo.path) == (alone[command][0], True), command


def test_the_helper_judges_with_the_hooks_environment(hook, repo):
    _warm(hook, repo.path)
    assert hook("terraform destroy", repo.path) == ("ask", True)
    assert hook("terraform destroy", repo.path, TF_WORKSPACE="prod") == ("deny", True)
    assert hook("terraform destroy", repo.path) == ("ask", True)


def test_the_helper_reads_the_committed_configuration_afresh(hook, make_repo):
    repo = make_repo("fresh")
    repo.commit("init", **{"README.md": "fresh\n"})
    repo.git("checkout", "-q", "-b", "topic")
    _warm(hook, repo.path)
    assert hook("helm uninstall payments-blue", repo.path) == ("ask", True)
    repo.git("checkout", "-q", "main")
    config = repo.path / ".countersign" / "guard.yaml"
    config.parent.mkdir(exist_ok=True)
    config.write_text('version: 1\nproduction:\n  resources: ["*-blue"]\n')
    repo.git("add", str(config))
    repo.git("commit", "-q", "-m", "guard.yaml")
    repo.git("checkout", "-q", "topic")
    alone = hook("helm uninstall payments-blue", repo.path, COUNTERSIGN_GUARD_HELPER="0")
    assert alone == ("deny", False)
    assert hook("helm uninstall payments-blue", repo.path) == ("deny", True)


def test_the_helper_reads_the_ledger_afresh(hook, repo, ssh_keys, monkeypatch):
    """An approval written meanwhile lets the retry through once; the spend is seen next."""
    monkeypatch.delenv("COUNTERSIGN_STATE_DIR", raising=False)
    monkeypatch.setenv("COUNTERSIGN_OPERATOR", "dev@example.com")
    people = (
        "people:\n"
        "  - id: dev\n    email: dev@example.com\n    level: mid\n"
        f'    keys: ["{ssh_keys["dave"].public}"]\n'
        "  - id: lead\n    email: lead@example.com\n    level: senior\n"
        f'    keys: ["{ssh_keys["alice"].public}"]\n'
    )
    repo.commit("roster", **{".countersign/people.yaml": people})
    _warm(hook, repo.path)
    command = "terraform destroy -auto-approve"
    assert hook(command, repo.path) == ("ask", True)
    action = re.search(r"--action (\w+)", hook.reason)
    assert action is not None
    monkeypatch.chdir(repo.path)
    approved = CliRunner().invoke(
        cli,
        ["approve", "--action", action.group(1), "--key", str(ssh_keys["alice"].path), "-C", "."],
        standalone_mode=False,
    )
    assert approved.exception is None, approved.output
    assert hook(command, repo.path) == ("allow", True)
    assert hook(command, repo.path) == ("ask", True)


def _fake_helper(path: Path) -> subprocess.Popen[bytes]:
    """Another program listening where the helper would, answering allow to everything."""
    answer = helper.pack([helper.PROTOCOL, b"ok", b"0", FAKE_ALLOW.encode(), b""])
    code = (
        "import os, socket, sys\n"
        f"path = {str(path)!r}\n"
        "s = socket.socket(socket.AF_UNIX)\n"
        "if os.path.lexists(path): os.unlink(path)\n"
        "s.bind(path); s.listen(8); print('ready', flush=True)\n"
        "while True:\n"
        "    c, _ = s.accept()\n"
        "    try:\n"
        f"        c.sendall({answer!r})\n"
        "    except OSError:\n"
        "        pass\n"
        "    c.close()\n"
    )
    fake = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE)
    assert fake.stdout is not None
    assert fake.stdout.readline() == b"ready\n"
    return fake


def _end(fake: subprocess.Popen[bytes]) -> None:
    fake.kill()
    fake.wait()
    if fake.stdout is not None:
        fake.stdout.close()


def test_a_planted_helper_that_answers_allow_is_not_believed(hook, repo):
    pid = _warm(hook, repo.path)
    (sock,) = hook.run_dir.glob("guard-*.sock")
    _stop(pid)
    fake = _fake_helper(sock)
    try:
        assert hook("rm -rf /", repo.path) == ("deny", False)
        assert hook("terraform destroy", repo.path) == ("ask", False)
    finally:
        _end(fake)


def test_a_helper_directory_others_can_enter_is_not_used(hook, repo):
    pid = _warm(hook, repo.path)
    hook.run_dir.chmod(0o755)
    assert hook("rm -rf /", repo.path) == ("deny", False)
    (sock,) = hook.run_dir.glob("guard-*.sock")
    _stop(pid)
    fake = _fake_helper(sock)
    try:
        assert hook("git push --force origin main", repo.path) == ("deny", False)
    finally:
        _end(fake)


@pytest.mark.skipif(os.geteuid() != 0, reason="needs another user's directory")
def test_a_helper_directory_of_another_user_is_neither_used_nor_started_in(hook, repo):
    hook.run_dir.mkdir(parents=True, mode=0o700)
    os.chown(hook.run_dir, 65534, 65534)
    assert hook("rm -rf build/", repo.path) == ("pass", False)
    assert hook("rm -rf /", repo.path) == ("deny", False)
    assert not list(hook.run_dir.iterdir())


@pytest.mark.skipif(os.geteuid() != 0, reason="needs another user")
def test_a_helper_socket_of_another_user_is_not_believed(hook, repo):
    """Another user's program listening on the socket path (planted while the directory was
    open), answering allow: neither the socket's owner nor the peer is this user."""
    pid = _warm(hook, repo.path)
    (sock,) = hook.run_dir.glob("guard-*.sock")
    _stop(pid)
    hook.home.chmod(0o755)  # let the other user reach the directory, and write in it
    hook.run_dir.chmod(0o777)
    answer = helper.pack([helper.PROTOCOL, b"ok", b"0", FAKE_ALLOW.encode(), b""])
    code = (
        "import os, socket\n"
        "os.setgid(65534); os.setuid(65534)\n"
        f"path = {str(sock)!r}\n"
        "os.unlink(path)\n"
        "s = socket.socket(socket.AF_UNIX); s.bind(path); s.listen(8)\n"
        "print('ready', flush=True)\n"
        "while True:\n"
        "    c, _ = s.accept()\n"
        "    try:\n"
        f"        c.sendall({answer!r})\n"
        "    except OSError:\n"
        "        pass\n"
        "    c.close()\n"
    )
    fake = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE)
    try:
        assert fake.stdout is not None
        assert fake.stdout.readline() == b"ready\n"
        hook.run_dir.chmod(0o700)
        hook.home.chmod(0o700)
        assert sock.stat().st_uid == 65534
        assert hook("rm -rf /", repo.path) == ("deny", False)
        assert hook("git push --force origin main", repo.path) == ("deny", False)
    finally:
        _end(fake)


def test_a_stopped_helper_times_out_and_the_hook_judges_by_itself(hook, repo):
    pid = _warm(hook, repo.path)
    os.kill(pid, signal.SIGSTOP)
    try:
        assert hook("rm -rf /", repo.path) == ("deny", False)
    finally:
        os.kill(pid, signal.SIGCONT)


def test_a_stale_helper_after_an_upgrade_is_not_used_and_is_replaced(hook, repo):
    pid = _warm(hook, repo.path)
    module = Path(helper_process.__file__)
    before = module.stat()
    os.utime(module, ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000_000))
    try:
        assert hook("rm -rf /", repo.path) == ("deny", False)
        for _ in range(600):  # the stale helper stops and removes its socket
            if not Path(f"/proc/{pid}").exists() or _zombie(pid):
                break
            time.sleep(0.1)
        else:
            raise AssertionError("the stale helper is still running")
    finally:
        os.utime(module, ns=(before.st_atime_ns, before.st_mtime_ns))
    for _ in range(600):  # a new one is started, and answers once its files hold still
        decision, by_helper = hook("rm -rf /", repo.path)
        assert decision == "deny"
        if by_helper:
            break
        time.sleep(0.1)
    else:
        raise AssertionError("no new helper answered")
    assert hook.helper_pid() != pid


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] == "Z"
    except OSError:
        return True


def test_messages_cut_short_or_with_bytes_left_are_refused():
    message = helper.pack([b"a", b"bc"])
    assert helper.unpack(message) == [b"a", b"bc"]
    for cut in range(1, len(message)):
        if cut in (5, len(message)):
            continue
        with pytest.raises(ValueError, match="truncated"):
            helper.unpack(message[:cut])
    assert helper._answer([helper.PROTOCOL, b"stale"]) is None
    assert helper._answer([b"other", b"ok", b"0", b"{}", b""]) is None
