from countersign.config.catalog import Catalog, Service, load_catalog
from countersign.facts.blast_radius.graph import cycles, dependents


def catalog(edges: dict[str, list[str]]):
    lines = ["services:"]
    for name, deps in edges.items():
        lines.append(f"  - name: {name}\n    depends_on: [{', '.join(deps)}]")
    return load_catalog("\n".join(lines) + "\n")


def test_transitive_dependents_with_depth_and_chain():
    c = catalog({"db": [], "api": ["db"], "web": ["api"], "mobile": ["api"], "admin": ["web"]})
    found = {d.name: (d.depth, d.via, d.edge) for d in dependents(c, ["db"])}
    assert found == {
        "api": (1, ("db", "api"), "catalog.yaml: services[1].depends_on[0]"),
        "mobile": (2, ("db", "api", "mobile"), "catalog.yaml: services[3].depends_on[0]"),
        "web": (2, ("db", "api", "web"), "catalog.yaml: services[2].depends_on[0]"),
        "admin": (3, ("db", "api", "web", "admin"), "catalog.yaml: services[4].depends_on[0]"),
    }


def test_cycles_end_the_walk_and_are_reported():
    c = catalog({"a": ["c"], "b": ["a"], "c": ["b"], "d": ["c"], "e": []})
    found = dependents(c, ["a"])
    assert [(d.name, d.depth) for d in found] == [("b", 1), ("c", 2), ("d", 3)]
    assert cycles(c, ["a", "b", "c", "d", "e"]) == (("a", "b", "c", "a"),)


def test_two_separate_cycles_and_shortest_depth_from_several_roots():
    c = catalog({"a": ["b"], "b": ["a"], "x": ["y"], "y": ["x"], "z": ["a", "y"]})
    assert cycles(c, "abxyz") == (("a", "b", "a"), ("x", "y", "x"))
    found = {d.name: d.depth for d in dependents(c, ["a", "x"])}
    assert found == {"b": 1, "y": 1, "z": 1}


def test_long_chain_does_not_recurse():
    names = [f"s{i}" for i in range(3000)]
    c = Catalog(
        tuple(Service(n, depends_on=(names[i - 1],) if i else ()) for i, n in enumerate(names))
    )
    found = dependents(c, ["s0"])
    assert found[-1].depth == 2999
    assert cycles(c, names) == ()
