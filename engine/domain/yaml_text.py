"""YAML read once, with line numbers: the bank's files and native item files."""

from __future__ import annotations

from typing import Any

import yaml

# libyaml's parser where PyYAML was built with it (ten times faster), else Python's.
YamlLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_yaml(text: str) -> tuple[Any, Any]:
    """The node tree (for line numbers) and the data of a YAML document, parsed once;
    raises yaml.YAMLError."""
    loader = YamlLoader(text)
    try:
        node = loader.get_single_node()
        return node, (loader.construct_document(node) if node is not None else None)
    finally:
        loader.dispose()
