"""What a simple producer writes to stdout, known without running it: ``echo`` and ``printf`` of
exact words (escapes decoded: ``printf '\\x72\\x6d'`` is ``rm``), and decoders (``base64 -d``,
``xxd -r -p``, ``rev``) of known input. A shell fed that output runs it, so it is judged."""

from __future__ import annotations

import re

from countersign.facts.shell.invocation import Invocation
from countersign.lazy_pattern import lazy

DECODERS = frozenset({"base64", "base32", "xxd", "rev", "cat", "tee", "gunzip", "zcat", "openssl"})
MAX_OUTPUT = 100_000

_ESCAPES = {"a": "\a", "b": "\b", "e": "\x1b", "E": "\x1b", "f": "\f", "n": "\n", "r": "\r"}
_ESCAPES |= {"t": "\t", "v": "\v", "\\": "\\", '"': '"', "'": "'"}
_ESCAPE = lazy(r"\\(x[0-9a-fA-F]{1,2}|u[0-9a-fA-F]{1,4}|U[0-9a-fA-F]{1,8}|0?[0-7]{1,3}|.)")
_DIRECTIVE = lazy(r"%(?:%|[-+ #0]*\d*(?:\.\d+)?([sbdiouxXcqeEfFgG]))")


def unescape(text: str, *, echo: bool = False) -> str:
    """Backslash escapes as ``printf`` reads them (``echo -e``: octal needs a leading 0)."""

    def one(match: re.Match[str]) -> str:
        body = match.group(1)
        head = body[0]
        if head in "xuU" and len(body) > 1:
            return chr(int(body[1:], 16)) if int(body[1:], 16) < 0x110000 else ""
        if head.isdigit() and (not echo or head == "0"):
            digits = body[1:] if head == "0" and len(body) > 1 and echo else body
            return chr(int(digits or "0", 8) & 0xFF)
        return _ESCAPES.get(body, "\\" + body)

    return _ESCAPE.sub(one, text)


def printf_output(args: list[str]) -> str:
    """``printf FORMAT ARGS…``: the format reused until the arguments run out, as bash does."""
    if args[:1] == ["--"]:
        args = args[1:]
    if not args:
        return ""
    fmt, rest = args[0], list(args[1:])
    out: list[str] = []
    while True:
        text, used = _fill(fmt, rest)
        out.append(text)
        rest = rest[used:]
        if not rest or not used or sum(map(len, out)) > MAX_OUTPUT:
            return "".join(out)


def _fill(fmt: str, values: list[str]) -> tuple[str, int]:
    """One pass of the format over ``values``: the text and how many values it used."""
    used = 0

    def one(match: re.Match[str]) -> str:
        nonlocal used
        if match.group(0) == "%%":
            return "%"
        value = values[used] if used < len(values) else ""
        used += 1
        return unescape(value) if match.group(1) == "b" else value

    return unescape(_DIRECTIVE.sub(one, fmt)), used


def output_of(inv: Invocation) -> str | None:
    """What ``inv`` writes to stdout when that is known without running anything."""
    if not inv.exact:
        return None
    name, args = inv.name, list(inv.args)
    if name == "echo":
        escapes = False
        while args and re.fullmatch(r"-[neE]+", args[0]):
            escapes = ("e" in args[0]) or (escapes and "E" not in args[0])
            args.pop(0)
        text = " ".join(args)
        return (unescape(text, echo=True) if escapes else text) + "\n"
    if name == "printf":
        return printf_output(args)
    if name not in DECODERS:
        return None
    data = inv.stdin
    if name == "cat" and not args:
        return data
    if data is None:
        return None
    return _decode(name, args, data)


def _decode(name: str, args: list[str], data: str) -> str | None:
    import base64  # only when a payload is decoded: the guard's start-up stays lean
    import binascii

    flags = set(args)
    try:
        if name == "base64" and flags & {"-d", "--decode", "-D", "-di", "-id"}:
            return base64.b64decode("".join(data.split()) + "==", validate=False).decode(
                "utf-8", "replace"
            )
        if name == "base32" and flags & {"-d", "--decode"}:
            text = "".join(data.split())
            return base64.b32decode(text + "=" * (-len(text) % 8)).decode("utf-8", "replace")
        if name == "xxd" and any(f.startswith("-r") for f in flags):
            return binascii.unhexlify("".join(data.split())).decode("utf-8", "replace")
        if name == "rev":
            return "\n".join(line[::-1] for line in data.rstrip("\n").split("\n")) + "\n"
        if name == "openssl" and "base64" in flags and "-d" in flags:
            return base64.b64decode("".join(data.split()) + "==").decode("utf-8", "replace")
    except (binascii.Error, ValueError):
        return None
    return None
