"""The guard's warm helper: one process per user and installation that has imported the full
path (tree-sitter with the bash grammar, the rules, the ledger with ``cryptography`` and
``sqlite3``) and forks a child for every call a hook hands it. The child takes the hook's
environment, working directory and umask, and judges the call with the same code the hook
would have run (``entry._judge``), reading the configuration, the protected branch and the
ledger afresh: the helper itself never judges, so nothing it holds was read from a repository.

It answers only its own user (``SO_PEERCRED``), and stops, removing its socket, when it has
been idle for ``IDLE`` seconds, when its socket was removed or replaced, and when a file of a
module it imported changed (an upgrade, an edit of an editable install): a call that finds it
stale is judged by the hook itself.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from countersign.guard.helper import PROTOCOL, pack, unpack

TYPE_CHECKING = False
if TYPE_CHECKING:
    import socket

IDLE = 600.0  # seconds without a call before the helper stops
TICK = 2.0  # how often an idle helper checks its socket and its files
READ_TIMEOUT = 3.0
MAX_REQUEST_BYTES = 8_000_000  # the hook's payload (at most 4 MB) and its environment

# What the full path and an ask import; the children start with them loaded.
WARM = (
    "countersign.guard.hook",
    "countersign.guard.protocol",
    "countersign.guard.decision",
    "countersign.guard.action",
    "countersign.guard.journal",
    "countersign.guard.ledger_trust",
    "countersign.guard.edits",
    "countersign.guard.reads",
    "countersign.facts.shell.catalog",
    "countersign.facts.shell.syntax",
    "countersign.signoff.ledger",
    "countersign.signoff.keys",
    "sqlite3",
    "cryptography.hazmat.primitives.asymmetric.ed25519",
    "rfc8785",
)


def serve(run: str, name: str) -> int:
    """Listen on ``run/guard-NAME.sock`` until idle or stale; 0 also when another helper holds
    the lock (it was started twice)."""
    import fcntl

    lock = os.open(
        os.path.join(run, f"guard-{name}.lock"),  # noqa: PTH118
        os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC,
        0o600,
    )
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return 0
    warm()
    files = _loaded_files()
    signature = _signature(files)
    listener, path, inode = _listen(run, name)
    try:
        _loop(listener, path, inode, files, signature)
    finally:
        if _still_ours(path, inode):
            Path(path).unlink()
        listener.close()
    return 0


def warm() -> None:
    """Import what the children need, and build what the shipped code alone decides (the
    parser with the bash grammar, the shipped packs' index); nothing from a repository."""
    import importlib

    for module in WARM:
        try:
            importlib.import_module(module)
        except ImportError:
            continue
    from countersign.facts.shell import catalog, syntax

    syntax.parse("true")
    catalog.shipped()


def _loaded_files() -> list[str]:
    files = [os.path.realpath(sys.executable)]
    for module in list(sys.modules.values()):
        path = getattr(module, "__file__", None)
        if isinstance(path, str):
            files.append(path)
    from countersign.facts.shell.catalog import COMPILED

    files.append(str(COMPILED))
    return sorted(set(files))


def _signature(files: list[str]) -> list[tuple[int, int, int, int] | None]:
    found: list[tuple[int, int, int, int] | None] = []
    for path in files:
        try:
            st = os.stat(path)  # noqa: PTH116
        except OSError:
            found.append(None)
            continue
        found.append((st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns))
    return found


def _listen(run: str, name: str) -> tuple[socket.socket, str, int]:
    import socket

    path = os.path.join(run, f"guard-{name}.sock")  # noqa: PTH118
    tmp = f"{path}.{os.getpid()}"
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    Path(tmp).unlink(missing_ok=True)
    listener.bind(tmp)
    os.chmod(tmp, 0o600)  # noqa: PTH101
    listener.listen(64)
    os.rename(tmp, path)  # noqa: PTH104 - atomic: a hook never finds a half-made helper
    listener.settimeout(TICK)
    return listener, path, os.lstat(path).st_ino


def _still_ours(path: str, inode: int) -> bool:
    try:
        return os.lstat(path).st_ino == inode
    except OSError:
        return False


def _loop(
    listener: socket.socket,
    path: str,
    inode: int,
    files: list[str],
    signature: list[tuple[int, int, int, int] | None],
) -> None:
    import time

    last = time.monotonic()
    while True:
        _reap()
        try:
            conn, _ = listener.accept()
        except TimeoutError:
            if (
                time.monotonic() - last > IDLE
                or not _still_ours(path, inode)
                or _signature(files) != signature
            ):
                return
            continue
        last = time.monotonic()
        try:
            if not _same_user(conn):
                continue
            if _signature(files) != signature:
                conn.sendall(pack([PROTOCOL, b"stale"]))
                return
            if os.fork() == 0:  # pragma: no cover - measured through the hook's own tests
                listener.close()
                _child(conn)
        except OSError:
            continue
        finally:
            conn.close()


def _same_user(conn: socket.socket) -> bool:
    import socket

    cred = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12)
    return int.from_bytes(cred[4:8], sys.byteorder) == os.getuid()


def _reap() -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _child(conn: socket.socket) -> None:  # pragma: no cover - runs in the forked child
    """Judge one call and answer it; never returns. Any failure ends the child without an
    answer, and the hook judges the call itself."""
    code = 1
    try:
        conn.settimeout(READ_TIMEOUT)
        request = _read(conn)
        if len(request) != 7 or request[0] != PROTOCOL:
            os._exit(code)
        _, agent, event, cwd, umask, env, raw = request
        _adopt(env, cwd, int(umask))
        import io

        out, err = io.StringIO(), io.StringIO()
        sys.stdout, sys.stderr = out, err
        from countersign.guard.entry import _judge

        exit_code = _judge(agent.decode(), raw, event.decode())
        answer = [PROTOCOL, b"ok", b"%d" % exit_code]
        answer += [out.getvalue().encode(), err.getvalue().encode()]
        conn.settimeout(READ_TIMEOUT)
        conn.sendall(pack(answer))
        code = 0
    except BaseException:  # noqa: BLE001, S110 - no answer: the hook judges the call itself
        pass
    os._exit(code)


def _adopt(env: bytes, cwd: bytes, umask: int) -> None:
    """Take on the hook's environment, working directory and umask."""
    import time

    os.environb.clear()
    for item in env.split(b"\0"):
        name, eq, value = item.partition(b"=")
        if eq and name:
            os.environb[name] = value
    time.tzset()
    os.chdir(cwd)
    os.umask(umask)


def _read(conn: socket.socket) -> list[bytes]:
    parts: list[bytes] = []
    size = 0
    while True:
        part = conn.recv(1 << 16)
        if not part:
            return unpack(b"".join(parts))
        size += len(part)
        if size > MAX_REQUEST_BYTES:
            raise ValueError("request too long")
        parts.append(part)
