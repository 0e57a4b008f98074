"""``countersign guard packs``: the packs and rule ids in force, and one rule explained."""

from __future__ import annotations

from countersign.main import main


def test_lists_every_shipped_pack_with_its_rule_ids(capsys, tmp_path):
    assert main(["guard", "packs", "-C", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "backup-sync: Backup and sync tools [backup-sync.toml]" in out
    assert "secrets.vault-destroy" in out


def test_explains_one_rule_with_its_examples(capsys, tmp_path):
    assert main(["guard", "packs", "secrets.vault-destroy", "-C", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("secrets.vault-destroy (secret-managers: Secret managers)\n")
    assert "severity: high; in production context: critical" in out
    assert "asked or denied:\n  vault kv destroy -versions=3 secret/payments/stripe" in out


def test_an_unknown_rule_says_where_the_ids_are(capsys, tmp_path):
    assert main(["guard", "packs", "nope.nothing", "-C", str(tmp_path)]) == 4
    assert capsys.readouterr().err == (
        "countersign: error: no rule 'nope.nothing'; `countersign guard packs` lists the rule ids\n"
    )
