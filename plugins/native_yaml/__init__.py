"""Built-in plugin: the engine's own item format, YAML as in the bank's ``items/`` folder.

Reads a YAML file (a mapping with a list ``items``, a list of items, or one item) or a zip of
such files, with the media the items use under ``media/``. Writes one YAML file per item
(``items/<id>.yaml``) and their media into a zip, so a whole bank or a selection travels as
one file and unpacks into a bank folder. Nothing is lost on the way: an item exported and
imported again is equal to the original.
"""

from __future__ import annotations

import datetime

import yaml

from engine.domain import archives
from engine.domain.exchange import (
    ExchangeFormat,
    ImportDefaults,
    Problem,
    ReadResult,
    WriteResult,
)
from engine.domain.yaml_text import parse_yaml
from engine.hookspecs import hookimpl

ITEM_ORDER = ("id", "type", "language", "title", "outcomes", "eqf_level", "source", "tags",
              "stem", "payload", "feedback", "translations")
MEDIA_FOLDER = "media/"


class _Dumper(yaml.SafeDumper):
    """Block style, multi-line texts as literal blocks, readable in a diff."""


def _text(dumper: yaml.SafeDumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def dump_item(item: dict) -> str:
    ordered = {key: item[key] for key in ITEM_ORDER if key in item and item[key] not in
               (None, [], {})}
    ordered.update({k: v for k, v in item.items() if k not in ordered and k not in ITEM_ORDER})
    return yaml.dump({"items": [ordered]}, Dumper=_Dumper, allow_unicode=True,
                     sort_keys=False, width=100)


def _plain(value):
    """YAML reads an unquoted 2025-03-01 as a date; items hold text."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


class NativeYamlFormat(ExchangeFormat):
    name = "native"
    label = "Outcome Engine YAML (.yaml, .zip)"
    extensions = (".yaml", ".yml", ".zip")
    media_type = "application/zip"

    def sniff(self, data: bytes, filename: str) -> bool:
        if archives.is_zip(data):
            try:
                names = [n for n, _ in archives.members(data)]
            except archives.ArchiveError:
                return filename.lower().endswith(".zip")
            return any(n.lower().endswith((".yaml", ".yml")) for n in names)
        return filename.lower().endswith((".yaml", ".yml"))

    def read(self, data: bytes, *, filename: str, defaults: ImportDefaults) -> ReadResult:
        result = ReadResult()
        if archives.is_zip(data):
            try:
                files = archives.members(data)
            except archives.ArchiveError as exc:
                result.problems.append(Problem(filename, str(exc)))
                return result
            for name, blob in files:
                if name.startswith(MEDIA_FOLDER):
                    result.media[name[len(MEDIA_FOLDER):]] = blob
                elif name.lower().endswith((".yaml", ".yml")):
                    self._read_yaml(blob, f"{filename}/{name}", defaults, result)
            if not result.items and not result.problems:
                result.problems.append(Problem(filename, "The archive holds no item YAML "
                                                         "files."))
        else:
            self._read_yaml(data, filename, defaults, result)
        return result

    def _read_yaml(self, blob: bytes, name: str, defaults: ImportDefaults,
                   result: ReadResult) -> None:
        try:
            text = blob.decode("utf-8")
            node, data = parse_yaml(text, limit_aliases=True)
            data = _plain(data)  # bounded: parse_yaml refused a document that expands
        except UnicodeDecodeError:
            result.problems.append(Problem(name, "The file is not UTF-8 text."))
            return
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            result.problems.append(Problem(name, f"Not valid YAML: "
                                                 f"{getattr(exc, 'problem', exc)}",
                                           line=mark.line + 1 if mark else None))
            return
        if isinstance(data, dict) and isinstance(data.get("items"), list):
            items, nodes = data["items"], _children(_value_node(node, "items"))
        elif isinstance(data, list):
            items, nodes = data, _children(node)
        elif isinstance(data, dict) and "type" in data:
            items, nodes = [data], [node]
        else:
            result.problems.append(Problem(name, "An item file holds a list `items` (or one "
                                                 "item, or a list of items)."))
            return
        for index, raw in enumerate(items):
            line = nodes[index].start_mark.line + 1 if index < len(nodes) else None
            if not isinstance(raw, dict):
                result.problems.append(Problem(name, "An item is a mapping of fields.",
                                               item=f"#{index + 1}", line=line))
                continue
            raw.setdefault("language", defaults.language)
            if not raw.get("outcomes") and defaults.outcomes:
                raw["outcomes"] = list(defaults.outcomes)
            if raw.get("eqf_level") is None and defaults.eqf_level:
                raw["eqf_level"] = defaults.eqf_level
            raw["_where"] = {"file": name, "line": line}
            result.items.append(raw)

    def write(self, items: list[dict], *, media: dict[str, bytes] | None = None) -> WriteResult:
        if len(items) == 1 and not media:
            return WriteResult(dump_item(items[0]).encode("utf-8"), f"{items[0]['id']}.yaml",
                               media_type="application/x-yaml; charset=utf-8")
        files = [(f"items/{item['id']}.yaml", dump_item(item).encode("utf-8"))
                 for item in items]
        files += [(MEDIA_FOLDER + name, blob) for name, blob in sorted((media or {}).items())]
        return WriteResult(archives.write(files), "items.zip")


def _value_node(node, key: str):
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if k.value == key:
                return v
    return None


def _children(node) -> list:
    return list(node.value) if isinstance(node, yaml.SequenceNode) else []


@hookimpl
def register_exchange_formats():
    return [NativeYamlFormat]
