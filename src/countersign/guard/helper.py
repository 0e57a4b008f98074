"""The guard's warm helper, as the hook sees it: a call the prescreen cannot pass is handed to
a process that has the full path imported already, and forks a child to judge it (see
``helper_process``). Only when the guard runs through its launcher (isolated, without
``site``) on Linux; ``COUNTERSIGN_GUARD_HELPER=0`` turns it off.

Never an answer the hook would not have given itself: the answer is used only from a helper
whose socket lies in a directory of this user's with no access for anyone else, owned by this
user, whose peer (``SO_PEERCRED``) is this user's process running this interpreter with this
installation's helper command line, and that sends a complete answer within ``TIMEOUT``.
Anything else (no helper, a stale one, an error, a timeout) and the hook judges the call
itself, as it did before there was a helper; when there is none it starts one for the next
call. Imports nothing but ``_socket`` (it runs on every call the prescreen sends on).
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    import _socket

PROTOCOL = b"countersign-guard-helper 1"
TIMEOUT = 3.0  # seconds to connect, send and read the answer; then the hook judges itself
MAX_ANSWER_BYTES = 1_000_000
RUN_DIR = (".countersign", "run")  # under $HOME: a protected path (~/.countersign/**)
# sockaddr_un's sun_path holds 108 bytes with the terminating NUL
MAX_SOCKET_PATH = 107

_SERVER_CODE = """\
import sys
sys.path[:] = {paths!r}
from countersign.guard.helper_process import serve
sys.exit(serve(sys.argv[1], sys.argv[2]))
"""


def enabled() -> bool:
    """Whether this process may use a helper: the launcher's isolated start on Linux (the
    console script, and the tests calling ``run_guard``, judge in-process as before)."""
    return (
        sys.platform == "linux"
        and bool(sys.flags.isolated)
        and bool(sys.flags.no_site)
        and os.environ.get("COUNTERSIGN_GUARD_HELPER", "") != "0"
    )


def key() -> str:
    """One helper per installation: the interpreter, its ``sys.path`` and the user."""
    from countersign import __version__

    who = "\0".join((sys.executable, *sys.path, __version__, str(os.getuid())))
    return _fnv1a(who.encode("utf-8", "surrogateescape"))


def _fnv1a(data: bytes) -> str:
    """A name, not a secret (no hash module to import): two installations that collide find
    a helper whose command line is not theirs, and judge by themselves."""
    value = 0xCBF29CE484222325
    for byte in data:
        value = ((value ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return f"{value:016x}"


def server_argv(run: str, name: str) -> list[str]:
    """The helper's command line, which the hook also checks its peer runs."""
    return [sys.executable, "-IS", "-c", _SERVER_CODE.format(paths=sys.path), run, name]


def location() -> tuple[str, str] | None:
    """The run directory and the socket's name in it, or None without a usable home."""
    home = os.environ.get("HOME", "")
    if not home.startswith("/"):
        return None
    run = os.path.join(home, *RUN_DIR)  # noqa: PTH118 - os.path keeps pathlib off the hot path
    name = key()
    if len(os.fsencode(os.path.join(run, f"guard-{name}.sock"))) > MAX_SOCKET_PATH:  # noqa: PTH118
        return None
    return run, name


def private_dir(path: str) -> bool:
    """A directory (not a link to one) owned by this user that nobody else can enter."""
    import stat

    try:
        st = os.lstat(path)
    except OSError:
        return False
    return stat.S_ISDIR(st.st_mode) and st.st_uid == os.getuid() and not st.st_mode & 0o077


def ask(agent: str, raw: bytes, event: str) -> tuple[str, str, int] | None:
    """The helper's answer (stdout, stderr, exit code) for this call, or None: judge it here."""
    where = location()
    if where is None:
        return None
    run, name = where
    if not private_dir(run):
        if not os.path.lexists(run):
            start(run, name)
        return None
    import _socket

    path = os.path.join(run, f"guard-{name}.sock")  # noqa: PTH118
    try:
        conn = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    except OSError:
        return None
    try:
        conn.settimeout(TIMEOUT)
        try:
            conn.connect(path)
        except (FileNotFoundError, ConnectionRefusedError):
            start(run, name)
            return None
        if not _socket_owned(path) or not _trusted_peer(conn, run, name):
            return None
        _send(conn, _request(agent, raw, event))
        conn.shutdown(_socket.SHUT_WR)
        return _answer(_receive(conn))
    except (OSError, ValueError):
        return None
    finally:
        conn.close()


def _socket_owned(path: str) -> bool:
    import stat

    st = os.lstat(path)
    return stat.S_ISSOCK(st.st_mode) and st.st_uid == os.getuid()


def _trusted_peer(conn: _socket.socket, run: str, name: str) -> bool:
    """Whether the process listening is this user's helper for this installation: its
    credentials from the kernel, then its executable and command line."""
    import _socket

    cred = conn.getsockopt(_socket.SOL_SOCKET, _socket.SO_PEERCRED, 12)
    pid = int.from_bytes(cred[0:4], sys.byteorder)
    uid = int.from_bytes(cred[4:8], sys.byteorder)
    if uid != os.getuid() or pid <= 0:
        return False
    exe = os.readlink(f"/proc/{pid}/exe")  # noqa: PTH115 - pathlib stays off the hot path
    if exe != os.path.realpath(sys.executable):
        return False
    with open(f"/proc/{pid}/cmdline", "rb") as fh:  # noqa: PTH123
        cmdline = fh.read(1 << 20)
    expected = b"".join(os.fsencode(part) + b"\0" for part in server_argv(run, name))
    return cmdline == expected


def _request(agent: str, raw: bytes, event: str) -> list[bytes]:
    umask = os.umask(0o077)
    os.umask(umask)
    env = b"\0".join(k + b"=" + v for k, v in os.environb.items())
    cwd = os.fsencode(os.getcwd())  # noqa: PTH109
    return [PROTOCOL, agent.encode(), event.encode(), cwd, b"%d" % umask, env, raw]


def _answer(blocks: list[bytes]) -> tuple[str, str, int] | None:
    if len(blocks) != 5 or blocks[0] != PROTOCOL or blocks[1] != b"ok":
        return None
    out, err = blocks[3].decode(), blocks[4].decode()
    return out, err, int(blocks[2])


def pack(blocks: list[bytes]) -> bytes:
    return b"".join(len(block).to_bytes(4, "big") + block for block in blocks)


def unpack(data: bytes) -> list[bytes]:
    """The blocks of a message; ValueError when it is cut short or has bytes left over."""
    blocks: list[bytes] = []
    at = 0
    while at < len(data):
        if at + 4 > len(data):
            raise ValueError("truncated length")
        size = int.from_bytes(data[at : at + 4], "big")
        at += 4
        if at + size > len(data):
            raise ValueError("truncated block")
        blocks.append(data[at : at + size])
        at += size
    return blocks


def _send(conn: _socket.socket, blocks: list[bytes]) -> None:
    conn.sendall(pack(blocks))


def _receive(conn: _socket.socket, limit: int = MAX_ANSWER_BYTES) -> list[bytes]:
    parts: list[bytes] = []
    size = 0
    while True:
        part = conn.recv(65536)
        if not part:
            return unpack(b"".join(parts))
        size += len(part)
        if size > limit:
            raise ValueError("answer too long")
        parts.append(part)


def _starting(run: str, name: str) -> bool:
    """Whether a helper holds its lock: one is still importing, or is about to listen."""
    import fcntl

    try:
        fd = os.open(
            os.path.join(run, f"guard-{name}.lock"),  # noqa: PTH118
            os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC,
        )
    except FileNotFoundError:
        return False
    except OSError:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(fd)
    return False


def start(run: str, name: str) -> None:
    """Start the helper for later calls, detached (its own session, its output and input on
    ``/dev/null``, none of the hook's descriptors): this call is judged here meanwhile."""
    try:
        os.makedirs(run, mode=0o700, exist_ok=True)  # noqa: PTH103
    except OSError:
        return
    if not private_dir(run) or _starting(run, name):
        return
    argv = server_argv(run, name)
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        pid = os.fork()
    except OSError:
        return
    if pid == 0:  # pragma: no cover - the child execs or exits
        try:
            os.setsid()
            if os.fork() == 0:
                null = os.open(os.devnull, os.O_RDWR)
                for fd in (0, 1, 2):
                    os.dup2(null, fd)
                os.closerange(3, 1 << 16)
                os.execv(sys.executable, argv)  # noqa: S606 - our own interpreter, no shell
        finally:
            os._exit(0)
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:  # contextlib stays off the hot path
        return
