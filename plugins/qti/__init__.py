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
