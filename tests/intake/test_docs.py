"""The history searches behind stale documentation, on real repositories."""

from __future__ import annotations

from countersign.intake.docs import token_history

OLD = 'import os\n\nLEVEL = os.environ.get("FOO_LEVEL")  # FOO_LEVEL sets the level\n'


def test_a_rename_to_a_longer_name_is_the_newest_evidence_not_an_older_removal(repo):
    repo.commit("init", **{"app.py": OLD, "notes.py": "# FOO_LEVEL is read in app.py\n"})
    repo.commit("drop a comment", **{"notes.py": "# see app.py\n"})
    renamed = OLD.replace("FOO_LEVEL", "FOO_LEVEL_V2")
    sha = repo.commit("rename the variable", **{"app.py": renamed})
    evidence = token_history(repo.path, "HEAD", ["FOO_LEVEL"])["FOO_LEVEL"]
    assert evidence.commit == sha
    assert evidence.renamed_to == "FOO_LEVEL_V2"
    assert evidence.defined  # the code read it from the environment: it was its own


def test_a_word_inside_a_longer_word_is_not_an_occurrence(repo):
    repo.commit("init", **{"app.py": "X = 'FOO_LEVEL_MAX'\nY = 'FOO_LEVEL'\n"})
    first = repo.commit("remove the variable", **{"app.py": "X = 'FOO_LEVEL_MAX'\n"})
    repo.commit("change the longer one", **{"app.py": "X = 'FOO_LEVEL_MAXIMUM'\n"})
    assert token_history(repo.path, "HEAD", ["FOO_LEVEL"])["FOO_LEVEL"].commit == first
