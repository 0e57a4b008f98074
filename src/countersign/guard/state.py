"""Where the guard is: the project root, the git common directory (``countersign.state_dir``
turns it into the state directory), and the live facts rules may ask for (kube context,
Terraform workspace, branch, uncommitted work). Found without running git where a file tells
(the guard runs before every command); each fact read on demand."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path

MAX_SCRIPT_BYTES = 256_000
GATE_DIR = ".countersign"  # config.CONFIG_DIR: importing it costs the full path more
# The gate's files, as pathspecs: its configuration, not the ledger or state kept beside it
# (``config.starter.GITIGNORE``), which every ask writes and a signature, not a review, guards.
GATE_FILES = (GATE_DIR, f":(exclude){GATE_DIR}/ledger.*", f":(exclude){GATE_DIR}/state/")
EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"


def find_repository(cwd: str) -> tuple[Path | None, Path | None]:
    """(work tree root, git common dir) for ``cwd``, or (None, None) outside a repository."""
    try:
        here = Path(cwd).resolve()
    except (OSError, RuntimeError, ValueError):
        return None, None
    for directory in (here, *here.parents):
        dot_git = directory / ".git"
        try:
            if dot_git.is_dir():
                return directory, dot_git
            if dot_git.is_file():
                return directory, _common_dir(dot_git)
        except OSError:
            return None, None
    return None, None


def spelled_like(root: Path, cwd: str) -> str:
    """``root`` as ``cwd`` spells it: the rules compare the paths of a command, which start from
    the agent's working directory (``/tmp/app``), with the project root, which was resolved
    (``/private/tmp/app`` on macOS). Resolved spelling when the two do not lead to one place."""
    given = os.path.abspath(cwd)  # noqa: PTH100 - a string is wanted
    try:
        depth = len(Path(given).resolve().relative_to(root).parts)
    except (OSError, RuntimeError, ValueError):
        return str(root)
    for _ in range(depth):
        given = os.path.dirname(given)  # noqa: PTH120
    try:
        return given if Path(given).resolve() == root else str(root)
    except (OSError, RuntimeError):
        return str(root)


def _common_dir(dot_git_file: Path) -> Path:
    text = dot_git_file.read_text(encoding="utf-8", errors="replace").strip()
    gitdir = Path(text.removeprefix("gitdir:").strip())
    if not gitdir.is_absolute():
        gitdir = (dot_git_file.parent / gitdir).resolve()
    commondir = gitdir / "commondir"
    if commondir.is_file():
        rel = commondir.read_text(encoding="utf-8", errors="replace").strip()
        return (gitdir / rel).resolve()
    return gitdir


class Probe:
    """Live facts for the shell rules, read once each and remembered: what was read is the
    context an approval is bound to."""

    def __init__(self, root: Path | None, cwd: str, env: Mapping[str, str]) -> None:
        self.root = root
        self.cwd = cwd
        self.env = env
        self.seen: dict[str, str | None] = {}

    def __call__(self, what: str) -> str | None:
        if what not in self.seen:
            try:
                self.seen[what] = self._read(what)
            except (OSError, ValueError):
                self.seen[what] = None
        return self.seen[what]

    def _read(self, what: str) -> str | None:
        if what == "kube-context":
            return _kube_context(self.env)
        if what == "terraform-workspace":
            path = Path(self.cwd) / ".terraform" / "environment"
            return path.read_text(encoding="utf-8").strip() if path.is_file() else "default"
        if what == "aws-profile":
            return self.env.get("AWS_PROFILE") or self.env.get("AWS_DEFAULT_PROFILE")
        if what == "git-branch":
            head = self._head()
            if head is not None:
                return head.removeprefix("ref: refs/heads/") if head.startswith("ref: ") else None
            return self._git("symbolic-ref", "--short", "-q", "HEAD")
        if what == "git-dirty":
            out = self._git("status", "--porcelain", "--untracked-files=no")
            return None if out is None else ("yes" if out else "no")
        if what.startswith("believed-ref "):
            return self._believed(tuple(what.split()[1:]))
        if what == "gate-staged":
            # untracked too: ``git add -A && git commit`` is judged before the add runs
            out = self._git("status", "--porcelain", "--untracked-files=all", "--", *GATE_FILES)
            return None if out is None else ("yes" if out else "no")
        if what.startswith(("gate-push ", "gate-diff ")):
            return self._gate_changed(what.split())
        return None

    def _head(self) -> str | None:
        """HEAD of the work tree holding ``cwd``, read from its file (no git process): the
        rules ask for the branch on every commit, merge or push; None where the file does not
        say plainly (git is asked then)."""
        root, _common = find_repository(self.cwd)
        if root is None:
            return None
        dot_git = root / ".git"
        gitdir = dot_git
        if dot_git.is_file():
            text = dot_git.read_text(encoding="utf-8", errors="replace").strip()
            gitdir = Path(text.removeprefix("gitdir:").strip())
            if not gitdir.is_absolute():
                gitdir = root / gitdir
        try:
            head = (gitdir / "HEAD").read_text(encoding="utf-8", errors="replace").strip()
        except OSError:
            return None
        if head.startswith("ref: refs/heads/") or len(head) in (40, 64):
            return head
        return None

    def _believed(self, branches: tuple[str, ...]) -> str | None:
        """The ref the guard reads its configuration from (``guard.protected``)."""
        from countersign.guard.protected import Corrupt, Unreadable, protected_commit

        _root, common = find_repository(self.cwd)
        if common is None:
            return None
        try:
            found = protected_commit(str(common), branches)
        except (Unreadable, Corrupt):
            return None
        return found[0] if found else ""

    def _gate_changed(self, words: list[str]) -> str | None:
        """``gate-push BRANCH SRC [optional]``: whether pushing SRC to BRANCH changes the gate's
        files against origin's copy of BRANCH (else the local one, else nothing yet);
        ``gate-diff REV``: whether REV's tree differs from HEAD's there. "yes", "no", or
        "unknown" when git cannot tell (an optional source that does not exist is "no")."""
        kind, rest = words[0], words[1:]
        rev = rest[1] if kind == "gate-push" and len(rest) > 1 else rest[0] if rest else ""
        if not rev or rev.startswith("-"):
            return "unknown"
        commit = self._git("rev-parse", "--verify", "-q", "--end-of-options", rev + "^{commit}")
        if not commit:
            return "no" if rest[-1:] == ["optional"] else "unknown"
        base = "HEAD"
        if kind == "gate-push":
            branch = rest[0]
            base = EMPTY_TREE
            for ref in (f"refs/remotes/origin/{branch}", f"refs/heads/{branch}"):
                if self._git("rev-parse", "--verify", "-q", ref):
                    base = ref
                    break
        out = self._git("diff", "--name-only", "--no-renames", base, commit, "--", *GATE_FILES)
        return "unknown" if out is None else ("yes" if out else "no")

    def _git(self, *args: str) -> str | None:
        import subprocess

        if self.root is None:
            return None
        try:
            done = subprocess.run(
                ["git", "--no-replace-objects", "-C", self.cwd, *args],
                capture_output=True,
                timeout=3,
                check=False,
            )
        except subprocess.SubprocessError:
            return None
        return done.stdout.decode("utf-8", "replace").strip() if done.returncode == 0 else None


_CURRENT = re.compile(r"^current-context:\s*['\"]?([^'\"\n#]+?)['\"]?\s*$", re.MULTILINE)


def _kube_context(env: Mapping[str, str]) -> str | None:
    files = env.get("KUBECONFIG", "").split(":") if env.get("KUBECONFIG") else []
    files = files or [str(Path(env.get("HOME") or Path.home()) / ".kube" / "config")]
    for name in files:
        try:
            with open(name, encoding="utf-8", errors="replace") as fh:  # noqa: PTH123 - hot path
                match = _CURRENT.search(fh.read(1_000_000))
        except OSError:
            continue
        if match:
            return match.group(1).strip()
    return None


def read_script(path: str) -> str | None:
    """A script's text for the shell rules: small regular text files only."""
    try:
        with open(path, "rb") as fh:  # noqa: PTH123 - hot path
            data = fh.read(MAX_SCRIPT_BYTES + 1)
    except (OSError, ValueError):
        return None
    if b"\0" in data[:4096]:
        return None
    return data[:MAX_SCRIPT_BYTES].decode("utf-8", "replace")


def operator(root: Path | None, env: Mapping[str, str]) -> str:
    """Who runs the agent session: the person a guard approval may not come from."""
    given = env.get("COUNTERSIGN_OPERATOR")
    if given:
        return given
    if root is not None:
        import subprocess

        try:
            done = subprocess.run(
                ["git", "-C", str(root), "config", "user.email"],
                capture_output=True,
                timeout=3,
                check=False,
            )
            email = done.stdout.decode("utf-8", "replace").strip()
            if email:
                return email
        except (OSError, subprocess.SubprocessError):
            pass
    return env.get("USER") or env.get("USERNAME") or "unknown"


def home(env: Mapping[str, str]) -> str | None:
    return env.get("HOME") or os.path.expanduser("~")  # noqa: PTH111 - a string is wanted
