import json

import pytest

from countersign.main import main

CATALOG = """\
services:
  - name: checkout
    paths: ["services/checkout/**"]
    owners: [payments]
    tier: 1
    environments: [prod]
  - name: platform
    paths: ["services/**"]
"""


@pytest.fixture
def monorepo(repo):
    repo.commit(
        "init",
        **{
            ".countersign/catalog.yaml": CATALOG,
            "services/checkout/checkout/__init__.py": "",
            "services/checkout/checkout/api.py": "def pay(): ...\n",
            "services/web/catalog-info.yaml": (
                "kind: Component\nmetadata: {name: web}\nspec: {owner: 'group:web'}\n"
            ),
            "services/web/web/__init__.py": "",
            "services/web/web/views.py": "from checkout.api import pay\n",
            "services/admin/catalog-info.yaml": (
                "kind: Component\nmetadata: {name: admin}\nspec: {dependsOn: ['component:web']}\n"
            ),
        },
    )
    repo.commit("pay", **{"services/checkout/checkout/api.py": "def pay(amount): return 1\n"})
    return repo


def test_text_shows_tree_critical_and_explained_score(monorepo, capsys):
    assert main(["blast", "HEAD~1", "-C", str(monorepo.path)]) == 0
    out = capsys.readouterr().out
    assert "Services touched:\n  checkout (tier 1, critical: tier 1)\n" in out
    assert (
        "  checkout  [tier 1, critical]\n"
        "  └── web  [tier 3]  (services/web/web/views.py:1 imports checkout.api)\n"
        "      └── admin  [tier 3]  (services/admin/catalog-info.yaml: "
        "documents[0].spec.dependsOn[0])\n"
    ) in out
    assert "Critical systems: checkout (tier 1, touched)\n" in out
    assert "Owners: payments\n" in out
    assert "checkout wins over platform ('services/**')" in out
    assert "  admin: dependent at depth 2, tier 3 -> 0.67\n" in out


def test_json_and_markdown(monorepo, capsys):
    assert main(["blast", "HEAD~1..HEAD", "--format", "json", "-C", str(monorepo.path)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["schema"] == "countersign/blast/v1"
    assert [(d["name"], d["depth"], d["path"]) for d in data["dependents"]] == [
        ("web", 1, ["checkout", "web"]),
        ("admin", 2, ["checkout", "web", "admin"]),
    ]
    assert main(["blast", "HEAD~1", "--format", "markdown", "-C", str(monorepo.path)]) == 0
    md = capsys.readouterr().out
    assert '```mermaid\ngraph BT\n  n0["checkout<br/>tier 1"]:::critical\n' in md
    assert "  n1 --> n0\n  n2 --> n1\n" in md


def test_a_catalog_error_is_one_line_with_the_key(monorepo, capsys):
    monorepo.commit("bad", **{".countersign/catalog.yaml": CATALOG + "    depends_on: [nope]\n"})
    monorepo.commit("next", **{"services/checkout/x.py": "x\n"})
    assert main(["blast", "HEAD~1", "-C", str(monorepo.path)]) == 3
    assert capsys.readouterr().err == (
        "countersign: error: catalog.yaml: services[1].depends_on[0]: unknown service 'nope'; "
        "add it to services, or fix the name\n"
    )


def test_an_internal_edit_lists_importers_without_reaching_them(monorepo, capsys):
    monorepo.commit("body", **{"services/checkout/checkout/api.py": "def pay(amount): return 2\n"})
    assert main(["blast", "HEAD~1", "-C", str(monorepo.path)]) == 0
    out = capsys.readouterr().out
    assert (
        "    exported surface unchanged: 1 changed files leave its exported surface alone\n"
    ) in out
    assert (
        "  └── web  [tier 3]  (services/web/web/views.py:1 imports checkout.api; not reached: "
        "only imports checkout (services/web/web/views.py:1 imports checkout.api), whose "
        "exported surface this change leaves alone)\n"
    ) in out
    assert (
        "Dependents: 2, reached: 0 (the others only import what this change leaves alone)\n" in out
    )
    assert "Score 8 = " in out


def test_json_gives_each_reached_dependent_its_edges_with_their_origins(monorepo, capsys):
    assert main(["blast", "HEAD~1", "--format", "json", "-C", str(monorepo.path)]) == 0
    data = json.loads(capsys.readouterr().out)
    admin = data["dependents"][1]
    assert (admin["name"], admin["reached"]) == ("admin", True)
    assert admin["why"] == "imports what the change alters in checkout"
    assert admin["edges"] == [
        {
            "from": "web",
            "to": "checkout",
            "origin": "services/web/web/views.py:1 imports checkout.api",
            "inferred": True,
        },
        {
            "from": "admin",
            "to": "web",
            "origin": "services/admin/catalog-info.yaml: documents[0].spec.dependsOn[0]",
            "inferred": False,
        },
    ]
    assert data["services"][0]["surface_changed"] is True
    assert data["touched_critical"] == ["checkout"]
    assert data["files"] == [
        {
            "path": "services/checkout/checkout/api.py",
            "kind": "code",
            "surface": True,
            "reason": "alters or removes 1 exported: def pay()",
        }
    ]
