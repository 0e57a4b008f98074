"""The risk cache's files are written whole, also by two writers at once (two ``risk mine`` runs
of one repository): each replaces the file with its own complete copy, and neither fails."""

from __future__ import annotations

import json
import threading

from countersign.state.risk import REPO_HISTORY_FILE, save_repo_history


def test_two_writers_at_once_each_leave_a_whole_file(tmp_path):
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def write(n: int) -> None:
        start.wait()
        try:
            for i in range(40):
                save_repo_history(tmp_path, f"head-{n}-{i}", {"files": {"a.py": [n] * 200}})
        except BaseException as exc:  # noqa: BLE001 - the test reports what a writer met
            errors.append(exc)

    writers = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for w in writers:
        w.start()
    for w in writers:
        w.join()
    assert errors == []
    saved = json.loads((tmp_path / REPO_HISTORY_FILE).read_text(encoding="utf-8"))
    assert saved["head"].startswith("head-")
    assert [p.name for p in tmp_path.iterdir()] == [REPO_HISTORY_FILE]  # no temporary left
