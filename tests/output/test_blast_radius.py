from countersign.facts.blast_radius import BlastRadius, Dependent, ServiceHit
from countersign.output.blast_radius import mermaid, tree_lines


def radius() -> BlastRadius:
    return BlastRadius(
        services=(ServiceHit("db", 1, ("db/x.sql",)),),
        critical=("db",),
        dependents=(
            Dependent("api", 2, 1, ("db", "api"), "catalog.yaml: services[1].depends_on[0]"),
            Dependent("jobs", 3, 1, ("db", "jobs"), "jobs/w.py:2 imports db"),
            Dependent("web", 3, 2, ("db", "api", "web"), "catalog.yaml: services[3].depends_on[0]"),
        ),
    )


def test_tree_branches_under_the_service_each_dependent_is_reached_from():
    assert tree_lines(radius()) == [
        "db  [tier 1, critical]",
        "├── api  [tier 2]  (catalog.yaml: services[1].depends_on[0])",
        "│   └── web  [tier 3]  (catalog.yaml: services[3].depends_on[0])",
        "└── jobs  [tier 3]  (jobs/w.py:2 imports db)",
    ]


def test_mermaid_arrows_point_to_what_a_service_depends_on():
    assert mermaid(radius())[1:7] == [
        "graph BT",
        '  n0["db<br/>tier 1"]:::critical',
        '  n1["api<br/>tier 2"]',
        '  n2["jobs<br/>tier 3"]',
        '  n3["web<br/>tier 3"]',
        "  n1 --> n0",
    ]
