"""Configuration that cannot be read is an error naming the file, never the packaged default."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("name", "content", "why"),
    [
        ("policy.yaml", b"version: 9\n\0rules: []\n", "holds a NUL byte"),
        ("people.yaml", b"people: []\n\xff\n", "is not valid UTF-8 (byte 11)"),
    ],
)
def test_an_unreadable_config_file_is_an_error_not_the_default(
    project, cs, capsys, name, content, why
):
    project.git("checkout", "-q", "main")
    project.write(f".countersign/{name}", content)
    project.commit("break config")
    project.git("checkout", "-q", "feature")
    project.git("rebase", "-q", "main")
    project.commit("work", **{"docs/guide.md": "two\n"})
    capsys.readouterr()
    assert cs(project, "check") == 3
    err = capsys.readouterr().err
    assert f".countersign/{name}: {why}" in err
