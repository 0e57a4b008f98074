"""Go's exported surface: the top-level declarations of exported names (``func F``, methods of
exported types, ``type T``, ``var``/``const`` groups' exported entries) with function bodies
left out, and the ``package`` clause. A change inside a function body, to an unexported name or
to a comment leaves it alone; a changed signature, struct field, interface method, exported
constant or variable changes it.

Not understood: which exported names other packages really use; build constraints.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator

# Spaces before a token are taken with it (possessively, so trailing spaces never become a
# token); then one of: a newline, a comment, a string, a word, or any other character.
_TOKEN = re.compile(
    r"""[ \t\r\ufeff]*+
    (\n|//[^\n]*|/\*.*?\*/|"(?:[^"\\\n]|\\.)*"|`[^`]*`|'(?:[^'\\\n]|\\.)*'|[\w.]+|.)""",
    re.VERBOSE | re.DOTALL,
)
_OPEN, _CLOSE = "({[", ")}]"
# After these a newline ends a statement (the spec's automatic semicolons).
_ENDS = frozenset({")", "}", "]", "++", "--"})
_KEYWORDS_ENDING = frozenset({"break", "continue", "fallthrough", "return"})


def tokens(text: str) -> list[str]:
    """Go tokens without comments and spaces; a newline that ends a statement is ``;``. One
    ``findall`` (a loop in C) reads the whole text: a 10,000-line file takes a third of the
    time a match per token took. Only a comment starts with ``/`` and is longer than it."""
    out: list[str] = []
    append = out.append
    for tok in _TOKEN.findall(text):
        first = tok[0]
        if first == "\n" or (first == "/" and len(tok) > 1):
            if (
                (first == "\n" or "\n" in tok)
                and out
                and (out[-1] in _ENDS or _ends_statement(out[-1]))
            ):
                append(";")
        else:
            append(tok)
    return out


def _ends_statement(tok: str) -> bool:
    return (tok[0].isalnum() or tok[0] in "_\"`'") and (
        tok not in _GO_KEYWORDS or tok in _KEYWORDS_ENDING
    )


_GO_KEYWORDS = frozenset(
    [
        "break",
        "case",
        "chan",
        "const",
        "continue",
        "default",
        "defer",
        "else",
        "fallthrough",
        "for",
        "func",
        "go",
        "goto",
        "if",
        "import",
        "interface",
        "map",
        "package",
        "range",
        "return",
        "select",
        "struct",
        "switch",
        "type",
        "var",
    ]
)


# A line that starts a top-level declaration in formatted Go: where the text is cut into pieces
# (after the newline). Looked for from a newline, not as ``^`` of a line: the engine then only
# tries where a newline is, a third of the time over Nomad's edited files.
_PIECE_START = re.compile(r"\n(?=(?:func|type|var|const|import)\b)")
# Tokens that are left alone only where a string or comment does not end before the piece
# does: a piece ending with one open was not cut between two tokens.
_UNTERMINATED = frozenset({"`", '"', "'"})


def surface(text: str) -> frozenset[str]:
    """Each exported top-level declaration as one normalised line.

    The text is read in pieces, each from a line that starts a declaration to the next one,
    and each piece's names are kept by its text: the old and new texts of an edited file share
    all but the pieces the edit touched, so the new text costs only those. A piece holds for
    the whole text when it ends between two tokens with every bracket closed and its last
    declaration ended; when one does not (a raw string or comment holding such a line, code
    that is not formatted), the whole text is read at once."""
    starts = _starts(text)
    if not starts:
        return _piece(text)[0]
    found: set[str] = set()
    for start, end in zip([0, *starts], [*starts, len(text)], strict=True):
        names, whole = _piece(text[start:end])
        if not whole and end != len(text):
            return _surface_of(_declarations(tokens(text))[0])
        found.update(names)
    return frozenset(found)


def difference(old: str, new: str) -> tuple[frozenset[str], frozenset[str]]:
    """``(surface(old) - surface(new), surface(new) - surface(old))``, from the pieces the two
    texts do not share. A shared piece adds the same names to both sides, so it matters only
    for whether the texts may be read in pieces at all (``_whole``, cheaper than reading its
    names) and for a name one side's own pieces declare and a shared piece declares too
    (which cannot compile): that is looked for only when a shared piece holds every word of
    the declaration, and then the shared pieces are read."""
    old_pieces, new_pieces = _pieces(old), _pieces(new)
    shared = set(old_pieces).intersection(new_pieces)
    for pieces in (old_pieces, new_pieces):
        for piece in pieces[:-1]:
            if not (_whole(piece) if piece in shared else _piece(piece)[1]):
                before, after = surface(old), surface(new)
                return before - after, after - before
    before = _declared(p for p in old_pieces if p not in shared)
    after = _declared(p for p in new_pieces if p not in shared)
    lost, added = before - after, after - before
    if any(_may_declare(name, shared) for name in (*lost, *added)):
        common = _declared(shared)
        lost, added = lost - common, added - common
    return lost, added


def _pieces(text: str) -> list[str]:
    """The text cut where ``surface`` cuts it: at each line (but the first) that starts a
    top-level declaration."""
    starts = _starts(text)
    return [text[a:b] for a, b in zip([0, *starts], [*starts, len(text)], strict=True)]


def _starts(text: str) -> list[int]:
    """Where each line but the first that starts a top-level declaration starts."""
    return [m.end() for m in _PIECE_START.finditer(text)]


def _declared(pieces: Iterable[str]) -> frozenset[str]:
    found: set[str] = set()
    for piece in pieces:
        found.update(_piece(piece)[0])
    return frozenset(found)


def _may_declare(name: str, pieces: set[str]) -> bool:
    """Whether one of ``pieces`` may declare ``name`` (a normalised declaration): every run of
    non-spaces in it is part of one token of the piece that declares it, so of its text."""
    runs = sorted(set(name.split()), key=len, reverse=True)
    return any(all(run in piece for run in runs) for piece in pieces)


_BRACKETS = frozenset(_OPEN + _CLOSE)
_NESTING = str.maketrans(_OPEN + _CLOSE, "((()))")


@functools.lru_cache(maxsize=32768)
def _whole(text: str) -> bool:
    """``_piece(text)[1]`` without reading the declarations: from the raw tokens alone (the
    same ``findall``), no string left open, no ``/`` then ``*``, the brackets nested and closed
    (checked on a string of them), and the last token one that a newline after it ends (or a
    ``;``). Brackets closed only because a stray closing one is ignored: ``_piece``."""
    raw = _TOKEN.findall(text)
    if not _UNTERMINATED.isdisjoint(raw) or _slash_star(raw):
        return False
    nesting = "".join(filter(_BRACKETS.__contains__, raw)).translate(_NESTING)
    while "()" in nesting:
        nesting = nesting.replace("()", "")
    if nesting:
        return _piece(text)[1]
    newline = False
    for tok in reversed(raw):
        if tok[0] == "\n" or (tok[0] == "/" and len(tok) > 1):
            newline = newline or "\n" in tok
            continue
        return tok == ";" or (newline and (tok in _ENDS or _ends_statement(tok)))
    return True


def _slash_star(raw: list[str]) -> bool:
    """A ``/`` token then a ``*`` one, with only newlines and comments between them."""
    at = -1
    while True:
        try:
            at = raw.index("/", at + 1)
        except ValueError:
            return False
        after = at + 1
        while after < len(raw) and (raw[after][0] == "\n" or raw[after][:2] in {"//", "/*"}):
            after += 1
        if after < len(raw) and raw[after] == "*":
            return True


@functools.lru_cache(maxsize=32768)
def _piece(text: str) -> tuple[frozenset[str], bool]:
    """The exported declarations in a piece of a file read alone, and whether the piece ends
    where the whole file's reading would be at the same point: between tokens (no string or
    comment left open: ``_UNTERMINATED``, or ``/`` then ``*``), brackets closed, and its last
    declaration ended by a ``;``."""
    toks = tokens(text)
    declarations, ended = _declarations(toks)
    return _surface_of(declarations), ended and not _open_token(toks)


def _open_token(toks: list[str]) -> bool:
    if not _UNTERMINATED.isdisjoint(toks):
        return True
    at = -1
    while True:  # each "/" found by ``index``, a loop in C: divisions are common in bodies
        try:
            at = toks.index("/", at + 1)
        except ValueError:
            return False
        if toks[at + 1 : at + 2] == ["*"]:
            return True


def _surface_of(declarations: list[list[str]]) -> frozenset[str]:
    found: set[str] = set()
    for decl in declarations:
        head = decl[0]
        if head == "package":
            found.add(" ".join(decl))
        elif head == "func":
            signature = _func_signature(decl)
            if signature:
                found.add(signature)
        elif head in {"type", "var", "const"}:
            found.update(_specs(head, decl[1:]))
    return frozenset(found)


def _declarations(toks: list[str]) -> tuple[list[list[str]], bool]:
    """Top-level declarations: the tokens from a keyword to the ``;`` at depth 0; and whether
    the tokens end at depth 0 with the last declaration ended."""
    out: list[list[str]] = []
    current: list[str] = []
    depth = 0
    for tok in toks:
        if tok in _OPEN:
            depth += 1
        elif tok in _CLOSE:
            depth = max(0, depth - 1)
        if depth == 0 and tok == ";":
            if current:
                out.append(current)
            current = []
            continue
        current.append(tok)
    if current:
        out.append(current)
    return out, depth == 0 and not current


def _func_signature(decl: list[str]) -> str | None:
    """``func (r *T) Name(args) results`` without the body; None for an unexported name or a
    method of an unexported type."""
    rest = decl[1:]
    receiver = ""
    if rest and rest[0] == "(":
        end = _matching(rest, 0)
        receiver_tokens = rest[: end + 1]
        words = [t for t in receiver_tokens if _is_word(t)]
        receiver_type = words[1] if len(words) > 1 else words[0] if words else ""
        if not _exported(receiver_type.split(".")[-1]):
            return None
        receiver = " ".join(receiver_tokens)
        rest = rest[end + 1 :]
    if not rest or not _exported(rest[0]):
        return None
    body = _body_start(rest)
    return " ".join(["func", receiver, *rest[:body]]).replace("  ", " ")


def _body_start(rest: list[str]) -> int:
    """Where the body's ``{`` is: the first ``{`` at depth 0 after the parameters, unless it
    opens a ``struct{}`` or ``interface{}`` type in the results."""
    depth = 0
    for i, tok in enumerate(rest):
        if tok == "{" and depth == 0 and i > 0 and rest[i - 1] not in {"struct", "interface"}:
            return i
        if tok in _OPEN:
            depth += 1
        elif tok in _CLOSE:
            depth -= 1
    return len(rest)


def _specs(head: str, rest: list[str]) -> Iterator[str]:
    if not rest or rest[0] != "(":
        if any(_exported(n) for n in _names(rest)):
            yield f"{head} {' '.join(rest)}"
        return
    end = _matching(rest, 0)
    spec: list[str] = []
    depth = 0
    for tok in [*rest[1:end], ";"]:
        if tok in _OPEN:
            depth += 1
        elif tok in _CLOSE:
            depth -= 1
        if depth == 0 and tok == ";":
            if any(_exported(n) for n in _names(spec)):
                yield f"{head} {' '.join(spec)}"
            spec = []
            continue
        spec.append(tok)


def _names(spec: list[str]) -> list[str]:
    """The declared names a spec starts with: ``a, B`` of ``a, B int = 1, 2``."""
    names: list[str] = []
    for i, tok in enumerate(spec):
        if i % 2 == 0:
            if not _is_word(tok):
                break
            names.append(tok)
        elif tok != ",":
            break
    return names


def _matching(toks: list[str], start: int) -> int:
    depth = 0
    for i in range(start, len(toks)):
        if toks[i] in _OPEN:
            depth += 1
        elif toks[i] in _CLOSE:
            depth -= 1
            if depth == 0:
                return i
    return len(toks) - 1


def _is_word(tok: str) -> bool:
    return bool(tok) and (tok[0].isalpha() or tok[0] == "_")


def _exported(name: str) -> bool:
    return bool(name) and name[0].isupper()
