from pathlib import Path

import pytest

from countersign.errors import InputError
from countersign.intake.pull_request import parse_pull_request, read_pull_request

GITHUB = Path(__file__).parents[1] / "fixtures" / "github"


def test_reads_a_real_pull_request_event():
    pr = read_pull_request(GITHUB / "pull_request.opened.json")
    assert (pr.number, pr.labels, pr.head_ref, pr.author) == (2, ("bug",), "changes", "Codertocat")
    assert pr.body.startswith("This is a pretty simple change")


def test_accepts_the_pull_request_object_alone():
    assert parse_pull_request({"number": 5, "body": None, "labels": None}).body == ""


def test_other_json_is_an_input_error_that_says_what_to_pass(tmp_path):
    bad = tmp_path / "push.json"
    bad.write_text('{"ref": "refs/heads/main"}')
    with pytest.raises(InputError, match="not a GitHub pull_request event"):
        read_pull_request(bad)
    bad.write_text("{")
    with pytest.raises(InputError, match="not JSON"):
        read_pull_request(bad)
