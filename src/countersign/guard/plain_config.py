"""The committed guard.yaml as the fast path may trust it: read without the YAML parser, in a
plain subset (top-level keys, one level of mapping below ``production``, scalars, flow and block
lists of names), and checked as ``settings.parse_guard_config`` checks it. Anything outside the
subset or not valid sends the call to the full path, which parses the file and, when it is
invalid, asks: so an invalid guard.yaml never lets the fast path allow what the full path asks.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# settings.parse_guard_config's keys (a test keeps them in step)
KEYS = frozenset(
    ("version", "production", "protected_paths", "extra_protected_paths", "scratch_paths",
     "protected_branches", "on_error", "approval", "log_allows")
)  # fmt: skip
PRODUCTION = frozenset(
    ("kube_contexts", "cloud_profiles", "workspaces", "paths", "env", "resources")
)
LISTS = frozenset(
    ("protected_paths", "extra_protected_paths", "scratch_paths", "protected_branches")
)
# anchors, tags, flow mappings, block scalars, quotes, escapes: read only by the YAML parser
_UNSURE = frozenset("&!{}|>%@`\t\"'\\")
_WORDS = frozenset(
    ("y", "n", "yes", "no", "true", "false", "on", "off", "null", "~", "")
)  # YAML reads these (in any case) as booleans or null, not as strings


# YAML 1.1's booleans as PyYAML resolves them
_BOOLEANS = {
    spelling: word in ("yes", "true", "on")
    for word in ("yes", "no", "true", "false", "on", "off")
    for spelling in (word, word.title(), word.upper())
}


def valid(text: bytes) -> bool:
    """Whether ``text`` is a guard.yaml the fast path can read plainly and that is valid."""
    return plainly_valid(text) is not None


def plainly_valid(text: bytes) -> dict[str, Any] | None:
    """The plain reading of a valid guard.yaml, or None (outside the subset, or invalid)."""
    data = read(text)
    return data if data is not None and _checked(data) else None


def read(text: bytes) -> dict[str, Any] | None:
    """The mapping ``text`` holds, or None when it is outside the plain subset."""
    try:
        lines = text.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        return None
    data: dict[str, Any] = {}
    block: tuple[str, Any] | None = None  # (key, its list or mapping) being filled
    for raw in lines:
        line = raw.partition(" #")[0].rstrip() if not raw.lstrip().startswith("#") else ""
        if not line.strip():
            continue
        if _UNSURE & set(line) or line.startswith(("---", "...")) or "#" in line:
            return None
        indented = line.startswith(" ")
        if not indented:
            key, colon, value = line.partition(":")
            if not colon or key in data or not _name(key) or (value and value[0] != " "):
                return None
            value = value.strip()
            if value:
                parsed = _value(value)
                if parsed is None:
                    return None
                data[key], block = parsed, None
            else:
                data[key], block = None, (key, None)
            continue
        if block is None:
            return None
        key, held = block
        item = line.strip()
        if item.startswith("- ") or item == "-":
            if held is None:
                held = []
            if not isinstance(held, list) or not line.startswith("  - "):
                return None
            word = item[2:].strip()
            if not _plain_string(word):
                return None
            held.append(word)
        else:
            if held is None:
                held = {}
            if not isinstance(held, dict) or line[2:3] == " " or not line.startswith("  "):
                return None
            sub, colon, value = item.partition(":")
            if not colon or sub in held or not _name(sub) or not value.startswith(" "):
                return None
            parsed = _value(value.strip())
            if parsed is None:
                return None
            held[sub] = parsed
        data[key] = held
        block = (key, held)
    return data


def _value(text: str) -> object | None:
    """A flow list of plain strings, a plain string, an integer or a boolean; None otherwise."""
    if text.startswith("["):
        if not text.endswith("]") or "[" in text[1:] or "]" in text[:-1]:
            return None
        inner = text[1:-1].strip()
        if not inner:
            return []
        items = [item.strip() for item in inner.split(",")]
        return items if all(_plain_string(item) for item in items) else None
    if text.isdigit() and (text == "0" or text[0] != "0"):
        return int(text)
    if text in _BOOLEANS:
        return _BOOLEANS[text]
    return text if _plain_string(text) else None


def _name(word: str) -> bool:
    plain = word.replace("_", "a").isalnum() and word.isascii() and not word[:1].isdigit()
    return bool(word) and plain and word.lower() not in _WORDS


def _plain_string(word: str) -> bool:
    """Whether YAML reads ``word`` as this very string (not a number, boolean, null, or
    something its first character makes special)."""
    if word.lower() in _WORDS or word[0] in "-?:,[]#&*!|>'\"%@`" or ": " in word:
        return False
    if word.endswith(":") or word.startswith(("0", "1", "2", "3", "4", "5", "6", "7", "8", "9")):
        return False  # numbers, dates and times in their many forms
    if word.lower() in (".inf", ".nan", "=", "<<"):
        return False  # YAML's infinity, not-a-number, value and merge keys
    return not word.startswith((".", "+")) or not word[1:2].isdigit()


def _checked(data: dict[str, Any]) -> bool:
    """``parse_guard_config``'s checks, on the plain reading."""
    if not set(data) <= KEYS:
        return False
    for key in LISTS:
        if key in data and not isinstance(data[key], list):
            return False
    production = data.get("production")
    if production is not None:
        if not isinstance(production, dict) or not set(production) <= PRODUCTION:
            return False
        if not all(isinstance(v, list) for v in production.values()):
            return False
    if data.get("on_error", "ask") not in ("ask", "deny"):
        return False
    if not isinstance(data.get("log_allows", False), bool):
        return False
    return "approval" not in data  # its level is checked against the roster: the full path
