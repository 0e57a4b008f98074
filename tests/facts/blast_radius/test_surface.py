import re

from changes import modified
from hypothesis import given, settings
from hypothesis import strategies as st

from countersign.facts.blast_radius.surface import change_kind, classify, go, python, typescript
from countersign.intake.change import FileChange, FileStatus

GO = """package store

// Get returns the value.
func Get(k string) (string, error) { return lookup(k) }

func lookup(k string) (string, error) { return "", nil }

type Store struct {
\tName string
}

func (s *Store) Put(k string) error { return nil }
func (s *store) hidden() {}

const (
\tVersion = "1"
\tinternal = 2
)
"""


def test_go_surface_is_the_exported_declarations_without_bodies():
    assert sorted(go.surface(GO)) == [
        'const Version = "1"',
        "func ( s * Store ) Put ( k string ) error",
        "func Get ( k string ) ( string , error )",
        "package store",
        "type Store struct { Name string ; }",
    ]


def test_go_unexported_and_body_edits_leave_the_surface_alone():
    edited = GO.replace('return "", nil', 'return "x", nil').replace("internal = 2", "internal = 3")
    assert go.surface(edited) == go.surface(GO)
    assert go.surface(GO.replace("Name string", "Name int")) != go.surface(GO)


def test_python_all_limits_the_public_names_and_bodies_do_not_count():
    text = '__all__ = ["f"]\nimport os\n\ndef f(a, b=1):\n    return a\n\ndef g(x):\n    pass\n'
    assert sorted(python.surface(text)) == ["__all__ = ['f']", "def f(a, b=1)"]
    assert python.surface(text.replace("return a", "return b")) == python.surface(text)
    assert python.surface(text.replace("b=1", "b=2")) != python.surface(text)


def test_python_imports_are_surface_only_as_reexports():
    text = "from .kv import get\nimport os\n"
    assert python.surface(text, "pkg/mod.py") == frozenset()
    assert python.surface(text, "pkg/__init__.py") == {
        "from .kv import get as get",
        "import os as os",
    }


def test_typescript_exports_without_bodies_and_named_export_clauses():
    text = "function g(a) { return a }\nexport { g };\nexport const k = 3;\nconst hidden = 1;\n"
    assert sorted(typescript.surface(text, "a.ts")) == [
        "export const k = 3 ;",
        "export { g } ;",
        "g: function g ( a ) {}",
    ]
    assert typescript.surface(text.replace("return a", "return 2"), "a.ts") == typescript.surface(
        text, "a.ts"
    )
    assert typescript.surface(text.replace("hidden = 1", "hidden = 2"), "a.ts") == (
        typescript.surface(text, "a.ts")
    )


def test_kinds_of_files_and_of_a_change():
    def kind(path: str, old: str = "a", new: str = "b") -> str:
        return classify(modified(path, old, new)).kind

    assert kind("docs/guide.md") == "docs"
    assert kind("pkg/a_test.go") == "tests"
    assert kind("web/src/a.spec.ts") == "tests"
    assert kind("api/v1/api.pb.go") == "generated"
    assert kind("x.go", "package x\n// a\n", "package x\n// b\n") == "comments"
    assert kind("x.go", "package x\n", "package y\n") == "code"
    files = [classify(FileChange(p, FileStatus.MODIFIED)) for p in ("README.md", "a_test.go")]
    assert change_kind(files) == "tests"
    assert change_kind([]) == "none"


def test_pure_additions_alter_nothing_dependents_use():
    f = FileChange(
        "x.go", FileStatus.MODIFIED, old_text="package x\n", new_text="package x\nfunc New() {}\n"
    )
    assert classify(f).surface is False
    assert classify(f).reason == "adds 1 exported names, alters none"
    gone = FileChange("x.go", FileStatus.DELETED, old_text="package x\nfunc Old() {}\n")
    assert classify(gone).surface is True


def test_unparsable_code_counts_as_surface_with_the_reason():
    f = FileChange("x.py", FileStatus.MODIFIED, old_text="def f(:\n", new_text="x = 1\n")
    result = classify(f)
    assert result.surface is True
    assert result.reason.startswith("cannot parse Python (")


@given(st.text(max_size=200))
def test_any_text_classifies_without_raising(text):
    for path in ("a.go", "a.py", "a.ts", "a.tsx", "a.js"):
        result = classify(FileChange(path, FileStatus.MODIFIED, old_text=text, new_text=text + "x"))
        assert result.kind in {"comments", "code", "generated"}


# The tokenizer as it was written first, one match per token: the reference the one-pass
# tokenizer must agree with on any text.
_REFERENCE = re.compile(
    r"""(?P<nl>\n)
    |(?P<space>[ \t\r\ufeff]+)
    |(?P<comment>//[^\n]*|/\*.*?\*/)
    |(?P<string>"(?:[^"\\\n]|\\.)*"|`[^`]*`|'(?:[^'\\\n]|\\.)*')
    |(?P<word>[\w.]+)
    |(?P<other>.)""",
    re.VERBOSE | re.DOTALL,
)


def _reference_tokens(text: str) -> list[str]:
    from countersign.facts.blast_radius.surface.go import _ENDS, _ends_statement

    out: list[str] = []
    pos = 0
    while pos < len(text):
        match = _REFERENCE.match(text, pos)
        assert match is not None
        kind, tok = str(match.lastgroup), match.group()
        pos = match.end()
        if kind == "nl" or (kind == "comment" and "\n" in tok):
            if out and (out[-1] in _ENDS or _ends_statement(out[-1])):
                out.append(";")
        elif kind not in {"space", "comment"}:
            out.append(tok)
    return out


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab_.9 \t\r\n\ufeff\"`'/\\*{}()[];+-é")), max_size=60))
def test_go_tokens_in_one_pass_are_the_tokens_of_one_match_at_a_time(text):
    from countersign.facts.blast_radius.surface.go import tokens

    assert tokens(text) == _reference_tokens(text)


_GO_LINES = [
    "package p\n",
    "func F() {\n",
    "func (t *T) M(a int) (string, error) {\n",
    "func G[K comparable](k K) struct{ X int } { return struct{ X int }{} }\n",
    "}\n",
    "\treturn `x\n",
    "func H() {` + y\n",
    "type T struct {\n",
    "type U = map[string]int\n",
    "\tA, b int\n",
    "/* c\n",
    "*/\n",
    "var (\n",
    ")\n",
    "const C, d = 1, 2\n",
    'var S = "s\\\n',
    "var R = '\\\n",
    "x / *p\n",
    'import "fmt"\n',
    "var X = 1 +\n",
    "func(){}\n",
    "\t}\n",
    "// func Hidden()\n",
    "typeX := 1\n",
    "var _ = []int{\n",
    "}}\n",
    ")(\n",
]


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(_GO_LINES), max_size=30), st.booleans())
def test_go_surface_read_in_pieces_is_the_surface_of_the_whole_text(lines, newline_at_end):
    from countersign.facts.blast_radius.surface import go

    text = "".join(lines)
    text = text if newline_at_end else text.rstrip("\n")
    whole = go._surface_of(go._declarations(go.tokens(text))[0])
    assert go.surface(text) == whole


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(_GO_LINES), max_size=30), st.booleans())
def test_go_pieces_known_whole_without_their_names_are_those_read_whole(lines, newline_at_end):
    from countersign.facts.blast_radius.surface import go

    text = "".join(lines)
    text = text if newline_at_end else text.rstrip("\n")
    for piece in (text, *go._pieces(text)):
        assert go._whole(piece) == go._piece(piece)[1]


@settings(max_examples=800, deadline=None)
@given(
    st.lists(st.sampled_from(_GO_LINES), max_size=20),
    st.lists(
        st.tuples(st.integers(0, 20), st.integers(0, 3), st.sampled_from(_GO_LINES)), max_size=4
    ),
)
def test_go_surface_lost_and_added_by_an_edit_are_those_of_both_texts_read_whole(lines, edits):
    """An edit replacing a few lines (or inserting, or deleting them): what the pieces that
    differ give is what the two whole surfaces give, the same declaration in a shared piece and
    an edited one (which cannot compile), and pieces that cannot be read alone, too."""
    from countersign.facts.blast_radius.surface import go

    new = list(lines)
    for at, drop, line in edits:
        new[at : at + drop] = [line]
    old_text, new_text = "".join(lines), "".join(new)
    before, after = go.surface(old_text), go.surface(new_text)
    assert go.difference(old_text, new_text) == (before - after, after - before)


def test_go_a_declaration_moved_between_pieces_is_neither_lost_nor_added():
    from countersign.facts.blast_radius.surface import go

    old = "package p\n\nfunc A() {}\n\nfunc B(x int) {}\n\nfunc C() {}\n"
    new = "package p\n\nfunc A() { return }\n\nfunc C() {}\n\nfunc B(x int) {}\n"
    assert go.difference(old, new) == (frozenset(), frozenset())
    dup = "package p\n\nfunc A() {}\n\nfunc A() {}\n"
    assert go.difference(dup, "package p\n\nfunc A() { x }\n\nfunc A() {}\n") == (
        frozenset(),
        frozenset(),
    )


_LINE_START = re.compile(r"^(?:func|type|var|const|import)\b", re.MULTILINE)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.sampled_from([*_GO_LINES, "funcs\n", "\nfunc", "types", "\r\nvar x", "é", "\n"]),
        max_size=20,
    )
)
def test_go_pieces_start_where_a_line_starts_a_declaration(parts):
    """Looked for from each newline: the lines (but the first) that ``^`` finds."""
    from countersign.facts.blast_radius.surface import go

    text = "".join(parts)
    assert go._starts(text) == [m.start() for m in _LINE_START.finditer(text) if m.start()]
