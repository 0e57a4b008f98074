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
    elif words[:1] == ["rm"] and has_flag(inv.args, "v", ("--volumes",)):
        yield hit(
            "container.volume-delete",
            Severity.MEDIUM,
            f"{tool} rm -v deletes the containers' anonymous volumes",
            inv,
        )


RULES = {
    "docker": (docker,),
    "podman": (docker,),
    "docker-compose": (docker,),
    "nerdctl": (docker,),
}
