from countersign.facts.risk.trailers import COLUMNS, bugs, columns

NOVA_LIKE = """Fix the resize of a shelved instance

The compute manager read the flavor
before the migration record was saved.

DocImpact
UpgradeImpact: operators must restart nova-compute
Closes-Bug: #1712345
Partial-Bug: 1698765
Related-Bug: #1600001
Partially-Implements: blueprint resize-shelved
Depends-On: I0123456789abcdef0123456789abcdef01234567
Depends-On: https://review.opendev.org/c/openstack/placement/+/123
Co-Authored-By: Jane Doe <jane@example.com>
Change-Id: Ia1b2c3d4e5f60718293a4b5c6d7e8f9012345678
"""


def test_each_trailer_column_has_its_documented_value():
    got = columns(NOVA_LIKE)
    assert set(got) == set(COLUMNS)
    assert got == {
        "tr_closes": 1.0,
        "tr_partial": 1.0,
        "tr_related": 1.0,
        "tr_blueprint": 1.0,
        "tr_depends": 2.0,
        "tr_coauthors": 1.0,
        "tr_impact": 2.0,
        "tr_change_id": 1.0,
        "msg_body": float(len("The compute manager read the flavor"))
        + len("before the migration record was saved."),
    }


def test_the_bugs_named_each_once_closing_wins():
    message = "Retry\n\nRelated-Bug: #1712345\nCloses-Bug: #1712345\nPartial-Bug: 1698765"
    assert bugs(message) == (("1712345", True), ("1698765", False))
    assert bugs(NOVA_LIKE) == (("1712345", True), ("1698765", False), ("1600001", False))


def test_a_mention_in_prose_is_not_a_trailer():
    message = (
        "Explain the impact on performance\n\nThis closes-bug handling was odd: see bug 1712345."
        "\nThe change-id of the other review is unknown."
    )
    got = columns(message)
    assert bugs(message) == ()
    assert (got["tr_closes"], got["tr_impact"], got["tr_change_id"]) == (0.0, 0.0, 0.0)


def test_a_one_line_message_has_no_body_and_no_trailers():
    assert columns("Update .gitignore") == dict.fromkeys(COLUMNS, 0.0)
