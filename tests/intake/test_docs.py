"""The history searches behind stale documentation, on real repositories."""

from __future__ import annotations

from countersign.intake import docs
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


def test_a_rename_that_prepends_is_found_by_its_own_commit(repo):
    repo.commit("init", **{"app.py": OLD, "notes.py": "# FOO_LEVEL is read in app.py\n"})
    repo.commit("drop a comment", **{"notes.py": "# see app.py\n"})
    sha = repo.commit("rename", **{"app.py": OLD.replace("FOO_LEVEL", "APP_FOO_LEVEL")})
    evidence = token_history(repo.path, "HEAD", ["FOO_LEVEL"])["FOO_LEVEL"]
    assert evidence.commit == sha
    assert evidence.renamed_to == "APP_FOO_LEVEL"


def test_a_removed_line_that_starts_with_two_dashes_is_read_as_a_removed_line(repo):
    script = "#!/bin/sh\nexec tool \\\n--legacy-mode \\\n--verbose\n"
    repo.commit("init", **{"run.sh": script})
    sha = repo.commit(
        "drop the legacy mode", **{"run.sh": script.replace("--legacy-mode \\\n", "")}
    )
    assert token_history(repo.path, "HEAD", ["--legacy-mode"])["--legacy-mode"].commit == sha


def test_a_moved_line_is_not_a_removal(repo):
    repo.commit("init", **{"a.py": "X = 1\nFOO_LEVEL = 2\n", "b.py": "Y = 1\n"})
    gone = repo.commit("drop it", **{"a.py": "X = 1\n"})
    repo.commit("bring it back", **{"a.py": "X = 1\nFOO_LEVEL = 2\n"})
    repo.commit("reorder", **{"a.py": "FOO_LEVEL = 2\nX = 1\n"})
    repo.commit("remove again elsewhere", **{"c.py": "Z = 3\n"})
    history = token_history(repo.path, "HEAD", ["FOO_LEVEL"])
    # the reorder took the line out and put it back in the same file: not the evidence
    assert history["FOO_LEVEL"].commit == gone


def test_make_targets_named_through_a_variable_are_targets():
    """searxng's Makefile: ``MANAGE += test.unit`` then a rule ``$(MANAGE):`` that routes each
    to its script; ``make test.unit`` is a target."""
    from countersign.intake.docs import _make_targets

    makefile = "MANAGE += docs.html\nMANAGE += test.unit test.robot\n\n$(MANAGE):\n\t./manage $@\n"
    targets = _make_targets([makefile])
    assert targets is not None
    assert {"docs.html", "test.unit", "test.robot"} <= targets
    assert "test.pep8" not in targets
    # a rule on a variable the Makefiles never set (from the environment, an included file
    # that is built): any goal may be made
    assert _make_targets(["$(EXTRA_TARGETS):\n\techo $@\n"]) is None


def _definition_then_spelling(repo) -> tuple[str, str]:
    """A name's definition removed, three unrelated commits, then its last spelling dropped."""
    repo.commit("init", **{"ext.py": "def with_(x):\n    return x\n", "use.py": "ext.with_(1)\n"})
    gone = repo.commit("drop the definition", **{"ext.py": "def other(x):\n    return x\n"})
    for n in range(3):
        repo.commit(f"unrelated {n}", **{"more.py": f"N = {n}\n"})
    dropped = repo.commit("drop the spelling", **{"use.py": "ext.other(1)\n"})
    return gone, dropped


def test_the_search_for_a_definition_reads_on_past_a_newer_spelling(repo):
    gone, _ = _definition_then_spelling(repo)
    history = token_history(repo.path, "HEAD", [], defining=["with_"])
    assert history["with_"].commit == gone
    assert history["with_"].defined


def test_the_search_for_a_definition_stops_after_its_bound(repo):
    # a name whose definition lies further back than the bound keeps the newest spelling's
    # commit rather than reading the whole history
    _, dropped = _definition_then_spelling(repo)
    history = token_history(repo.path, "HEAD", [], defining=["with_"], read_on=2)
    assert history["with_"].commit == dropped


def test_code_replaced_by_an_import_from_the_library_its_subject_names_went_there(repo):
    old = 'import os\n\nTENANT = os.environ.get("OS_TENANT")\n'
    repo.commit("init", **{"app/auth.py": old, "app/util.py": "X = 1\n"})
    sha = repo.commit("auth-lib: api.auth", **{"app/auth.py": "from auth_lib.api import *\n"})
    evidence = token_history(repo.path, "HEAD", ["OS_TENANT"])["OS_TENANT"]
    assert (evidence.commit, evidence.to_library) == (sha, "auth_lib")


def test_an_import_of_the_repositorys_own_code_or_of_python_is_no_library(repo):
    old = 'import os\n\nTENANT = os.environ.get("OS_TENANT")\nOTHER = os.environ.get("OS_OTHER")\n'
    repo.commit("init", **{"app/auth.py": old, "app/util.py": "X = 1\n"})
    repo.commit(
        "app: read from util",
        **{
            "app/auth.py": old.replace(
                'TENANT = os.environ.get("OS_TENANT")\n', "from app.util import X\n"
            )
        },
    )
    repo.commit("json config", **{"app/auth.py": "import json\n"})
    history = token_history(repo.path, "HEAD", ["OS_TENANT", "OS_OTHER"])
    assert history["OS_TENANT"].to_library == history["OS_OTHER"].to_library == ""


def test_a_translation_catalog_is_no_code(repo):
    """openstack-ansible's translation import took ``ANSIBLE_GIT_REPO`` out of ``.po`` files
    years after the code stopped reading it: the code's commit is the evidence."""
    repo.commit("init", **{"boot.sh": 'echo "$ANSIBLE_GIT_REPO"\n', "locale/de.po": "x\n"})
    gone = repo.commit("install from pypi", **{"boot.sh": "pip install ansible\n"})
    po = 'msgid "set ``ANSIBLE_GIT_REPO``"\nmsgstr "setzt ``ANSIBLE_GIT_REPO``"\n'
    repo.commit("translations", **{"locale/de.po": po})
    repo.commit("imported translations", **{"locale/de.po": "x\n"})
    assert token_history(repo.path, "HEAD", ["ANSIBLE_GIT_REPO"])["ANSIBLE_GIT_REPO"].commit == gone


def test_an_import_of_the_named_library_in_another_file_is_not_where_the_name_went(repo):
    """horizon's "Fix compatibility issues with Django 1.10" dropped ``TEMPLATE_DIRS`` from
    its settings and imported ``django`` in some tests: Django took the setting away."""
    repo.commit("init", **{"app/settings.py": "TEMPLATE_DIRS = ()\n", "app/tests.py": "X = 1\n"})
    repo.commit(
        "Fix compatibility issues with Django 1.10",
        **{"app/settings.py": "TEMPLATES = []\n", "app/tests.py": "import django\nX = 1\n"},
    )
    assert token_history(repo.path, "HEAD", ["TEMPLATE_DIRS"])["TEMPLATE_DIRS"].to_library == ""


def test_needles_too_many_for_one_pattern_are_looked_for_in_parts(repo):
    """nautobot's documents ask about thousands of names: one pattern of them all is more than
    git's PCRE accepts, and git grep fails (exit 128). Every name must not then read as absent
    (43 settings the code reads were reported removed): the needles are looked for in parts."""
    repo.commit("start", **{"app/settings.py": "import os\nos.getenv('SHIPIT_DB_NAME')\n"})
    many = [f"SHIPIT_NEEDLE_{i:05}_abcdefghijkl" for i in range(2000)]
    assert docs.present(repo.path, "HEAD", [*many, "SHIPIT_DB_NAME"]) == {"SHIPIT_DB_NAME"}


def test_the_code_index_takes_the_manifests_already_read_and_reads_only_the_rest(repo):
    """``review_docs`` reads the manifests once for the vocabulary; the index uses those texts
    (the ones given here differ from the tree's, so a second read would show)."""
    repo.commit(
        "init",
        **{
            "pyproject.toml": '[project]\nname = "shipit"\n',
            "package.json": '{"scripts": {"build": "x"}}\n',
            "Makefile": "lint:\n\ttrue\n",
        },
    )
    paths = ["pyproject.toml", "package.json", "Makefile"]
    read = {
        "pyproject.toml": '[tool.hatch.build.targets.wheel.shared-data]\n"share/t" = "share/x/t"\n',
        "package.json": '{"scripts": {"serve": "x"}}\n',
    }
    index = docs.code_index(repo.path, "HEAD", paths, [], read=read)
    assert index.installed == (("share/x/t", "share/t"),)
    assert index.scripts == frozenset({"serve"})
    assert index.make_targets == frozenset({"lint"})


def test_a_makefile_that_includes_a_part_from_a_submodule_may_make_any_goal(repo):
    """crossplane's Makefile ``-include build/makelib/common.mk`` from its ``build`` submodule,
    which defines ``generate``: a goal the tree's Makefile does not name is not missing."""
    makefile = "-include build/makelib/common.mk\n\nlint:\n\ttrue\n"
    repo.commit("init", Makefile=makefile)
    index = docs.code_index(repo.path, "HEAD", ["Makefile"], [], submodules=["build"])
    assert index.make_targets is None
    index = docs.code_index(repo.path, "HEAD", ["Makefile"], [], submodules=["vendor/x"])
    assert index.make_targets == frozenset({"lint"})
