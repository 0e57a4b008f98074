"""Filesystem wipes: recursive deletes outside scratch areas, and writes that destroy devices."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from countersign.facts.shell.context import ShellContext
from countersign.facts.shell.finding import Severity, ShellFinding
from countersign.facts.shell.invocation import Invocation
from countersign.facts.shell.paths import Place, matches, place
from countersign.facts.shell.rule import has_flag, hit, positionals
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
    if inv.name in ("fdisk", "sfdisk") and has_flag(args, "l", ("--list",)):
        return
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
}
PREFIX_RULES = {"mkfs.": (mkfs,)}


def protected_write(inv: Invocation, ctx: ShellContext) -> Iterator[ShellFinding]:
    """Shell writes to protected files (``cat > .github/workflows/x.yml``, ``sed -i``, ``tee``)."""
    if not ctx.protected_paths:
        return
    targets = list(inv.writes)
    if inv.name == "tee" or (inv.name == "sed" and has_flag(inv.args, "i", ("--in-place",))):
        targets.extend(
            positionals(inv.args, {"-e", "-f", "--expression", "--file"})[
                1 if inv.name == "sed" else 0 :
            ]
        )
    elif inv.name in ("cp", "mv", "install", "ln", "truncate") and len(positionals(inv.args)) >= 2:
        targets.append(
            positionals(inv.args, {"-t", "-S", "--suffix", "-m", "-o", "-g", "-s", "--size"})[-1]
        )
    root = (ctx.project_root or "").rstrip("/")
    for target in targets:
        full = target
        if not target.startswith("/") and inv.cwd and inv.cwd.startswith("/"):
            full = posixpath.normpath(posixpath.join(inv.cwd, target))
        rel = full[len(root) + 1 :] if root and full.startswith(root + "/") else target
        pattern = matches(rel, ctx.protected_paths)
        if pattern:
            yield hit(
                "edit.protected-path",
                Severity.MEDIUM,
                f"writes {rel}, a protected path ({pattern})",
                inv,
            )
            return


ANY_RULES = (redirect_to_device, protected_write)
