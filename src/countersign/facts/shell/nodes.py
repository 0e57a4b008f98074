"""Small readers shared by the syntax walker: what a redirection carries, the pipeline that
tree-sitter hangs under a heredoc, positional parameters, and ANSI-C quoted text."""

from __future__ import annotations

import codecs
import posixpath
import re

from countersign.lazy_pattern import lazy
from countersign.records import field, record

TYPE_CHECKING = False  # typing stays off the guard's full path
if TYPE_CHECKING:
    from typing import Any


@record
class Redirects:
    stdin: str | None = None
    stdin_from: str | None = None
    reads: list[str] = field(default_factory=list)
    writes: list[str] = field(default_factory=list)
    args: list[str] = field(default_factory=list)
    args_exact: bool = True
    continuations: list[tuple[list[Any], list[Any]]] = field(default_factory=list)

    def merge(self, outer: Redirects | None) -> None:
        if outer is None:
            return
        if self.stdin is None and self.stdin_from is None:
            self.stdin, self.stdin_from = outer.stdin, outer.stdin_from
        self.reads.extend(outer.reads)
        self.writes.extend(outer.writes)


TABS = lazy(r"^\t+", re.MULTILINE)  # stripped from a ``<<-`` heredoc body


def continuation(node: Any) -> tuple[list[Any], list[Any]]:
    """The pipeline stages and following statements that tree-sitter put under a heredoc."""
    stages: list[Any] = []
    rest: list[Any] = []
    children = node.named_children if node.type == "pipeline" else [node]
    for child in children:
        if child.type == "pipeline":
            stages.extend(continuation(child)[0])
        elif child.type == "list" and child.named_children:
            first, *after = child.named_children
            inner_stages, inner_rest = continuation(first)
            stages.extend(inner_stages)
            rest.extend([*inner_rest, *after])
        elif child.type != "comment":
            stages.append(child)
    return stages, rest


def all_positional(node: Any) -> bool:
    """``"$@"`` or ``$@`` (also ``"$*"``): every positional parameter, as separate words."""
    inner = node.named_children[0] if node.type == "string" and node.named_children else node
    if node.type == "string" and len(node.named_children) != 1:
        return False
    return inner.type == "simple_expansion" and inner.text in (b"$@", b"$*")


def positional_value(name: str, positional: tuple[str, ...] | None) -> str | None:
    if positional is None:
        return None
    if name.isdigit() and name != "0":
        index = int(name) - 1
        return positional[index] if index < len(positional) else ""
    if name == "#":
        return str(len(positional))
    return None


def join(cwd: str | None, path: str) -> str:
    return posixpath.normpath(posixpath.join(cwd, path)) if cwd else path


def ansi_c(body: str) -> str:
    try:
        return codecs.decode(body.encode("latin-1", "backslashreplace"), "unicode_escape")
    except (UnicodeDecodeError, ValueError):
        return body
