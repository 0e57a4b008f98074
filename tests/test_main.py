from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from countersign.errors import ExitCode
from countersign.main import main


def test_help_documents_every_exit_code(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for code in ExitCode:
        assert f"  {int(code)} " in out or f"  {int(code)}  " in out


def test_unknown_option_is_a_usage_error(capsys):
    assert main(["check", "--no-such-option"]) == ExitCode.USAGE
    assert "No such option" in capsys.readouterr().err


def test_not_a_repository_is_one_line_without_traceback(tmp_path, capsys):
    assert main(["check", "-C", str(tmp_path)]) == ExitCode.INPUT
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "is not inside a git repository" in err
    assert "Traceback" not in err


def test_python_dash_m_runs_the_same_command():
    out = subprocess.run(
        [sys.executable, "-m", "countersign", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.startswith("countersign, version ")


def test_a_bug_becomes_a_report_file_and_exit_70(monkeypatch, capsys):
    import countersign.commands.scan as scan_module

    def boom(files, fmt):
        raise RuntimeError("kaboom")

    monkeypatch.setattr(scan_module, "scan", boom)
    assert main(["scan", "x"]) == ExitCode.INTERNAL
    err = capsys.readouterr().err
    assert "internal error (RuntimeError: kaboom)" in err
    assert "countersign-crash-" in err


def test_the_bug_report_goes_where_countersign_crash_dir_says_not_the_system_temp(
    monkeypatch, capsys, tmp_path
):
    import tempfile

    import countersign.commands.scan as scan_module

    def boom(files, fmt):
        raise RuntimeError("kaboom")

    system = Path(tempfile.gettempdir())
    before = set(system.glob("countersign-crash-*"))
    monkeypatch.setattr(scan_module, "scan", boom)
    monkeypatch.setenv("COUNTERSIGN_CRASH_DIR", str(tmp_path / "reports"))
    assert main(["scan", "x"]) == ExitCode.INTERNAL
    assert len(list((tmp_path / "reports").glob("countersign-crash-*.log"))) == 1
    assert set(system.glob("countersign-crash-*")) == before
