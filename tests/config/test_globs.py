import pytest

from countersign.config.globs import PathIndex, compile_glob


def matches(pattern: str, path: str, *, floating: bool = False) -> bool:
    index = PathIndex([compile_glob(pattern, 0, "svc", floating=floating)])
    return any(True for _ in index.matches(path))


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        ("services/checkout/**", "services/checkout/app.py", True),
        ("services/checkout/**", "services/checkout/a/b/c.py", True),
        ("services/checkout/**", "services/checkout-v2/app.py", False),
        ("services/checkout", "services/checkout/app.py", True),  # a directory covers its files
        ("services/checkout/", "services/checkout/app.py", True),
        ("services/checkout/", "services/checkout", False),  # trailing slash: directories only
        ("services/*/api.py", "services/cart/api.py", True),
        ("services/*/api.py", "services/cart/v1/api.py", False),  # * stays in one directory
        ("services/**/api.py", "services/api.py", True),  # ** spans zero directories
        ("services/**/api.py", "services/cart/v1/api.py", True),
        ("**/migrations/*.sql", "db/orders/migrations/001.sql", True),
        ("**/migrations/*.sql", "migrations/001.sql", True),
        ("**/migrations/*.sql", "db/migrations/sub/001.sql", False),
        ("libs/py?/x", "libs/py3/x", True),
        ("libs/py?/x", "libs/py/x", False),
        ("libs/[ab]*/x", "libs/beta/x", True),
        ("libs/[!ab]*/x", "libs/beta/x", False),
        ("*.md", "README.md", True),
        ("*.md", "docs/guide.md", False),  # catalog globs are anchored at the root
        ("docs/*", "docs/guide.md", True),
        ("docs/*", "docs/sub/guide.md", False),
        ("Services/checkout/**", "services/checkout/app.py", False),  # case-sensitive
        ("/infra/**", "infra/main.tf", True),
    ],
)
def test_catalog_glob_semantics(pattern, path, expected):
    assert matches(pattern, path) is expected


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        ("*.js", "src/app/index.js", True),  # no slash: any depth
        ("docs/", "src/docs/guide.md", True),
        ("/docs/", "src/docs/guide.md", False),
        ("apps/github", "apps/github/x.go", True),
        ("apps/github", "src/apps/github/x.go", False),  # an inner slash anchors it
        ("**/logs", "deeply/nested/logs/today.log", True),
        ("docs/*", "docs/build-app/troubleshooting.md", False),  # GitHub's documented example
        ("*", "anything/at/all.txt", True),
    ],
)
def test_codeowners_patterns_float_without_a_slash(pattern, path, expected):
    assert matches(pattern, path, floating=True) is expected


def test_index_returns_every_match_across_depths():
    globs = [
        compile_glob("services/**", 0, "platform"),
        compile_glob("services/checkout/**", 1, "checkout"),
        compile_glob("**/*.py", 2, "python"),
        compile_glob("services/cart/**", 3, "cart"),
    ]
    found = {g.value for g in PathIndex(globs).matches("services/checkout/app.py")}
    assert found == {"platform", "checkout", "python"}


def test_specificity_counts_literal_directories_then_characters():
    assert compile_glob("a/b/**", 0, None).specificity == (2, 2)
    assert compile_glob("a/*/c.py", 0, None).specificity == (1, 5)
