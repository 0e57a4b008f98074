"""Filesystem wipes: recursive deletes outside scratch areas, and writes that destroy devices."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from countersign.facts.shell.context import ShellContext
from countersign.facts.shell.finding import Severity, ShellFinding
from countersign.facts.shell.invocation import Invocation
from countersign.facts.shell.paths import Place, matches, place
from countersign.facts.shell.rule import has_flag, hit, option, positionals
from countersign.facts.shell.unwrap import find_roots

_WORSE = [
    Place.SCRATCH,
    Place.PROJECT,
    Place.OUTSIDE,
    Place.UNKNOWN,
    Place.REPOSITORY,
    Place.SYSTEM,
]
_SEVERITY = {
    Place.SYSTEM: Severity.CRITICAL,
    Place.REPOSITORY: Severity.HIGH,
    Place.UNKNOWN: Severity.HIGH,
    Place.OUTSIDE: Severity.HIGH,
    Place.PROJECT: Severity.MEDIUM,
}
_WHAT = {
    Place.SYSTEM: "the system root, a system directory or a home directory",
    Place.REPOSITORY: "the whole project or its git history",
    Place.UNKNOWN: "a path only known when the command runs",
    Place.OUTSIDE: "a directory outside the project",
    Place.PROJECT: "project files outside its scratch areas",
}


def _worst(paths: list[str], inv: Invocation, ctx: ShellContext) -> tuple[Place, str]:
    worst, which = Place.SCRATCH, ""
    for path in paths:
        where = place(path, inv.cwd, ctx, inv.exact)
        if _WORSE.index(where) > _WORSE.index(worst):
            worst, which = where, path
    return worst, which


def _delete(
    inv: Invocation, ctx: ShellContext, targets: list[str], how: str
) -> Iterator[ShellFinding]:
    where, path = _worst(targets, inv, ctx)
    if where is Place.SCRATCH:
        return
    prod = "path " + path if ctx.production.path(path) else None
    yield hit(
        "fs.recursive-delete",
        _SEVERITY[where],
        f"{how} {path!r}: {_WHAT[where]}; deleted files do not come back",
        inv,
        prod,
        Severity.CRITICAL,
    )


def rm(inv: Invocation, ctx: ShellContext) -> Iterator[ShellFinding]:
    args = inv.args
    targets = positionals(args)
    if has_flag(args, "rR", ("--recursive",)):
        yield from _delete(inv, ctx, targets, "recursive delete of")
        return
    where, path = _worst(targets, inv, ctx)
    if where is Place.SYSTEM:
        yield hit("fs.system-delete", Severity.HIGH, f"deletes {path!r} in a system directory", inv)
        return
    system_file = next((t for t in targets if _system_file(t, inv.cwd or ctx.cwd)), None)
    if system_file:
        yield hit(
            "fs.system-delete",
            Severity.HIGH,
            f"deletes {system_file!r}, a file of the system's configuration or programs",
            inv,
        )


# Trees whose files the system itself needs (configuration, boot, programs, libraries); a
# file deleted there breaks a service or the machine. /var, /opt and /usr/local hold data and
# software of one's own, and are not listed.
_SYSTEM_TREES = ("/etc/", "/boot/", "/bin/", "/sbin/", "/lib/", "/lib64/", "/usr/bin/",
                 "/usr/sbin/", "/usr/lib/", "/usr/share/", "/System/")  # fmt: skip


def _system_file(target: str, cwd: str | None) -> bool:
    if target.startswith("$") or "$(" in target or "`" in target:
        return False
    full = target if target.startswith("/") else posixpath.join(cwd or "/nonexistent", target)
    full = posixpath.normpath(full)
    return any(full.startswith(tree) for tree in _SYSTEM_TREES)


def mv(inv: Invocation, ctx: ShellContext) -> Iterator[ShellFinding]:
    """``mv FILE /dev/null``: run as root it replaces the null device with the file (every
    program writing there then appends to it); as anyone, the file is gone from where it was.
    Only a literal ``/dev/`` target: the prescreen sends every such word to full analysis."""
    pos = positionals(inv.args, {"-t", "-S", "--suffix"})
    target = option(inv.args, "-t", "--target-directory") or (pos[-1] if len(pos) >= 2 else "")
    if target.startswith("/dev/") and not target.startswith("/dev/shm"):  # noqa: S108 - a name
        yield hit(
            "fs.system-delete",
            Severity.HIGH,
            f"mv onto {target} replaces the device with the file, which is lost where it was",
            inv,
        )


def rmdir_like(inv: Invocation, ctx: ShellContext) -> Iterator[ShellFinding]:
    """``shred``, ``srm``, ``wipe``: unrecoverable even from backups of the disk."""
    targets = positionals(inv.args, {"-n", "-s", "--iterations", "--size"})
    for target in targets:
        if target.startswith("/dev/"):
            yield hit(
                "fs.device-wipe",
                Severity.CRITICAL,
                f"{inv.name} overwrites the device {target}",
                inv,
            )
            return
    where, path = _worst(targets, inv, ctx)
    severity = Severity.CRITICAL if where is Place.SYSTEM else Severity.HIGH
    yield hit("fs.shred", severity, f"{inv.name} destroys {path or 'files'} beyond recovery", inv)


def dd(inv: Invocation, ctx: ShellContext) -> Iterator[ShellFinding]:
    for arg in inv.args:
        if arg.startswith("of=/dev/") and not arg.startswith(
            ("of=/dev/null", "of=/dev/stdout", "of=/dev/stderr")
        ):
            yield hit(
                "fs.device-wipe",
                Severity.CRITICAL,
                f"dd writes raw data over the device {arg[3:]}",
                inv,
            )


def mkfs(inv: Invocation, ctx: ShellContext) -> Iterator[ShellFinding]:
    yield hit(
        "fs.format-device",
        Severity.CRITICAL,
        f"{inv.name} creates a new filesystem and erases what the device held",
        inv,
    )


def partition(inv: Invocation, ctx: ShellContext) -> Iterator[ShellFinding]:
    args = inv.args
    if inv.name == "sgdisk" and not has_flag(args, "Zoz", ("--zap-all", "--clear", "--zap")):
        return
    if inv.name in ("fdisk", "sfdisk", "parted") and has_flag(args, "l", ("--list",)):
        return
    if inv.name == "parted" and positionals(args)[1:] in (["print"], ["p"], ["print", "all"]):
        return  # parted DEVICE print only shows the table
    yield hit("fs.format-device", Severity.CRITICAL, f"{inv.name} rewrites a partition table", inv)


def find(inv: Invocation, ctx: ShellContext) -> Iterator[ShellFinding]:
    if "-delete" in inv.args:
        yield from _delete(inv, ctx, find_roots(list(inv.args)), "find -delete under")


def permissions(inv: Invocation, ctx: ShellContext) -> Iterator[ShellFinding]:
    if not has_flag(inv.args, "R", ("--recursive",)):
        return
    where, path = _worst(positionals(inv.args)[1:], inv, ctx)
    if where is Place.SYSTEM:
        yield hit(
            "fs.permission-wipe",
            Severity.HIGH,
            f"recursive {inv.name} over {path!r} can make the system unusable",
            inv,
        )


def redirect_to_device(inv: Invocation, ctx: ShellContext) -> Iterator[ShellFinding]:
    for target in inv.writes:
        if target.startswith("/dev/") and target not in (
            "/dev/null",
            "/dev/stdout",
            "/dev/stderr",
            "/dev/tty",
        ):
            yield hit(
                "fs.device-wipe",
                Severity.CRITICAL,
                f"output is written over the device {target}",
                inv,
            )


RULES = {
    "rm": (rm,),
    "unlink": (rm,),
    "shred": (rmdir_like,),
    "srm": (rmdir_like,),
    "wipe": (rmdir_like,),
    "dd": (dd,),
    "mkfs": (mkfs,),
    "mke2fs": (mkfs,),
    "mkswap": (mkfs,),
    "wipefs": (mkfs,),
    "fdisk": (partition,),
    "sfdisk": (partition,),
    "parted": (partition,),
    "sgdisk": (partition,),
    "find": (find,),
    "chmod": (permissions,),
    "chown": (permissions,),
    "mv": (mv,),
}
PREFIX_RULES = {"mkfs.": (mkfs,)}


def protected_write(inv: Invocation, ctx: ShellContext) -> Iterator[ShellFinding]:
    """Shell writes to protected files (``cat > .github/workflows/x.yml``, ``sed -i``, ``tee``),
    and their removal or opening for writing (``rm``, ``mv`` away, ``truncate``, ``sqlite3`` on
    the ledger): the files that hold countersign's own records are among them."""
    if not ctx.protected_paths:
        return
    root = (ctx.project_root or "").rstrip("/")
    for target, verb in _touched(inv):
        full = target
        if not target.startswith("/") and inv.cwd and inv.cwd.startswith("/"):
            full = posixpath.normpath(posixpath.join(inv.cwd, target))
        rel = full[len(root) + 1 :] if root and full.startswith(root + "/") else target
        pattern = matches(rel, ctx.protected_paths)
        if pattern:
            yield hit(
                "edit.protected-path",
                Severity.MEDIUM,
                f"{verb} {rel}, a protected path ({pattern})",
                inv,
            )
            return


_DELETERS = frozenset({"rm", "unlink", "shred", "srm", "wipe"})


def _touched(inv: Invocation) -> list[tuple[str, str]]:
    """The files a command writes, deletes or opens for writing, with the verb to say so."""
    out = [(target, "writes") for target in inv.writes]
    name = inv.name
    if name == "tee" or (name == "sed" and has_flag(inv.args, "i", ("--in-place",))):
        skip = 1 if name == "sed" else 0
        out += [
            (t, "writes")
            for t in positionals(inv.args, {"-e", "-f", "--expression", "--file"})[skip:]
        ]
    elif name in _DELETERS:
        out += [(t, "deletes") for t in positionals(inv.args)]
    elif name == "truncate":
        out += [(t, "truncates") for t in positionals(inv.args, {"-s", "--size", "-r"})]
    elif name == "mv":
        pos = positionals(inv.args, {"-t", "-S", "--suffix"})
        out += [(t, "moves away") for t in pos[:-1]] + [(t, "writes") for t in pos[-1:]]
    elif name in ("cp", "install", "ln") and len(positionals(inv.args)) >= 2:
        pos = positionals(inv.args, {"-t", "-S", "--suffix", "-m", "-o", "-g"})
        out.append((pos[-1], "writes"))
    elif name in ("sqlite3", "sqlite") and "-readonly" not in inv.args:
        out += [(t, "opens for writing") for t in positionals(inv.args, _SQLITE_WITH_VALUE)[:1]]
    return out


_SQLITE_WITH_VALUE = {"-cmd", "-init", "-separator", "-newline", "-nullvalue", "-vfs"}


ANY_RULES = (redirect_to_device, protected_write)
