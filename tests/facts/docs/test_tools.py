"""Well-known tools' removed subcommands and flags, read from documents."""

from datetime import date

import pytest

from countersign.facts.docs import Kind, Status
from countersign.facts.docs.extract import Vocabulary, references
from countersign.facts.docs.judge import History, judge
from countersign.facts.docs.tools import RETIRED
from countersign.intake.code_index import CodeIndex

NONE = Vocabulary()


def tool_refs(text: str, vocabulary: Vocabulary = NONE, path: str = "docs/deploy.md"):
    return [r.text for r in references(path, text, vocabulary) if r.kind is Kind.TOOL]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("```sh\nhelm init --upgrade\n```\n", ["helm init"]),
        ("```sh\n$ sudo helm delete --purge web\n```\n", ["helm delete --purge"]),
        ("Run `kubectl get deploy web --export -o yaml` first.\n", ["kubectl get --export"]),
        ("```sh\ngit pull --rebase=preserve origin main\n```\n", ["git pull --rebase=preserve"]),
        ("```sh\ncd app && python setup.py test\n```\n", ["python setup.py test"]),
        ("```sh\npytest --resultlog=log.txt\n```\n", ["pytest --resultlog"]),
        ("```sh\n$(aws ecr get-login --no-include-email)\n```\n", ["aws ecr get-login"]),
        ("```sh\nPATH=$(npm bin):$PATH\n```\n", ["npm bin"]),  # run inside $(...) too
        ("```sh\nexport PATH=x; npm bin\n```\n", ["npm bin"]),
    ],
)
def test_retired_commands_are_found(text, found):
    assert tool_refs(text) == found


@pytest.mark.parametrize(
    "text",
    [
        "```sh\nhelm install web ./chart\n```\n",  # still a command
        "```sh\npip install --download-cache x\n```\n",  # another flag of that prefix
        "```sh\ngit rebase --rebase-merges main\n```\n",
        "```sh\nkubectl get pods -o yaml\n```\n",
        # the line says it speaks of the older version
        "With Helm 2, first run `helm init` to install Tiller.\n",
        "```sh\nhelm init  # Tiller, Helm v2 only\n```\n",
        # said to be gone: a line about the past
        "`helm init` was removed in Helm 3.\n",
    ],
)
def test_current_forms_and_lines_about_the_old_versions_are_left_alone(text):
    assert tool_refs(text) == []


def test_a_program_this_repository_ships_is_judged_by_its_own_code():
    """helm's own repository at its v2 branch documents ``helm init``, which its code has."""
    assert tool_refs("```sh\nhelm init\n```\n", Vocabulary(commands=frozenset({"helm"}))) == []


def test_a_changelog_is_history_for_tools_too():
    assert tool_refs("* use `helm init` no more\n", path="CHANGELOG.md") == []


def test_the_finding_names_the_release_and_what_to_use():
    refs = references("docs/d.md", "```sh\npip install --download ./pkgs x\n```\n", NONE)
    [finding] = judge([r for r in refs if r.kind is Kind.TOOL], CodeIndex(frozenset()), History())
    assert finding.status is Status.REMOVED
    assert finding.stale
    assert "pip 10.0.0 (2018-04-14)" in finding.reason
    assert finding.suggestion == "pip download"


def test_every_entry_names_a_dated_release_and_a_replacement():
    for entry in RETIRED:
        assert entry.release.split("(")[-1].rstrip(")").count("-") == 2, entry
        assert entry.instead, entry


def test_a_tool_is_judged_as_it_was_on_the_day_of_the_reading():
    """The reader of a 2012 revision ran ``virtualenv --no-site-packages`` as it said; the
    reader of the same page after virtualenv 20.0.0 (2020-02-10) gets an error."""
    refs = references("docs/d.md", "```sh\nvirtualenv --no-site-packages env\n```\n", NONE)
    tool = [r for r in refs if r.kind is Kind.TOOL]
    [then] = judge(tool, CodeIndex(frozenset()), History(), as_of=date(2012, 3, 29))
    assert not then.stale
    assert then.confidence == "medium"
    assert "after 2012-03-29: it still ran then" in then.reason
    [on_the_day] = judge(tool, CodeIndex(frozenset()), History(), as_of=date(2020, 2, 10))
    assert on_the_day.stale
    [today] = judge(tool, CodeIndex(frozenset()), History())
    assert today.stale


def test_every_retired_entry_gives_the_day_of_its_release():
    assert all(entry.removed_on is not None for entry in RETIRED)
