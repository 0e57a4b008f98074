from fnmatch import fnmatchcase

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


def reference(pattern: str, path: str) -> bool:
    """Segment-by-segment matching, written from the documented semantics, slow but plain."""
    dir_only = pattern.endswith("/")
    pat = [s for s in pattern.split("/") if s]
    parts = [s for s in path.split("/") if s]

    def match(p: list[str], s: list[str]) -> bool:
        if not p:
            return not s
        if p[0] == "**":
            least = 1 if len(p) == 1 else 0  # a trailing ** needs something below
            return any(match(p[1:], s[i:]) for i in range(least, len(s) + 1))
        return bool(s) and fnmatchcase(s[0], p[0]) and match(p[1:], s[1:])

    last_literal = not set("*?").intersection(pat[-1]) or pat[-1] == "**"
    if dir_only:  # a directory: a proper prefix of the path
        ends = range(1, len(parts))
    elif last_literal:  # the path itself or a directory above it
        ends = range(1, len(parts) + 1)
    else:
        ends = range(len(parts), len(parts) + 1)
    return any(match(pat, parts[:end]) for end in ends)


segment = st.sampled_from(["a", "b", "ab", "*", "a*", "?", "**", "*b"])
pattern_st = st.builds(
    lambda segs, slash: "/".join(segs) + ("/" if slash else ""),
    st.lists(segment, min_size=1, max_size=4),
    st.booleans(),
)
path_st = st.lists(st.sampled_from(["a", "b", "ab", "ba", "aab"]), min_size=1, max_size=5).map(
    "/".join
)


@given(pattern_st, path_st)
@settings(max_examples=300, deadline=None)
def test_index_agrees_with_the_reference_semantics(pattern, path):
    assert matches(pattern, path) is reference(pattern, path)
