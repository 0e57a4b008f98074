from __future__ import annotations

from countersign.config import load_config
from countersign.decision.policy import load_policy
from countersign.errors import ExitCode
from countersign.main import main


def test_init_writes_a_starter_set_that_loads(tmp_path, capsys):
    assert main(["init", "-C", str(tmp_path)]) == 0
    folder = tmp_path / ".countersign"
    policy = load_policy((folder / "policy.yaml").read_text())
    assert {r.id for r in policy.rules} >= {"ai-assisted-below-senior", "critical-system"}
    assert "# " in (folder / "policy.yaml").read_text()
    config = load_config(tmp_path)
    assert config.catalog.service("checkout") is not None
    assert config.roster.find("alice@example.com") is not None


def test_init_refuses_to_overwrite_without_force(tmp_path, capsys):
    main(["init", "-C", str(tmp_path)])
    assert main(["init", "-C", str(tmp_path)]) == ExitCode.USAGE
    assert "pass --force" in capsys.readouterr().err
