from pathlib import Path

import pytest

from countersign.config.sources import read_catalog
from countersign.errors import ConfigError
from countersign.intake.tree import DirTree


def write(root: Path, files: dict[str, str]) -> DirTree:
    for rel, text in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return DirTree(root)


def test_catalog_yaml_backstage_and_codeowners_combine(tmp_path):
    tree = write(
        tmp_path,
        {
            "services/web/catalog-info.yaml": (
                "kind: Component\nmetadata: {name: web}\n"
                "spec: {owner: web-team, dependsOn: ['component:checkout', 'component:nope']}\n"
            ),
            "services/checkout/catalog-info.yaml": "kind: Component\nmetadata: {name: checkout}\n",
            ".github/CODEOWNERS": "* @acme/platform\n",
            "CODEOWNERS": "* @acme/ignored\n",
        },
    )
    text = "services:\n  - name: checkout\n    paths: [services/checkout/**]\n    tier: 1\n"
    catalog = read_catalog(text, tree)
    assert [s.name for s in catalog.services] == ["checkout", "web"]
    checkout = catalog.service("checkout")
    assert checkout is not None
    assert checkout.tier == 1  # catalog.yaml wins over the Backstage file
    assert catalog.codeowners is not None
    assert catalog.codeowners.file == ".github/CODEOWNERS"  # GitHub's first location
    assert [str(p) for p in catalog.problems] == [
        (
            "services/checkout/catalog-info.yaml: documents[0]: service 'checkout' is already "
            "defined in catalog.yaml; that definition wins and this one is ignored"
        ),
        (
            "services/web/catalog-info.yaml: documents[0].spec.dependsOn[1]: unknown service "
            "'nope'; add it to services, or fix the name; the edge is ignored"
        ),
    ]
    assert [(e.source, e.target) for e in catalog.edges] == [("web", "checkout")]


def test_catalog_yaml_may_depend_on_a_backstage_service(tmp_path):
    tree = write(
        tmp_path, {"libs/auth/catalog-info.yaml": "kind: Component\nmetadata: {name: auth}\n"}
    )
    catalog = read_catalog("services:\n  - name: api\n    depends_on: [auth]\n", tree)
    assert [(e.source, e.target) for e in catalog.edges] == [("api", "auth")]


def test_catalog_yaml_errors_still_stop(tmp_path):
    with pytest.raises(ConfigError, match=r"services\[0\]\.depends_on\[0\]: unknown service"):
        read_catalog("services:\n  - name: api\n    depends_on: [auth]\n", DirTree(tmp_path))
