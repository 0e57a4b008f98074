"""Text bash rewrites before it runs a word, undone before parsing: ``$IFS`` standing for a
space, brace expansion (``{rm,-rf,/}``), and dash look-alikes where an option goes
(``rm —rf /``). tree-sitter-bash reads the first two wrongly, and rules match ASCII ``-``; doing
them on the text, outside quotes, lets the parser and the rules see the command bash runs.

Characters above U+FFFF become U+FFFD first: tree-sitter-bash 0.25 crashes the process (SIGSEGV)
on ``{`` followed by some of them, and bash treats both alike as word characters."""

from __future__ import annotations

from countersign.lazy_pattern import lazy

_ASTRAL = lazy("[\U00010000-\U0010ffff]")
# ``$IFS``, ``${IFS}`` and ``${IFS%?}``-style uses: the default IFS splits where it stands.
_IFS = lazy(r"\$(?:IFS(?!\w)|\{IFS(?:[^}\w][^}]*)?\})")
_IFS_ASSIGNED = lazy(r"(?<![\w$])IFS=")
# Dashes that look like ``-`` (hyphen, non-breaking hyphen, figure dash, en and em dashes,
# horizontal bar, minus sign, small and fullwidth hyphen-minus) at the start of a word.
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_LOOKALIKE = lazy(f"(?<![^\\s'\"=])[{_DASHES}]{{1,2}}(?=[\\w{_DASHES}-])")
_BRACE = lazy(r"\{([^{}\s'\"`$\\]*,[^{}\s'\"`$\\]*)\}")
_WORD_EDGE = set(" \t\n;&|<>()'\"`")
MAX_BRACE_WORDS = 64


def splice(command: str) -> str:
    """The command with what bash would splice resolved, as far as text can tell."""
    text = _ASTRAL.sub("\ufffd", command)
    if "$" in text and "IFS" in text and not _IFS_ASSIGNED.search(text):
        text = _IFS.sub(" ", text)
    if any(c in text for c in _DASHES):
        text = _LOOKALIKE.sub(lambda m: "-" * len(m.group(0)), text)
    if "{" in text and "," in text:
        text = _expand_braces(text)
    return text


def _expand_braces(text: str) -> str:
    """Expand ``{a,b}`` groups that stand outside quotes, with the word around them."""
    out: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char in "'\"":
            end = _closing(text, i)
            out.extend(text[i:end])
            i = end
            continue
        if char == "\\":
            out.append(text[i : i + 2])
            i += 2
            continue
        match = _BRACE.match(text, i) if char == "{" and text[i - 1 : i] != "$" else None
        if match is None:
            out.append(char)
            i += 1
            continue
        start = len(out)
        while start > 0 and len(out[start - 1]) == 1 and out[start - 1] not in _WORD_EDGE:
            start -= 1
        prefix = "".join(out[start:])
        end = match.end()
        while end < len(text) and text[end] not in _WORD_EDGE and text[end] != "{":
            end += 1
        suffix = text[match.end() : end]
        words = [f"{prefix}{alt}{suffix}" for alt in match.group(1).split(",")]
        del out[start:]
        out.append(" ".join(words[:MAX_BRACE_WORDS]))
        i = end
    return "".join(out)


def _closing(text: str, start: int) -> int:
    """The index after the quote that closes the one at ``start`` (or the end of the text)."""
    quote = text[start]
    i = start + 1
    while i < len(text):
        if text[i] == "\\" and quote == '"':
            i += 2
            continue
        if text[i] == quote:
            return i + 1
        i += 1
    return len(text)
