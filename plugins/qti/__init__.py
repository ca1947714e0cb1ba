"""Built-in plugin: IMS QTI 3.0 export and import of items.

Works on plain item dicts, the shape of an item in a bank YAML file (``id``, ``type``,
``language``, ``title``, ``outcomes``, ``eqf_level``, ``source``, ``stem``, ``payload``,
``feedback``, ``tags``); no Flask, no database. The mapping of each question type, what
travels in ``data-oe-*`` attributes and the hardening rules are in docs/qti.md.

- ``item_to_xml(item)`` -> a qti-assessment-item document (str);
- ``xml_to_item(xml, filename=...)`` -> the item dict; raises ``QtiError``;
- ``export_package(items)`` -> a zip content package (imsmanifest.xml + items/<id>.xml);
- ``import_package(data)`` -> (items, problems); never raises for bad content.

Every XML document is parsed with defusedxml: no DTD, no entities, no external references,
at most 2 MB; a package is at most 50 MB and 5000 members, with no absolute or '..' paths.
"""

from __future__ import annotations

from engine.domain.exchange import ExchangeFormat, ImportDefaults, ReadResult, WriteResult
from engine.hookspecs import hookimpl
from plugins.qti.common import (
    MAX_MEMBERS,
    MAX_PACKAGE_BYTES,
    MAX_XML_BYTES,
    QTI_NS,
    QtiError,
)
from plugins.qti.export import item_to_xml
from plugins.qti.importer import xml_to_item
from plugins.qti.package import export_package, import_package

__all__ = ["MAX_MEMBERS", "MAX_PACKAGE_BYTES", "MAX_XML_BYTES", "QTI_NS", "QtiError",
           "export_package", "import_package", "item_to_xml", "xml_to_item"]


class QtiFormat(ExchangeFormat):
    """QTI 3.0 as an exchange format of the item import and export pages."""

    name = "qti"
    label = "IMS QTI 3.0 (.zip, .xml)"
    extensions = (".zip", ".xml")
    media_type = "application/zip"

    def sniff(self, data: bytes, filename: str) -> bool:
        head = data[:4096]
        if data[:2] == b"PK":
            return b"imsmanifest.xml" in data or b"qti-assessment-item" in data
        return b"qti-assessment-item" in head

    def read(self, data: bytes, *, filename: str, defaults: ImportDefaults) -> ReadResult:
        items, problems = import_package(data, filename=filename)
        for item in items:
            item.setdefault("language", defaults.language)
            if not item.get("outcomes") and defaults.outcomes:
                item["outcomes"] = list(defaults.outcomes)
            if not item.get("eqf_level") and defaults.eqf_level:
                item["eqf_level"] = defaults.eqf_level
        return ReadResult(items=items, problems=problems)

    def write(self, items: list[dict]) -> WriteResult:
        return WriteResult(export_package(items), "items-qti.zip")


@hookimpl
def register_exchange_formats():
    return [QtiFormat]
