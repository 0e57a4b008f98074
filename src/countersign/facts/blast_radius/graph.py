"""The dependency graph walk: every service that depends, directly or transitively, on a touched
service, with the shortest chain linking it; and the cycles among what the walk reached."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from countersign.config.catalog import Catalog, Edge


@dataclass(frozen=True)
class Dependent:
    """``via`` runs from a touched service to this one; each name depends on the one before it.
    ``edge`` says where the last link was declared or seen; ``hops`` are the edges of the whole
    path, each with its origin (a catalog key, or the file and line of an import).

    ``reached``: the change can affect it, because the path runs over declared edges or over an
    import of the surface the change alters; otherwise it only depends on something the change
    touches (``why`` says which link stops the reach), and is listed but not counted."""

    name: str
    tier: int
    depth: int
    via: tuple[str, ...]
    edge: str = ""
    hops: tuple[Edge, ...] = ()
    reached: bool = True
    why: str = ""


def dependents(
    catalog: Catalog, roots: Iterable[str], follows: Callable[[Edge], bool] | None = None
) -> tuple[Dependent, ...]:
    """Breadth-first over reversed edges from all roots at once: each service is listed once,
    at its smallest depth, so cycles end the walk instead of looping. ``follows``: only edges
    it accepts are walked (default: every edge)."""
    users = catalog.users
    frontier: list[tuple[str, tuple[str, ...], tuple[Edge, ...]]] = [
        (name, (name,), ()) for name in roots
    ]
    seen = {name for name, _, _ in frontier}
    found: list[Dependent] = []
    depth = 0
    while frontier:
        depth += 1
        nxt: list[tuple[str, tuple[str, ...], tuple[Edge, ...]]] = []
        for name, via, hops in frontier:
            for edge in users.get(name, ()):
                if edge.source in seen or (follows is not None and not follows(edge)):
                    continue
                seen.add(edge.source)
                svc = catalog.service(edge.source)
                path, through = (*via, edge.source), (*hops, edge)
                found.append(
                    Dependent(
                        edge.source, svc.tier if svc else 3, depth, path, edge.origin, through
                    )
                )
                nxt.append((edge.source, path, through))
        frontier = nxt
    return tuple(found)


def cycles(catalog: Catalog, among: Iterable[str]) -> tuple[tuple[str, ...], ...]:
    """Strongly connected groups of two or more services within ``among`` (Tarjan's algorithm,
    iterative so a deep graph cannot exhaust the stack), each as a closed chain ``a, b, a``."""
    nodes = set(among)
    graph = {
        n: sorted({e.source for e in catalog.users.get(n, ()) if e.source in nodes})
        for n in sorted(nodes)
    }
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[tuple[str, ...]] = []
    for start in graph:
        if start in index:
            continue
        work = [(start, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            succ = graph[node]
            if i < len(succ):
                work.append((node, i + 1))
                nxt = succ[i]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                group: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(_chain(sorted(group), graph))
    return tuple(sorted(groups))


def _chain(group: list[str], graph: dict[str, list[str]]) -> tuple[str, ...]:
    """The shortest closed chain through the group's first name, for the message."""
    members = set(group)
    start = group[0]
    parent: dict[str, str] = {}
    frontier = [start]
    while frontier:
        nxt: list[str] = []
        for node in frontier:
            for succ in graph[node]:
                if succ == start:
                    path = [start, node]
                    while path[-1] != start:
                        path.append(parent[path[-1]])
                    return tuple(reversed(path)) if node != start else (start, start)
                if succ in members and succ not in parent:
                    parent[succ] = node
                    nxt.append(succ)
        frontier = nxt
    return (start, start)
