"""Protected paths: writing, deleting, truncating, moving away or opening for writing the files
that hold countersign's records and the project's pipeline."""

from __future__ import annotations

import pytest

from countersign.facts.shell import Severity, ShellContext, classify
from countersign.guard.prescreen import clearly_harmless
from countersign.guard.settings import PROTECTED_PATHS

ROOT = "/work/project"
CTX = ShellContext(cwd=ROOT, project_root=ROOT, home="/home/dev", protected_paths=PROTECTED_PATHS)


@pytest.mark.parametrize(
    ("command", "said"),
    [
        ("rm .git/countersign/agent-edits.jsonl", "deletes .git/countersign/agent-edits.jsonl"),
        ("unlink .countersign/policy.yaml", "deletes .countersign/policy.yaml"),
        ("rm -f .countersign/ledger.db", "deletes .countersign/ledger.db"),
        ("truncate -s 0 .git/countersign/agent-edits.jsonl", "truncates .git/countersign"),
        ("mv .countersign/ledger.db /tmp/old.db", "moves away .countersign/ledger.db"),
        ("sqlite3 .countersign/ledger.db 'DROP TRIGGER entries_no_delete'", "opens for writing"),
        ("cp other.yml .github/workflows/ci.yml", "writes .github/workflows/ci.yml"),
        ("echo '{}' > .claude/settings.json", "writes .claude/settings.json"),
    ],
)
def test_touching_a_protected_path_is_asked(command, said):
    (finding,) = [f for f in classify(command, ROOT, CTX) if f.rule == "edit.protected-path"]
    assert said in finding.reason
    assert not clearly_harmless(command, configured=True)


@pytest.mark.parametrize(
    "command",
    [
        "rm notes.txt",
        "truncate -s 0 build.log",
        "mv draft.md docs/guide.md",
        "sqlite3 -readonly .countersign/ledger.db 'SELECT count(*) FROM entries'",
        "sqlite3 app.db 'SELECT 1'",
        "cp .github/workflows/ci.yml /tmp/ci.yml",
    ],
)
def test_everything_else_leaves_protected_paths_alone(command):
    assert [f for f in classify(command, ROOT, CTX) if f.rule == "edit.protected-path"] == []


@pytest.mark.parametrize(
    ("command", "said"),
    [
        ("rm /etc/nginx/sites-enabled/default", "'/etc/nginx/sites-enabled/default', a file of"),
        ("sudo rm -f /boot/grub/grub.cfg", "'/boot/grub/grub.cfg', a file of"),
        ("cd /usr/lib && rm libssl.so.3", "'libssl.so.3', a file of"),
        ("unlink /etc/resolv.conf", "'/etc/resolv.conf', a file of"),
        ("mv orders.db /dev/null", "mv onto /dev/null"),
        ("mv -t /dev/null orders.db", "mv onto /dev/null"),
    ],
)
def test_deleting_a_file_the_system_needs_is_asked(command, said):
    (finding,) = [f for f in classify(command, ROOT, CTX) if f.rule == "fs.system-delete"]
    assert finding.severity is Severity.HIGH
    assert said in finding.reason
    assert not clearly_harmless(command, configured=False)


@pytest.mark.parametrize(
    "command",
    [
        "rm ./etc/nginx.conf",  # the project's own etc/
        "rm /tmp/nginx.conf",
        "rm /var/log/app/old.log",
        "rm /usr/local/bin/mytool",  # one's own software
        "mv orders.db backup/orders.db",
        "mv /dev/shm/x.lock ./x.lock",
        "cat /etc/nginx/nginx.conf > /dev/null",
    ],
)
def test_files_outside_the_system_trees_are_not_system_deletes(command):
    assert [f for f in classify(command, ROOT, CTX) if f.rule == "fs.system-delete"] == []
