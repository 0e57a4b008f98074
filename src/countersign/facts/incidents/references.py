"""Root-cause references in free text: commit shas, pull requests and change fingerprints that
an incident's responders or a fix's author named. Only explicit forms count: a bare number is
not a pull request, and a hex word is a sha only with a digit and a letter in it."""

from __future__ import annotations

import re

_SHA = re.compile(r"(?<![0-9A-Za-z/])([0-9a-f]{7,40})(?![0-9A-Za-z])")
_PR = re.compile(
    r"(?:(?<![\w/])#(\d{1,7})\b|\b(?:PR|pull request|pull)[\s#/:-]*(\d{1,7})\b|/pull/(\d{1,7})\b)",
    re.IGNORECASE,
)
_FINGERPRINT = re.compile(r"\bsha256:[0-9a-f]{64}\b")


def references_in(text: str) -> tuple[str, ...]:
    """Every explicit reference in ``text``, normalised: ``<sha>``, ``#123``, ``sha256:...``."""
    found: list[str] = []
    found += _FINGERPRINT.findall(text)
    rest = _FINGERPRINT.sub(" ", text)
    for m in _PR.finditer(rest):
        found.append("#" + next(g for g in m.groups() if g))
    for word in _SHA.findall(rest):
        if re.search(r"[a-f]", word) and re.search(r"\d", word):
            found.append(word)
    return tuple(dict.fromkeys(found))


def is_sha(reference: str) -> bool:
    return bool(re.fullmatch(r"[0-9a-f]{7,40}", reference))


def mentions(text: str, incident_id: str) -> bool:
    """Whether ``text`` names the incident by its id as a whole word (``INC-42``, ``PXYZ12``,
    ``#17`` for a GitHub issue)."""
    if not incident_id:
        return False
    pattern = re.escape(incident_id)
    return re.search(rf"(?<![\w-]){pattern}(?![\w-])", text, re.IGNORECASE) is not None
