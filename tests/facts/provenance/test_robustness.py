"""Whatever a commit message, note or PR body holds, provenance reports; it never crashes."""

from hypothesis import given, settings
from hypothesis import strategies as st

from countersign.facts.context import Context
from countersign.facts.provenance import analyze
from countersign.intake.change import Change, Commit
from countersign.intake.pull_request import PullRequest

PIECES = st.sampled_from(
    [
        "Co-authored-by: ",
        "Assisted-by: ",
        "Generated-by:",
        "<noreply@anthropic.com>",
        "---\n",
        '{"schema_version": "authorship/3.0.0", "prompts": {"k": {"agent_id": {"tool": "claude"}}}}',
        '{"version": "0.1.0", "files": [{"conversations": [{"ranges": [{"start_line": 1}]}]}]}',
        "  k 1-",
        "3,",
        "\n",
        "## AI disclosure\n",
        "- [x] ",
        "Generated with ",
        "Claude",
        "[bot]",
    ]
)
TEXT = st.lists(st.one_of(PIECES, st.text(max_size=20)), max_size=20).map("".join)


@settings(max_examples=25, deadline=None)
@given(message=TEXT, note=TEXT, body=TEXT)
def test_arbitrary_text_never_crashes(message, note, body):
    commit = Commit("a" * 40, "n", "e@x", "n", "e@x", 0, message, notes={"ai": note}, lines_added=3)
    change = Change(None, None, "cs1:x", commits=(commit,), pull_request=PullRequest(1, body=body))
    result = analyze(change, Context())
    assert result.confidence.rank >= 0
    assert result.ai_share is None or 0.0 <= result.ai_share <= 1.0
