from datetime import date
from importlib import resources

from countersign.config import Config
from countersign.config.catalog import load_catalog
from countersign.config.codeowners import parse_codeowners
from countersign.facts.blast_radius import analyze
from countersign.facts.context import Context
from countersign.intake.change import Artifact, Change, FileChange, FileStatus


def change(*paths: str, renamed_from: str | None = None, artifacts=()) -> Change:
    files = tuple(FileChange(p, FileStatus.MODIFIED) for p in paths)
    if renamed_from:
        files = (*files, FileChange("moved/x.py", FileStatus.RENAMED, old_path=renamed_from))
    return Change(base="a", head="b", fingerprint="f", files=files, artifacts=tuple(artifacts))


def starter() -> str:
    return resources.files("countersign.config").joinpath("starter_catalog.yaml").read_text()


def test_demo_change_to_checkout_is_critical_with_its_dependents_by_name():
    context = Context(Config(catalog=load_catalog(starter())), today=date(2026, 2, 1))
    blast = analyze(change("services/checkout/app.py"), context)
    assert [s.name for s in blast.services] == ["checkout"]
    assert blast.critical == ("checkout",)
    assert blast.critical_reasons[0].reason == "tier 1"
    assert [(d.name, d.via) for d in blast.dependents] == [
        ("storefront", ("checkout", "storefront"))
    ]
    assert blast.environments == ("prod", "staging")
    assert blast.owners == ("payments",)
    assert blast.tier == 1
    assert blast.score == 10.0  # checkout 8 + storefront tier 2 at depth 1: 4 / 2
    assert [t.text for t in blast.score_terms] == [
        "checkout: touched, tier 1, critical -> 8",
        "storefront: dependent at depth 1, tier 2 -> 2",
    ]


def test_time_boxed_critical_list_makes_a_tier_2_service_critical_while_in_force():
    text = starter().replace("systems: [checkout]", "systems: [inventory]")
    catalog = load_catalog(text)
    inside = analyze(change("services/inventory/a.py"), Context(Config(catalog), date(2026, 3, 1)))
    after = analyze(change("services/inventory/a.py"), Context(Config(catalog), date(2026, 4, 1)))
    # checkout (tier 1) depends on inventory, so it is reached either way
    assert inside.critical == ("inventory", "checkout")
    assert inside.critical_reasons[0].reason == (
        "on the critical list 'safety-reset' until 2026-04-01"
    )
    assert after.critical == ("checkout",)
    assert inside.score > after.score


def test_unowned_paths_renames_and_codeowners_evidence():
    owners = parse_codeowners("* @acme/platform\n/services/ @acme/services\n", "CODEOWNERS")
    catalog = load_catalog(
        "services:\n  - name: a\n    paths: [services/a/**]\n", codeowners=owners
    )
    blast = analyze(change("README.md", renamed_from="services/a/x.py"), Context(Config(catalog)))
    assert [(s.name, s.paths) for s in blast.services] == [("a", ("services/a/x.py",))]
    assert blast.unowned == ("README.md", "moved/x.py")
    assert blast.owners == ("services",)  # a declares no owners: CODEOWNERS fills the gap
    assert [(m.path, m.owners, m.line) for m in blast.code_owners] == [
        ("README.md", ("@acme/platform",), 1),
        ("moved/x.py", ("@acme/platform",), 1),
    ]


def test_resources_in_artifacts_reach_services():
    plan = (
        '{"resource_changes": [{"address": "module.checkout.aws_sqs_queue.q", "type": "x",'
        ' "change": {"actions": ["delete"]}}]}'
    )
    context = Context(Config(catalog=load_catalog(starter())))
    blast = analyze(change(artifacts=[Artifact("plan.json", plan)]), context)
    assert [(s.name, s.resources) for s in blast.services] == [
        ("checkout", ("terraform module.checkout.aws_sqs_queue.q (plan.json)",))
    ]


def test_cycles_among_reached_services_are_problems():
    catalog = load_catalog(
        "services:\n  - name: a\n    paths: [a/**]\n    depends_on: [b]\n"
        "  - name: b\n    depends_on: [a]\n"
    )
    blast = analyze(change("a/x.py"), Context(Config(catalog)))
    assert [d.name for d in blast.dependents] == ["b"]
    assert blast.cycles == (("a", "b", "a"),)
    assert blast.problems == (
        (
            "dependency cycle: a -> b -> a (each depends on the next: a -> b (catalog.yaml: "
            "services[0].depends_on[0]); b -> a (catalog.yaml: services[1].depends_on[0])); "
            "every service in it is listed once, at its shortest distance"
        ),
    )


def test_empty_catalog_reports_everything_unowned():
    blast = analyze(change("x.py"), Context())
    assert (blast.services, blast.unowned, blast.score, blast.tier) == ((), ("x.py",), 0.0, None)
