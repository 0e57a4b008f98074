"""``countersign init`` reads the repository (services, CODEOWNERS, history); ``config check``
validates the working tree's configuration with the gate's messages."""

from __future__ import annotations

import json

import pytest

from countersign.config import load_config
from countersign.decision.policy import default_policy_text, load_policy
from countersign.errors import ExitCode
from countersign.intake.tree import DirTree
from countersign.main import main

BACKSTAGE = """apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: checkout}
spec: {type: service, owner: payments, lifecycle: production}
"""


@pytest.fixture
def monorepo(repo):
    """Go, npm workspaces and Python packages, CODEOWNERS, Backstage, and three authors."""
    repo.commit(
        "init",
        author="Alice A <alice@acme.dev>",
        **{
            "services/api/go.mod": "module github.com/acme/shop/services/api\n\ngo 1.22\n",
            "package.json": json.dumps(
                {"name": "shop", "workspaces": ["services/web", "packages/*"]}
            ),
            "services/web/package.json": json.dumps({"name": "@acme/web"}),
            "packages/ui/package.json": json.dumps({"name": "@acme/ui"}),
            "examples/demo/package.json": json.dumps({"name": "not-a-workspace"}),
            "node_modules/left-pad/package.json": json.dumps({"name": "left-pad"}),
            "libs/billing/pyproject.toml": '[project]\nname = "acme-billing"\n',
            ".github/CODEOWNERS": (
                "* @acme/platform\n/services/api/ @acme/payments @alice\n"
                "/services/ @acme/backend\n/services/web/ @acme/web\n"
            ),
            "services/api/catalog-info.yaml": BACKSTAGE,
        },
    )
    repo.commit("two", author="Bob B <bob@acme.dev>", README="b\n")
    repo.commit("three", author="Bob B <bob@acme.dev>", README="c\n")
    repo.commit(
        "bump",
        author="dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>",
        README="d\n",
    )
    return repo


def services(repo) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    catalog = load_config(repo.path, tree=DirTree(repo.path)).catalog
    return {s.name: (s.paths, s.owners) for s in catalog.services}


def test_init_finds_the_services_of_modules_workspaces_and_packages(monorepo, capsys):
    assert main(["init", "-C", str(monorepo.path)]) == 0
    found = services(monorepo)
    assert found["api"][0] == ("services/api/**",)
    assert found["web"][0] == ("services/web/**",)
    assert found["ui"][0] == ("packages/ui/**",)
    assert found["acme-billing"][0] == ("libs/billing/**",)
    assert "not-a-workspace" not in found  # a package.json the workspaces do not list
    assert "left-pad" not in found
    assert "checkout" in found  # Backstage, read at check time
    assert "shop" not in found  # the root manifest only lists the workspaces


def test_owners_come_from_the_codeowners_rule_that_decides_each_service(monorepo):
    main(["init", "-C", str(monorepo.path)])
    found = services(monorepo)
    assert found["api"][1] == ("payments",)  # the team of the most specific rule
    assert found["web"][1] == ("web",)  # /services/web/ comes after /services/
    assert found["acme-billing"][1] == ("platform",)
    text = (monorepo.path / ".countersign" / "catalog.yaml").read_text()
    assert "# .github/CODEOWNERS:2" in text


def test_the_roster_skeleton_lists_active_humans_with_levels_left_to_fill_in(monorepo, capsys):
    main(["init", "-C", str(monorepo.path)])
    text = (monorepo.path / ".countersign" / "people.yaml").read_text()
    roster = load_config(monorepo.path).roster
    assert [p.id for p in roster.people] == ["bob", "alice"]  # most commits first
    assert all(p.level is None for p in roster.people)
    assert sum(line.startswith("    # level: FILL IN") for line in text.splitlines()) == 2
    assert "dependabot" not in text
    assert "(backend, payments, platform, web)" in text
    out = capsys.readouterr().out
    assert "set each person's level in people.yaml (marked FILL IN)" in out


def test_init_writes_no_sample_catalog_outside_the_demo(repo):
    repo.commit("init", README="a\n")
    assert main(["init", "-C", str(repo.path)]) == 0
    text = (repo.path / ".countersign" / "catalog.yaml").read_text()
    assert "checkout" not in text
    assert "services: []" in text
    assert load_config(repo.path).catalog.services == ()


def test_init_outside_git_still_writes_a_set_that_loads(tmp_path):
    assert main(["init", "-C", str(tmp_path)]) == 0
    policy = load_policy((tmp_path / ".countersign" / "policy.yaml").read_text())
    assert {r.id for r in policy.rules} >= {"ai-assisted-below-senior", "critical-system"}


def test_init_refuses_to_overwrite_without_force(tmp_path, capsys):
    main(["init", "-C", str(tmp_path)])
    assert main(["init", "-C", str(tmp_path)]) == ExitCode.USAGE
    assert "pass --force" in capsys.readouterr().err


def test_config_check_passes_what_init_wrote_and_counts_levels_to_fill_in(monorepo, capsys):
    main(["init", "-C", str(monorepo.path)])
    capsys.readouterr()
    assert main(["config", "check", "-C", str(monorepo.path)]) == 0
    out = capsys.readouterr().out
    rules = len(load_policy(default_policy_text()).rules)
    assert f"ok    .countersign/policy.yaml: {rules} rules" in out
    assert "2 levels still to fill in (FILL IN)" in out


def test_config_check_reports_an_uncommitted_error_in_the_gates_words(repo, capsys):
    repo.commit("init", **{"a.txt": "a\n"})
    bad = "rules:\n  - id: x\n    autor: 1\n"
    repo.write(".countersign/policy.yaml", bad)
    repo.write(".countersign/people.yaml", "people:\n  - {id: a, level: boss}\n")
    assert main(["config", "check", "-C", str(repo.path)]) == ExitCode.USAGE
    out = capsys.readouterr().out
    assert "error: policy.yaml: rules[0].autor: unknown field 'autor'" in out
    assert "error: people.yaml: people[0].level: expected one of junior" in out
    # the gate says the same once it is committed
    repo.commit("config")
    repo.git("checkout", "-q", "-b", "f")
    repo.commit("w", **{"b.txt": "b\n"})
    assert main(["check", "-C", str(repo.path)]) == ExitCode.USAGE
    gate = capsys.readouterr().err.removeprefix("countersign: error: ").strip()
    assert f"error: {gate}" in out


def test_config_check_without_configuration_says_to_run_init(repo, capsys):
    repo.commit("init", **{"a.txt": "a\n"})
    assert main(["config", "check", "-C", str(repo.path)]) == ExitCode.USAGE
    assert "run `countersign init` first" in capsys.readouterr().out


def test_init_pins_this_machines_ledger_key(repo, capsys):
    from countersign.signoff.keys import load_or_create
    from countersign.signoff.pins import parse_pins

    repo.commit("init", README="a\n")
    assert main(["init", "-C", str(repo.path)]) == 0
    pins = parse_pins((repo.path / ".countersign" / "ledger-keys").read_text(), "ledger-keys")
    mine = load_or_create(repo.path / ".git" / "countersign")
    assert [p.key_id for p in pins.pins] == [mine.key_id]
    assert f"pinned this machine's key {mine.key_id}" in capsys.readouterr().out


def test_init_force_keeps_the_pins_already_there(repo):
    repo.commit("init", README="a\n")
    main(["init", "-C", str(repo.path)])
    keys = repo.path / ".countersign" / "ledger-keys"
    keys.write_text(keys.read_text() + "ed25519:" + "A" * 43 + "=  ci-runner\n")
    before = keys.read_text()
    assert main(["init", "--force", "-C", str(repo.path)]) == 0
    assert keys.read_text() == before


@pytest.mark.parametrize(
    "url",
    [
        "https://github.com/acme/shop.git",
        "git@github.com:acme/shop.git",
        "https://github.com/acme/shop",
    ],
)
def test_init_pins_the_github_repository_of_origin_as_the_forge(repo, capsys, url):
    repo.commit("init", **{"README.md": "shop\n"})
    repo.git("remote", "add", "origin", url)
    assert main(["init", "-C", str(repo.path)]) == 0
    assert "forge: reviews confirmed with GitHub for acme/shop" in capsys.readouterr().out
    policy = load_policy((repo.path / ".countersign" / "policy.yaml").read_text())
    assert policy.forge.repository == "acme/shop"
    assert policy.forge.api == "https://api.github.com"


def test_init_without_a_github_origin_pins_no_forge_and_says_so(repo, capsys):
    repo.commit("init", **{"README.md": "shop\n"})
    repo.git("remote", "add", "origin", "https://gitlab.example.com/acme/shop.git")
    assert main(["init", "-C", str(repo.path)]) == 0
    assert "forge: no github.com origin; set forge.repository" in capsys.readouterr().out
    policy = load_policy((repo.path / ".countersign" / "policy.yaml").read_text())
    assert policy.forge.repository == ""
