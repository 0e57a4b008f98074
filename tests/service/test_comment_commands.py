import pytest

from countersign.errors import UsageError
from countersign.service.comment_commands import Command, parse


def test_commands_and_their_quoted_options_are_parsed():
    assert parse("/countersign") == Command("explain")
    assert parse("/countersign refresh\nthanks!") == Command("refresh")
    assert parse('/countersign break-glass --reason "site down" --incident INC-1') == Command(
        "break-glass", {"reason": "site down", "incident": "INC-1"}
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "/countersign approve",
            "unknown command 'approve'; use one of explain, refresh, record, break-glass",
        ),
        ("/countersign refresh --force", "/countersign refresh does not take '--force'"),
        ("/countersign record --summary", "--summary needs a value"),
        (
            '/countersign record --summary "unclosed',
            "cannot read the command: No closing quotation",
        ),
    ],
)
def test_bad_commands_say_what_to_write(body, message):
    with pytest.raises(UsageError) as raised:
        parse(body)
    assert str(raised.value) == message
