"""Property: whatever the prescreen passes, the full analysis allows too; and no text makes
the analysis raise."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from countersign.facts.shell import ShellContext, classify
from countersign.guard.decision import judge_command
from countersign.guard.prescreen import clearly_harmless

CTX = ShellContext(cwd="/work/p", project_root="/work/p", home="/home/dev")
WORDS = st.sampled_from(
    ["ls", "rm", "-rf", "/", "git", "push", "status", "'r'm", '"m"', "|", ";", "&&", "sh", "-c",
     "echo", "cat", ".env", "kubectl", "get", "delete", "x", "*", "r?", "(", ")", "python3",
     "terraform", "plan", "destroy", "~", "src/", "./a.sh", "{a,b}", "tee", "'", '"', "\n"]
)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.lists(WORDS, max_size=8))
def test_prescreen_never_passes_what_the_rules_would_stop(words):
    command = " ".join(words)
    if clearly_harmless(command, configured=False):
        assert judge_command(command, CTX).decision == "allow", command


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300))
def test_any_text_is_classified_without_raising(text):
    classify(text, "/work/p", CTX)
