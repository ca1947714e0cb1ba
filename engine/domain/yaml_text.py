"""YAML read once, with line numbers: the bank's files and native item files."""

from __future__ import annotations

from typing import Any

import yaml

# libyaml's parser where PyYAML was built with it (ten times faster), else Python's.
YamlLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
#: an uploaded document may hold at most this many values once its aliases are expanded
#: (or twice its own size, if larger): enough for any real file, not for "billion laughs"
MAX_EXPANDED = 200_000


class AliasBomb(yaml.YAMLError):
    """An uploaded document whose aliases expand it far beyond its size, or loop."""


def parse_yaml(text: str, *, limit_aliases: bool = False) -> tuple[Any, Any]:
    """The node tree (for line numbers) and the data of a YAML document, parsed once;
    raises yaml.YAMLError.

    ``limit_aliases`` (files that come from outside) refuses a document whose anchors and
    aliases expand it past MAX_EXPANDED values: a few hundred bytes of nested aliases would
    otherwise become millions of objects. Tools such as PyYAML write aliases for repeated
    lists, so aliases as such are fine."""
    loader = YamlLoader(text)
    try:
        node = loader.get_single_node()
        if node is not None and limit_aliases:
            _check_expansion(node)
        return node, (loader.construct_document(node) if node is not None else None)
    except RecursionError:
        raise AliasBomb("The document is nested too deeply.") from None
    finally:
        loader.dispose()


def _check_expansion(root: yaml.Node) -> None:
    """Count the values the document stands for, each alias counted in full, in time linear
    in the document (subtree sizes are remembered)."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()
    distinct = 0

    def size(node: yaml.Node) -> int:
        nonlocal distinct
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in open_nodes:
            raise AliasBomb(f"line {node.start_mark.line + 1}: an alias refers to itself.")
        open_nodes.add(key)
        distinct += 1
        if isinstance(node, yaml.SequenceNode):
            children = node.value
        elif isinstance(node, yaml.MappingNode):
            children = [part for pair in node.value for part in pair]
        else:
            children = []
        total = 1 + sum(size(child) for child in children)
        open_nodes.discard(key)
        sizes[key] = total
        return total

    total = size(root)
    if total > max(MAX_EXPANDED, 2 * distinct):
        raise AliasBomb(f"Its anchors and aliases (&name, *name) expand it to {total:,} "
                        "values; an imported file may not grow like that.")
