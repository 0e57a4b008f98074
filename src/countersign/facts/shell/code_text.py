"""Interpreter code made readable before its calls are looked for: string literals joined
(``'r'+'m -rf /'``), names spelled through ``getattr``/``__import__``/``obj['name']`` made plain,
characters built with ``chr``/``String.fromCharCode`` spelled out, and payloads decoded from
base64, hex or rot13 (``exec(base64.b64decode('…'))``) added as code of their own. What is run
from a value that cannot be read this way is reported, so a destructive word nearby is asked."""

from __future__ import annotations

import codecs
import functools
import re

from countersign.lazy_pattern import lazy

MAX_CODE = 100_000
MAX_ROUNDS = 4

_LIT = r"""(?:'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")"""
_CONCAT = lazy(rf"({_LIT})\s*(?:\+|\.(?!\w)|\s)\s*({_LIT})")
_GETATTR = lazy(rf"getattr\(\s*([\w.]+(?:\([^()]*\))?)\s*,\s*({_LIT})\s*\)")
_IMPORT = lazy(rf"(?:__import__|importlib\.import_module)\(\s*({_LIT})\s*\)")
_SUBSCRIPT = lazy(rf"([\w$)\]])\[\s*({_LIT})\s*\]")
_CHR = lazy(r"\bchr\(\s*(\d{1,7})\s*\)")
_FROM_CHAR_CODE = lazy(r"String\.fromCharCode\(\s*((?:\d{1,7}\s*,?\s*)+)\)")
_REVERSED = lazy(rf"({_LIT})\[::-1\]")
# Decoders of a literal: (pattern, how to decode its text).
_B64 = (
    r"(?:base64\.)?(?:b64decode|standard_b64decode|urlsafe_b64decode|decodebytes|decodestring)"
    r"|Base64\.(?:decode64|strict_decode64|urlsafe_decode64)|decode_base64|base64_decode|atob"
)
_DECODE_CALLS = (
    (lazy(rf"(?:{_B64})\(\s*b?({_LIT})\s*\)"), "base64"),
    (lazy(rf"Buffer\.from\(\s*({_LIT})\s*,\s*['\"]base64['\"]\s*\)"), "base64"),
    (lazy(rf"Buffer\.from\(\s*({_LIT})\s*,\s*['\"]hex['\"]\s*\)"), "hex"),
    (
        lazy(rf"(?:bytes\.fromhex|binascii\.unhexlify|unhexlify|hex2bin)\(\s*b?({_LIT})\s*\)"),
        "hex",
    ),
    (lazy(rf"codecs\.decode\(\s*({_LIT})\s*,\s*['\"]rot_?13['\"]\s*\)"), "rot13"),
    (lazy(rf"str_rot13\(\s*({_LIT})\s*\)"), "rot13"),
    (lazy(rf"({_LIT})\.unpack1?\(\s*['\"]m0?['\"]\s*\)"), "base64"),
)  # fmt: skip
_DYNAMIC = lazy(
    r"\b(?:exec|eval|compile|Function|instance_eval|class_eval|assert)\s*\(\s*(?!['\"])"
    r"|\bnew\s+Function\s*\("
)
_UNDECODED = lazy(
    r"\b(?:b64decode|decodebytes|decompress|inflate|gzinflate|gzuncompress|unhexlify|fromhex"
    r"|atob|decode64|fromCharCode|unpack|loads)\b"
)


@functools.lru_cache(maxsize=64)
def readable(code: str) -> str:
    """The code with its spellings resolved, and every decoded payload appended as code."""
    text = code[:MAX_CODE]
    decoded: list[str] = []
    for _ in range(MAX_ROUNDS):
        before = text
        text = _CHR.sub(lambda m: _literal(_char(int(m.group(1)))), text)
        text = _FROM_CHAR_CODE.sub(
            lambda m: _literal("".join(_char(int(n)) for n in re.findall(r"\d+", m.group(1)))),
            text,
        )
        text = _fold(text)
        text = _REVERSED.sub(lambda m: _literal(_value(m.group(1))[::-1]), text)
        text = _IMPORT.sub(lambda m: _value(m.group(1)), text)
        text = _GETATTR.sub(lambda m: f"{m.group(1)}.{_value(m.group(2))}", text)
        text = _SUBSCRIPT.sub(_attribute, text)
        for pattern, how in _DECODE_CALLS:
            text = pattern.sub(functools.partial(_decoded, how=how, decoded=decoded), text)
        if text == before:
            break
    return "\n".join([text, *decoded])[: MAX_CODE * 2]


def unseen_code(code: str) -> str | None:
    """What the code runs that cannot be read: ``exec`` of a value, with a decoder left
    undecoded. None when every run of code is of a literal, or there is none."""
    text = readable(code)
    dynamic = _DYNAMIC.search(text)
    if dynamic is None:
        return None
    undecoded = _UNDECODED.search(text)
    what = dynamic.group(0).strip().rstrip("(").strip()
    if undecoded is not None:
        return f"{what}() of data decoded at run time ({undecoded.group(0)})"
    return f"{what}() of a value only known at run time"


def _fold(text: str) -> str:
    while True:
        folded = _CONCAT.sub(lambda m: _literal(_value(m.group(1)) + _value(m.group(2))), text)
        if folded == text:
            return text
        text = folded


def _attribute(match: re.Match[str]) -> str:
    name = _value(match.group(2))
    if re.fullmatch(r"[A-Za-z_$][\w$]*", name):
        return f"{match.group(1)}.{name}"
    return match.group(0)


def _decoded(match: re.Match[str], *, how: str, decoded: list[str]) -> str:
    import base64  # only when a payload is decoded: the guard's start-up stays lean
    import binascii

    data = _value(match.group(1))
    try:
        if how == "base64":
            raw = base64.b64decode("".join(data.split()) + "==")
        elif how == "hex":
            raw = binascii.unhexlify("".join(data.split()))
        else:
            raw = codecs.decode(data, "rot13").encode()
    except (binascii.Error, ValueError):
        return match.group(0)
    text = raw.decode("utf-8", "replace")
    decoded.append(text)
    return _literal(text)


def _value(literal: str) -> str:
    body = literal[1:-1]
    return re.sub(r"\\(.)", r"\1", body)


def _literal(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n")
    return f"'{escaped}'"


def _char(number: int) -> str:
    return chr(number) if number < 0x110000 else ""
