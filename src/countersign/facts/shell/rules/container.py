"""Containers: prunes and volume removal, which delete data that lives only in volumes."""

from __future__ import annotations

from collections.abc import Iterator

from countersign.facts.shell.context import ShellContext
from countersign.facts.shell.finding import Severity, ShellFinding
from countersign.facts.shell.invocation import Invocation
from countersign.facts.shell.rule import has_flag, hit, positionals


def docker(inv: Invocation, ctx: ShellContext) -> Iterator[ShellFinding]:
    pos = positionals(
        inv.args,
        {"-H", "--host", "--context", "-c", "-f", "--file", "-p", "--project-name", "--filter"},
    )
    if inv.name == "docker-compose":
        pos = ["compose", *pos]
    words = pos[:3]
    tool = inv.name
    if words[:2] in (["volume", "prune"], ["volume", "rm"], ["volume", "remove"]):
        yield hit(
            "container.volume-delete",
            Severity.HIGH,
            f"{tool} {' '.join(words[:2])} deletes the data kept in volumes",
            inv,
        )
    elif words[:2] == ["system", "prune"]:
        volumes = has_flag(inv.args, "", ("--volumes",))
        severity = Severity.HIGH if volumes else Severity.MEDIUM
        what = "volumes, " if volumes else ""
        yield hit(
            "container.prune",
            severity,
            f"{tool} system prune deletes {what}stopped containers, networks and images",
            inv,
        )
    elif (
        words[:1] == ["compose"]
        and words[1:2] == ["down"]
        and has_flag(inv.args, "v", ("--volumes",))
    ):
        yield hit(
            "container.volume-delete",
            Severity.HIGH,
            f"{tool} compose down -v deletes the project's volumes",
            inv,
        )
    elif words[:2] in (["container", "prune"], ["image", "prune"], ["network", "prune"]):
        yield hit(
            "container.prune",
            Severity.LOW,
            f"{tool} {' '.join(words[:2])} deletes unused objects",
            inv,
        )
    elif (
        (words[:1] == ["rm"] or words[:2] == ["container", "rm"])
        and has_flag(inv.args, "f", ("--force",))
        and _every_container(inv)
    ):
        yield hit(
            "container.prune",
            Severity.MEDIUM,
            f"{tool} rm -f of every container a listing names removes running ones too, with "
            "the data written inside them",
            inv,
        )
    elif words[:1] == ["rm"] and has_flag(inv.args, "v", ("--volumes",)):
        yield hit(
            "container.volume-delete",
            Severity.MEDIUM,
            f"{tool} rm -v deletes the containers' anonymous volumes",
            inv,
        )


def _every_container(inv: Invocation) -> bool:
    """An operand substituted from an unfiltered listing of containers: every running one
    (``$(docker ps -q)``), or every one (``$(docker ps -aq)``, ``$(docker container ls --all
    --quiet)``)."""
    for arg in inv.args:
        if "$(" not in arg and "`" not in arg:
            continue
        listing = arg.replace("`", " ").replace("$(", " ").replace(")", " ").split()
        if not {"ps", "ls", "list"} & set(listing):
            continue
        short = "".join(w[1:] for w in listing if w.startswith("-") and not w.startswith("--"))
        if "f" not in short and not any(w.startswith("--filter") for w in listing):
            return True
    return False


RULES = {
    "docker": (docker,),
    "podman": (docker,),
    "docker-compose": (docker,),
    "nerdctl": (docker,),
}
