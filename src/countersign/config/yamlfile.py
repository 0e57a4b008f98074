"""Safe YAML reading with key-path error messages, shared by every ``.countersign/`` loader."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import yaml

from countersign.errors import ConfigError

MAX_CONFIG_BYTES = 5_000_000
# The composer recurses once per level: past this, a hostile file would exhaust the stack.
MAX_DEPTH = 128


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that rejects duplicate keys (a silent override hides mistakes in policy) and
    nodes nested deeper than ``MAX_DEPTH``."""

    _depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
                raise yaml.composer.ComposerError(
                    None, None, f"nested deeper than {MAX_DEPTH} levels", mark
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    loader.flatten_mapping(node)
    return dict(loader.construct_pairs(node))


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _construct_mapping,
)


def parse_yaml(text: str, file: str) -> Any:
    """Parse one YAML document; aliases are refused (no YAML bombs), errors carry the line."""
    if len(text) > MAX_CONFIG_BYTES:
        raise ConfigError(file, "", f"file is larger than {MAX_CONFIG_BYTES} bytes")
    try:
        loader = _UniqueKeyLoader(text)
        try:
            return _load_without_aliases(loader, loader.get_single_node())
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        raise _invalid(exc, file) from None


def parse_yaml_documents(text: str, file: str) -> list[Any]:
    """Every document of a multi-document YAML stream (``---``), with ``parse_yaml``'s rules."""
    if len(text) > MAX_CONFIG_BYTES:
        raise ConfigError(file, "", f"file is larger than {MAX_CONFIG_BYTES} bytes")
    docs: list[Any] = []
    try:
        loader = _UniqueKeyLoader(text)
        try:
            while loader.check_node():
                docs.append(_load_without_aliases(loader, loader.get_node()))
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        raise _invalid(exc, file) from None
    return docs


def item_lines(text: str, key: str) -> tuple[int, ...]:
    """The 1-based line where each item of the top-level list ``key`` starts, so a finding can
    point at the entry it came from. Call after ``parse_yaml`` accepted the text."""
    loader = _UniqueKeyLoader(text)
    try:
        node = loader.get_single_node()
    finally:
        loader.dispose()
    if not isinstance(node, yaml.MappingNode):
        return ()
    for name, value in node.value:
        if (
            isinstance(name, yaml.ScalarNode)
            and name.value == key
            and isinstance(value, yaml.SequenceNode)
        ):
            return tuple(item.start_mark.line + 1 for item in value.value)
    return ()


def _invalid(exc: yaml.YAMLError, file: str) -> ConfigError:
    mark = getattr(exc, "problem_mark", None)
    where = f"line {mark.line + 1}" if mark is not None else ""
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    return ConfigError(file, where, f"invalid YAML: {problem}")


def _load_without_aliases(loader: _UniqueKeyLoader, node: yaml.Node | None) -> Any:
    if node is None:
        return None
    # The composer forgets its anchors once a document is composed, but an alias shows up as
    # a node reached twice: refuse it before constructing (no exponential YAML bombs).
    stack = [node]
    seen: set[int] = set()
    while stack:
        current = stack.pop()
        if id(current) in seen:
            raise yaml.constructor.ConstructorError(
                None, None, "anchors and aliases are not allowed", current.start_mark
            )
        seen.add(id(current))
        if isinstance(current, yaml.MappingNode):
            for key, value in current.value:
                stack.extend((key, value))
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
    return loader.construct_document(node)


def expect_mapping(value: Any, file: str, key: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ConfigError(file, key, f"expected a mapping, got {_kind(value)}")
    return value


def expect_list(value: Any, file: str, key: str) -> list[Any]:
    if not isinstance(value, list):
        raise ConfigError(file, key, f"expected a list, got {_kind(value)}")
    return value


def expect_str(value: Any, file: str, key: str) -> str:
    if not isinstance(value, str) or not value:
        raise ConfigError(file, key, f"expected a non-empty string, got {_kind(value)}")
    return value


def expect_str_list(value: Any, file: str, key: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    items = expect_list(value, file, key)
    return tuple(expect_str(item, file, f"{key}[{i}]") for i, item in enumerate(items))


def reject_unknown(data: Mapping[str, Any], allowed: set[str], file: str, key: str) -> None:
    for name in data:
        if name not in allowed:
            expected = ", ".join(sorted(allowed))
            where = f"{key}.{name}" if key else str(name)
            raise ConfigError(file, where, f"unknown field {name!r} (expected one of: {expected})")


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"a boolean ({value})"
    if isinstance(value, (int, float)):
        return f"a number ({value})"
    if isinstance(value, str):
        return f"a string ({value!r})"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, Mapping):
        return "a mapping"
    return type(value).__name__
