"""Bounded readers of the documents the analyzers parse: JSON, YAML and a nesting check for any
bracketed text. Every limit is checked before the parser recurses or allocates, and every
failure is ``Unanalysable`` with the reason and the line, never an exception of the parser.
"""

from __future__ import annotations

import gc
import json
import re
from itertools import accumulate
from typing import Any

import yaml

from countersign.facts.hazards.documents import Unanalysable

MAX_JSON_CHARS = 256 * 1024 * 1024
# libyaml plus PyYAML's constructor read about a MiB a second (both sides of a change are read).
MAX_YAML_CHARS = 4 * 1024 * 1024
MAX_YAML_DOCUMENTS = 10_000
# Deeper than any real manifest, workflow, plan or policy (a CRD schema reaches about 30), and
# shallow enough that no parser below runs out of stack.
MAX_DEPTH = 128

_BRACKETS = re.compile(r"[\[\]{}()]")
_DELTA = {"[": 1, "{": 1, "(": 1, "]": -1, "}": -1, ")": -1}


def check_nesting(text: str, what: str) -> None:
    """Refuse text whose brackets nest deeper than ``MAX_DEPTH``, counted in one linear pass
    before any recursive parser sees it. Brackets in strings and comments count too: that can
    only over-count, sending an odd file to review, never let a deep one through."""
    if text.count("[") + text.count("{") + text.count("(") <= MAX_DEPTH:
        return
    depths = accumulate(_DELTA[b] for b in _BRACKETS.findall(text))
    deepest = max(depths, default=0)
    if deepest > MAX_DEPTH:
        raise Unanalysable(f"{what} nested deeper than {MAX_DEPTH} levels")


def load_json(text: str) -> Any:
    if len(text) > MAX_JSON_CHARS:
        raise Unanalysable(
            f"{len(text) // 2**20} MiB is more than the {MAX_JSON_CHARS // 2**20} MiB "
            "analysed; split it or review it by hand"
        )
    # json allocates no cycles, but each of its objects counts towards the collector's
    # thresholds: full collections over a growing heap made large plans superlinear.
    collecting = gc.isenabled()
    gc.disable()
    try:
        # The C decoder counts its own recursion: a deep document is a RecursionError, and no
        # analyzer walks the result recursively.
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise Unanalysable(f"not valid JSON ({exc.msg} at line {exc.lineno})", exc.lineno) from None
    except RecursionError:
        raise Unanalysable("JSON nested too deeply to analyse") from None
    finally:
        if collecting:
            gc.enable()


class BoundedLoader(yaml.SafeLoader):
    """SafeLoader that refuses aliases (a manifest never needs them, a YAML bomb always does)
    and nodes nested deeper than ``MAX_DEPTH`` (the composer recurses once per level)."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
            raise yaml.composer.ComposerError(
                None, None, "anchors and aliases are not analysed", mark
            )
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
                raise Unanalysable(f"YAML nested deeper than {MAX_DEPTH} levels", mark.line + 1)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _loader(text: str) -> BoundedLoader:
    if len(text) > MAX_YAML_CHARS:
        raise Unanalysable(f"larger than the {MAX_YAML_CHARS // 2**20} MiB of YAML analysed")
    try:
        return BoundedLoader(text)
    except yaml.reader.ReaderError as exc:
        raise _control_character(text, exc) from None


def _control_character(text: str, exc: yaml.YAMLError) -> Unanalysable:
    position = getattr(exc, "position", None)
    character = getattr(exc, "character", None)
    line = text.count("\n", 0, position) + 1 if isinstance(position, int) else None
    what = f" U+{character:04X}" if isinstance(character, int) else ""
    return Unanalysable(f"holds control character{what}, which YAML does not allow", line)


def _invalid(text: str, exc: yaml.YAMLError) -> Unanalysable:
    if isinstance(exc, yaml.reader.ReaderError) or "special characters are not allowed" in str(exc):
        return _control_character(text, exc)
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    line = mark.line + 1 if mark is not None else None
    if "nesting depth" in problem:  # libyaml's own limit, met while it scans ahead
        return Unanalysable("YAML nested too deeply to analyse", line)
    return Unanalysable(f"invalid YAML: {problem}", line)


def _fast_loader(text: str) -> Any:
    """libyaml's loader (C scanner and composer, several times faster; libyaml stops at its
    own nesting limit, so the C composer cannot run out of stack). Each composed document is
    then checked for depth and aliases before it is constructed (``_check_node``). Without
    libyaml, the pure-Python ``BoundedLoader`` checks the same as it composes."""
    if not getattr(yaml, "__with_libyaml__", False):
        return _loader(text)
    if len(text) > MAX_YAML_CHARS:
        raise Unanalysable(f"larger than the {MAX_YAML_CHARS // 2**20} MiB of YAML analysed")
    return yaml.CSafeLoader(text)


def _check_node(root: yaml.Node | None) -> None:
    """Depth and aliases of a composed document, walked without recursion. An alias is a node
    reached twice: refused before construction expands it."""
    if root is None:
        return
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if id(node) in seen:
            raise Unanalysable(
                "invalid YAML: anchors and aliases are not analysed", node.start_mark.line + 1
            )
        seen.add(id(node))
        if depth > MAX_DEPTH:
            raise Unanalysable(
                f"YAML nested deeper than {MAX_DEPTH} levels", node.start_mark.line + 1
            )
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.append((key, depth + 1))
                stack.append((value, depth + 1))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, depth + 1) for item in node.value)


def load_yaml_documents(text: str) -> list[tuple[int, Any]]:
    """Every document of a (multi-document) YAML stream, with the line it starts on."""
    loader = _fast_loader(text)
    out: list[tuple[int, Any]] = []
    try:
        while loader.check_node():
            if len(out) >= MAX_YAML_DOCUMENTS:
                raise Unanalysable(f"more than {MAX_YAML_DOCUMENTS} YAML documents")
            node = loader.get_node()
            if node is None:
                break
            _check_node(node)
            out.append((node.start_mark.line + 1, loader.construct_document(node)))
    except yaml.YAMLError as exc:
        raise _invalid(text, exc) from None
    finally:
        loader.dispose()
    return out


def yaml_root(text: str) -> yaml.Node | None:
    """The node tree of a single-document YAML file (a CI workflow), for its marks."""
    loader = _fast_loader(text)
    try:
        root: yaml.Node | None = loader.get_single_node()
        _check_node(root)
    except yaml.YAMLError as exc:
        raise _invalid(text, exc) from None
    finally:
        loader.dispose()
    return root
