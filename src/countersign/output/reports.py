"""``--report FORMAT=FILE``: the same result in other formats, written to files from one run."""

from __future__ import annotations

from pathlib import Path

from countersign.errors import InputError, UsageError
from countersign.output import FORMATS


def parse_reports(
    values: tuple[str, ...], formats: tuple[str, ...] = FORMATS
) -> list[tuple[str, Path]]:
    reports: list[tuple[str, Path]] = []
    for value in values:
        fmt, sep, file = value.partition("=")
        if not sep or fmt not in formats or not file:
            raise UsageError(
                f"--report {value!r}: expected FORMAT=FILE with FORMAT one of "
                f"{', '.join(formats)}, e.g. {formats[-1]}=countersign.{formats[-1]}"
            )
        reports.append((fmt, Path(file)))
    return reports


def write_report(file: Path, text: str) -> None:
    try:
        file.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write --report {file}: {exc.strerror or exc}") from None
