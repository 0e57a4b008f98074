"""A long-running process remembers base listings and configurations between the changes it
opens, keyed by content: a configuration edited on the base is read afresh, one left alone is
not parsed again, and two repositories with the same files share the parse, each keeping its
own root."""

from __future__ import annotations

from datetime import UTC, datetime

from countersign.intake.repository import open_repository
from countersign.intake.selection import ChangeSelection
from countersign.memo import Memo
from countersign.workspace import Environment, open_change

PEOPLE = "people:\n  - {id: alice, emails: [alice@example.com], level: senior}\n"
MORE_PEOPLE = PEOPLE + "  - {id: carol, emails: [carol@example.com], level: staff}\n"
CODEOWNERS = "pay/ @acme/payments\n"


def environment(tmp_path):
    return Environment(
        ledger=str(tmp_path / "ledger.db"),
        state_dir=tmp_path / "state",
        clock=lambda: datetime(2026, 6, 1, 12, tzinfo=UTC),
    )


def opened(repo, tmp_path, base, head, memo):
    selection = ChangeSelection(base=base, head=head)
    return open_change(open_repository(repo.path), selection, environment(tmp_path), memo=memo)


def branch(repo, name, start, **files):
    repo.git("checkout", "-q", "-B", name, start)
    return repo.commit(f"work on {name}", **files)


def test_a_base_that_moved_without_touching_its_configuration_reuses_the_parse(repo, tmp_path):
    first = repo.commit("init", **{".countersign/people.yaml": PEOPLE, "app.py": "x = 1\n"})
    head = branch(repo, "topic", first, **{"app.py": "x = 2\n"})
    repo.git("checkout", "-q", "main")
    moved = repo.commit("unrelated", **{"other.py": "y = 1\n"})
    memo = Memo()
    one = opened(repo, tmp_path, first, head, memo)
    two = opened(repo, tmp_path, moved, head, memo)
    assert two.context.config.roster is one.context.config.roster
    assert two.policy is one.policy


def test_a_configuration_edited_on_the_base_is_read_again(repo, tmp_path):
    first = repo.commit("init", **{".countersign/people.yaml": PEOPLE, "app.py": "x = 1\n"})
    head = branch(repo, "topic", first, **{"app.py": "x = 2\n"})
    repo.git("checkout", "-q", "main")
    edited = repo.commit("carol joins", **{".countersign/people.yaml": MORE_PEOPLE})
    memo = Memo()
    assert opened(repo, tmp_path, first, head, memo).context.config.roster.find("carol") is None
    again = opened(repo, tmp_path, edited, head, memo)
    assert again.context.config.roster.find("carol") is not None


def test_codeowners_edited_on_the_base_is_read_again(repo, tmp_path):
    """The catalog is read from CODEOWNERS too, outside .countersign/: its blob is in the key."""
    first = repo.commit("init", **{"pay/app.py": "x = 1\n"})
    head = branch(repo, "topic", first, **{"pay/app.py": "x = 2\n"})
    repo.git("checkout", "-q", "main")
    owned = repo.commit("owners", CODEOWNERS=CODEOWNERS)
    memo = Memo()
    before = opened(repo, tmp_path, first, head, memo).context.config.catalog
    after = opened(repo, tmp_path, owned, head, memo).context.config.catalog
    assert before != after


def test_two_repositories_with_the_same_files_share_the_parse_not_the_root(make_repo, tmp_path):
    memo = Memo()
    seen = []
    for name in ("one", "two"):
        repo = make_repo(name)
        base = repo.commit("init", **{".countersign/people.yaml": PEOPLE, "app.py": "x = 1\n"})
        head = branch(repo, "topic", base, **{"app.py": "x = 2\n"})
        seen.append(opened(repo, tmp_path / name, base, head, memo).context.config)
    assert seen[0].roster is seen[1].roster
    assert [c.root for c in seen] == [str(tmp_path / "one"), str(tmp_path / "two")]


def test_a_base_listed_once_is_not_listed_again(repo, tmp_path):
    base = repo.commit("init", **{"app.py": "x = 1\n", "lib.py": "y = 1\n"})
    head = branch(repo, "topic", base, **{"app.py": "x = 2\n"})
    memo = Memo()
    one = opened(repo, tmp_path, base, head, memo)
    two = opened(repo, tmp_path, base, head, memo)
    assert one.tree is not None
    assert two.tree is not None
    assert two.tree.blobs() is one.tree.blobs()
    assert set(two.tree.paths()) == {"app.py", "lib.py"}
