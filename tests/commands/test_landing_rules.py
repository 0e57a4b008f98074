"""Rules come from the branch the change lands on, not from the merge-base the author picked by
forking from an old commit."""

from __future__ import annotations

STRICT = """
version: 9
rules:
  - id: every-change-needs-a-senior
    description: Every change needs a senior
    when: "true"
    require:
      approvals: {count: 1, min_level: senior}
"""
LAX = "version: 1\nrules: []\n"


def test_a_branch_forked_before_a_stricter_policy_is_judged_by_it(project, cs, capsys):
    project.git("checkout", "-q", "main")
    project.commit("lax", **{".countersign/policy.yaml": LAX})
    project.git("checkout", "-q", "-B", "old-fork")
    project.commit("work", **{"docs/guide.md": "two\n"})
    project.git("checkout", "-q", "main")
    project.commit("strict", **{".countersign/policy.yaml": STRICT})
    project.git("checkout", "-q", "old-fork")
    capsys.readouterr()
    assert cs(project, "check") == 1
    assert "every-change-needs-a-senior" in capsys.readouterr().out


def test_a_person_removed_from_the_roster_cannot_approve_an_old_fork(project, cs, capsys):
    people = (project.path / ".countersign/people.yaml").read_text()
    mallory = (
        "  - {id: mallory, emails: [mallory@example.com], level: principal, teams: [search]}\n"
    )
    project.git("checkout", "-q", "main")
    project.commit(
        "hire",
        **{
            ".countersign/people.yaml": people.replace("agents:", mallory + "agents:"),
            ".countersign/policy.yaml": STRICT,
        },
    )
    project.git("checkout", "-q", "-B", "old-fork")
    project.commit("work", **{"docs/guide.md": "two\n"})
    project.git("checkout", "-q", "main")
    project.commit("leaves", **{".countersign/people.yaml": people})
    project.git("checkout", "-q", "old-fork")
    capsys.readouterr()
    assert cs(project, "approve", "--as", "mallory") != 0
    assert cs(project, "check") == 1
