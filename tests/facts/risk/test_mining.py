import subprocess

import pytest
from histories import DAY, T0, commit_at

from countersign.errors import InputError
from countersign.facts.risk.mining import parse_records
from countersign.state.history import label, mine
from countersign.state.risk import load, load_history, save
from countersign.state.risk import risk_dir as state_dir


def test_parse_records_reads_renames_and_binary_files_split_across_chunks():
    stream = (
        b"\x1eaaa\x1f100\x1fa@x\x1f\x1fAdd\n\x1d\x00\n3\t0\ta.py\x00-\t-\tlogo.png\x00"
        b"\x1ebbb\x1f200\x1fb@x\x1faaa\x1fMove\n\x1d\x00\n1\t1\t\x00a.py\x00b.py\x00"
    )
    records = list(parse_records(iter([stream[:17], stream[17:50], stream[50:]])))
    assert [r[0][0] for r in records] == ["aaa", "bbb"]
    (a, png), (moved,) = records[0][1], records[1][1]
    assert (a.path, a.added, png.added) == ("a.py", 3, None)
    assert (moved.old_path, moved.path, moved.added, moved.deleted) == ("a.py", "b.py", 1, 1)


def test_second_run_reads_only_new_commits_and_matches_a_full_run(repo):
    commit_at(repo, T0, "alice", "Add", **{"a.py": "1\n"})
    commit_at(repo, T0 + DAY, "bob", "More", **{"a.py": "1\n2\n"})
    state = state_dir(repo.path)
    save(mine(repo.path), state)
    new = commit_at(repo, T0 + 2 * DAY, "alice", "Fix a", **{"a.py": "1\n3\n"})
    seen = []
    index = mine(repo.path, load(state), progress=seen.append)
    assert seen == [1]
    assert [c.metrics for c in index.commits] == [c.metrics for c in mine(repo.path).commits]
    assert index.head == new
    save(index, state)
    assert load_history(state) == index.history


def test_state_lives_in_the_git_directory(repo):
    assert state_dir(repo.path) == (repo.path / ".git" / "countersign" / "risk").resolve()


def test_a_rewritten_history_is_mined_again_from_scratch(repo):
    commit_at(repo, T0, "alice", "Add", **{"a.py": "1\n"})
    commit_at(repo, T0 + DAY, "bob", "More", **{"a.py": "1\n2\n"})
    index = mine(repo.path)
    repo.git("reset", "-q", "--hard", "HEAD~1")
    commit_at(repo, T0 + 2 * DAY, "carol", "Other", **{"b.py": "b\n"})
    again = mine(repo.path, index)
    assert [c.author for c in again.commits] == ["alice@example.com", "carol@example.com"]


def test_a_shallow_clone_is_mined_as_far_as_it_goes(repo, tmp_path):
    for n in range(4):
        commit_at(repo, T0 + n * DAY, "alice", f"Step {n}", **{"a.py": "x\n" * (n + 1)})
    commit_at(repo, T0 + 9 * DAY, "bob", "Fix a", **{"a.py": "y\n"})
    clone = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "2", f"file://{repo.path}", str(clone)], check=True
    )
    index = mine(clone)
    assert index.shallow
    assert len(index.commits) == 2
    labels = label(clone, index, gap_days=0)
    assert labels.note.startswith("shallow clone")


def test_odd_encodings_and_binary_files_do_not_stop_mining(repo):
    commit_at(repo, T0, "alice", "Add", **{"ä/naïve.txt": "x\n"})
    (repo.path / "blob.bin").write_bytes(bytes(range(256)))
    repo.git("add", "-A")
    repo.git("-c", "i18n.commitEncoding=latin-1", "commit", "-q", "-m", "caf\xe9")
    index = mine(repo.path)
    assert index.commits[0].metrics["ns"] == 1
    assert index.commits[1].metrics["nf"] == 1


def test_an_empty_repository_says_there_is_nothing_to_mine(repo):
    with pytest.raises(
        InputError, match=r"HEAD is not a commit \(an empty repository\?\); nothing to mine"
    ):
        mine(repo.path)
