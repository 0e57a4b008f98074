"""The current policy's point on the replay curve: the newest changes replayed in shadow mode,
a junior's AI-assisted change gated, a senior's docs change not."""

from __future__ import annotations

from countersign.evidence.changes import Settings, gather
from countersign.workspace import ledger_for


def test_the_newest_changes_are_replayed(project, ai_trailer, bob):
    gated_sha = project.commit("docs: clarify" + ai_trailer, author=bob,
                               **{"docs/guide.md": "one\ntwo\n"})  # fmt: skip
    free_sha = project.commit("docs: typo", author="Alice <alice@example.com>",
                              **{"docs/guide.md": "one\ntwo!\n"})  # fmt: skip
    found = gather(project.path, ledger_for(project.path),
                   Settings(failure="incidents", policy_replay=2))  # fmt: skip
    by_id = {r.id: r for r in found.records}
    assert by_id[gated_sha].gated is True
    assert by_id[free_sha].gated is False
    assert len([r for r in found.records if r.gated is not None]) == 2
    assert any("current policy replayed on the newest 2 changes" in n for n in found.notes)
