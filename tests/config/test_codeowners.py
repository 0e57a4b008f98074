from countersign.config.codeowners import owner_team, parse_codeowners

CODEOWNERS = """\
# Default owners
*                   @acme/platform
*.sql               @acme/dba  # inline comment
/services/checkout/ @acme/payments jane@example.com
/services/checkout/vendored/
docs/*              @docs-writer
"""


def test_last_matching_line_wins():
    owners = parse_codeowners(CODEOWNERS, ".github/CODEOWNERS")
    m = owners.match("services/checkout/db/001.sql")
    assert m is not None
    assert (m.owners, m.line, m.pattern) == (
        ("@acme/payments", "jane@example.com"),
        4,
        "/services/checkout/",
    )
    assert owners.match("db/001.sql").owners == ("@acme/dba",)


def test_line_without_owners_unowns_its_paths():
    m = parse_codeowners(CODEOWNERS, "CODEOWNERS").match("services/checkout/vendored/lib.py")
    assert m is not None
    assert m.owners == ()
    assert m.line == 5


def test_docs_star_does_not_reach_nested_directories():
    owners = parse_codeowners(CODEOWNERS, "CODEOWNERS")
    assert owners.match("docs/index.md").owners == ("@docs-writer",)
    assert owners.match("docs/api/index.md").owners == ("@acme/platform",)


def test_no_match_without_a_catch_all():
    assert parse_codeowners("/src/ @acme/dev\n", "CODEOWNERS").match("README.md") is None


def test_syntax_errors_name_file_and_line_and_skip_the_line():
    text = (
        "!secret.txt @acme/sec\nsrc/[ab].py @acme/dev\n\\#notes @acme/dev\nlib/ payments\nok/ @ok\n"
    )
    owners = parse_codeowners(text, ".github/CODEOWNERS")
    assert [str(p) for p in owners.problems] == [
        (
            ".github/CODEOWNERS:1: pattern '!secret.txt': negation with '!' is not supported by "
            "CODEOWNERS; line ignored"
        ),
        (
            ".github/CODEOWNERS:2: pattern 'src/[ab].py': character ranges '[ ]' are not supported "
            "by CODEOWNERS; line ignored"
        ),
        (
            ".github/CODEOWNERS:3: pattern '\\\\#notes': escaping with '\\' is not supported by "
            "CODEOWNERS; line ignored"
        ),
        (
            ".github/CODEOWNERS:4: 'payments' is not an owner; write @user, @org/team or an email "
            "address; line ignored"
        ),
    ]
    assert [r.line for r in owners.rules] == [5]


def test_team_handles_read_as_team_names():
    assert owner_team("@acme/payments") == "payments"
    assert owner_team("@jane") is None
    assert owner_team("jane@example.com") is None
