"""GitHub Actions workflows: token permissions widened, a fork's code run with secrets, and
outsider-written text expanded into shell; each with its safe counterpart."""

from __future__ import annotations

from hazard_cases import diff, kinds

WORKFLOW = ".github/workflows/ci.yml"
BASE = "on: pull_request\npermissions:\n  contents: read\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: make test\n"


def test_write_all_is_reported_and_read_all_is_not():
    hazards = diff(
        WORKFLOW,
        BASE.replace("  contents: read\n", "").replace(
            "permissions:\n", "permissions: write-all\n"
        ),
        BASE,
    )
    assert kinds(hazards) == ["ci.permissions_write_all"]
    assert (
        diff(
            WORKFLOW,
            BASE.replace("  contents: read\n", "").replace(
                "permissions:\n", "permissions: read-all\n"
            ),
            BASE,
        )
        == ()
    )


def test_a_scope_newly_given_write_is_widening_and_id_token_ranks_higher():
    new = BASE.replace(
        "  contents: read\n", "  contents: read\n  id-token: write\n  packages: write\n"
    )
    hazards = diff(WORKFLOW, new, BASE)
    assert sorted(
        (h.detail.split(" newly grants ")[1].split(":")[0], h.severity.value) for h in hazards
    ) == [
        ("id-token", "high"),
        ("packages", "medium"),
    ]
    assert diff(WORKFLOW, new, new) == ()


def test_job_level_write_all_counts_too():
    new = BASE.replace(
        "    runs-on: ubuntu-latest\n", "    runs-on: ubuntu-latest\n    permissions: write-all\n"
    )
    (hazard,) = diff(WORKFLOW, new, BASE)
    assert (hazard.kind, hazard.resource) == ("ci.permissions_write_all", "job test")


def test_removing_the_permissions_block_falls_back_to_the_default():
    new = BASE.replace("permissions:\n  contents: read\n", "")
    assert kinds(diff(WORKFLOW, new, BASE)) == ["ci.permissions_widened"]


PRT = """on:
  pull_request_target:
    types: [opened, synchronize]
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          ref: ${{ github.event.pull_request.head.sha }}
      - run: npm ci && npm test
"""


def test_pull_request_target_checking_out_the_head_is_critical():
    (hazard,) = diff(WORKFLOW, PRT)
    assert (hazard.kind, hazard.severity.value, hazard.resource) == (
        "ci.untrusted_checkout",
        "critical",
        "build",
    )


def test_pull_request_target_on_the_base_and_pull_request_on_the_head_are_safe():
    base_only = PRT.replace(
        "        with:\n          ref: ${{ github.event.pull_request.head.sha }}\n", ""
    )
    assert diff(WORKFLOW, base_only) == ()
    assert diff(WORKFLOW, PRT.replace("pull_request_target", "pull_request")) == ()


def test_a_head_fetched_by_git_in_a_run_step_counts():
    new = PRT.replace(
        "        with:\n          ref: ${{ github.event.pull_request.head.sha }}\n",
        "      - run: git fetch origin refs/pull/${{ github.event.number }}/head && git checkout FETCH_HEAD\n",
    )
    assert "ci.untrusted_checkout" in kinds(diff(WORKFLOW, new))


def test_outsider_text_expanded_into_a_script_is_injection_and_env_is_safe():
    risky = BASE.replace(
        "      - run: make test\n", '      - run: echo "${{ github.event.pull_request.title }}"\n'
    )
    (hazard,) = diff(WORKFLOW, risky, BASE)
    assert hazard.kind == "ci.expression_injection"
    safe = BASE.replace(
        "      - run: make test\n",
        '      - run: echo "$TITLE"\n        env:\n          TITLE: ${{ github.event.pull_request.title }}\n',
    )
    assert diff(WORKFLOW, safe, BASE) == ()


def test_what_the_old_workflow_already_had_is_not_reported_again():
    assert diff(WORKFLOW, PRT + "# comment\n", PRT) == ()
