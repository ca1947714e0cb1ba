"""QTI 3.0 content packages (zip): export, and a hardened import that reports problems."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
import zlib
from urllib.parse import unquote
from xml.etree.ElementTree import Element, SubElement

from engine.domain.exchange import Problem
from plugins.qti.common import (
    CP_NS,
    CP_XSD,
    ITEM_RESOURCE_TYPE,
    MAX_MEMBERS,
    MAX_PACKAGE_BYTES,
    MAX_TOTAL_XML_BYTES,
    MAX_XML_BYTES,
    XSI_LOCATION,
    QtiError,
    parse_xml,
    serialise,
    to_ident,
)
from plugins.qti.export import item_to_xml
from plugins.qti.importer import xml_to_item

MANIFEST = "imsmanifest.xml"


class _Refused(QtiError):
    """The package as a whole is refused, not just one member."""


_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, RuntimeError, NotImplementedError, OSError,
               EOFError, ValueError)


def export_package(items: list[dict]) -> bytes:
    """A QTI 3.0 content package (zip): imsmanifest.xml and items/<id>.xml per item.

    The bytes depend on the items only (fixed timestamps), so equal items give equal files.
    Raises QtiError for an item that cannot be exported or an id used twice."""
    files: list[tuple[str, str, bytes]] = []
    seen: set[str] = set()
    for item in items:
        data = item_to_xml(item).encode("utf-8")
        ident = to_ident(item["id"], "id")
        if ident in seen:
            raise QtiError("The same item id twice in one export.", item=item["id"])
        seen.add(ident)
        files.append((f"items/{ident}.xml", ident, data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in [(MANIFEST, _manifest(files))] + [(n, d) for n, _, d in files]:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type, info.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
            zf.writestr(info, data)
    return out.getvalue()


def _manifest(files: list[tuple[str, str, bytes]]) -> bytes:
    digest = hashlib.sha256(b"\0".join(data for *_, data in files)).hexdigest()[:16]

    def cp(parent: Element, name: str, text: str | None = None, **attrs: str) -> Element:
        node = SubElement(parent, f"{{{CP_NS}}}{name}", attrs)
        node.text = text
        return node

    root = Element(f"{{{CP_NS}}}manifest", {XSI_LOCATION: f"{CP_NS} {CP_XSD}",
                                            "identifier": f"MANIFEST-{digest}"})
    metadata = cp(root, "metadata")
    cp(metadata, "schema", "QTI Package")
    cp(metadata, "schemaversion", "3.0.0")
    cp(root, "organizations")
    resources = cp(root, "resources")
    for name, ident, _data in files:
        cp(cp(resources, "resource", identifier=ident, type=ITEM_RESOURCE_TYPE, href=name),
           "file", href=name)
    return serialise(root, CP_NS).encode("utf-8")


def import_package(data: bytes, *, filename: str = "<package>"
                   ) -> tuple[list[dict], list[Problem]]:
    """Items from a QTI 3.0 content package (zip) or a single item XML document.

    Never raises for bad content: returns the items it could read and a Problem for each
    item it could not (naming the file and the item), or no items and one Problem when the
    package as a whole is refused (too big, too many members, a member path outside the
    package, not a zip, a bad manifest)."""
    data = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    try:
        if len(data) > MAX_PACKAGE_BYTES:
            raise QtiError(f"The package is {len(data):,} bytes; at most "
                           f"{MAX_PACKAGE_BYTES:,} are accepted.")
        if data[:2] == b"PK":
            entries = _zip_entries(data)
            if not entries:
                raise QtiError("The package holds no QTI items.")
        else:
            entries = [(filename, data)]
    except QtiError as exc:
        return [], [Problem(exc.file or filename, exc.message, item=exc.item, field=exc.field)]
    items: list[dict] = []
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for name, blob in entries:
        try:
            if isinstance(blob, QtiError):
                raise blob
            item = xml_to_item(blob, filename=name)
        except QtiError as exc:
            problems.append(Problem(exc.file or name, exc.message, item=exc.item,
                                    field=exc.field))
            continue
        if item["id"] in seen:
            problems.append(Problem(name, f"Duplicate item id; also in {seen[item['id']]}.",
                                    item=item["id"], field="identifier"))
            continue
        seen[item["id"]] = name
        items.append(item)
    return items, problems


def _check_path(name: str, where: str) -> str:
    """Refuse an absolute path or one that climbs out of the package (zip-slip)."""
    if name.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", name):
        raise QtiError(f"{where} {name!r} is an absolute path; refusing the package.")
    if ".." in re.split(r"[\\/]", name):
        raise QtiError(f"{where} {name!r} contains '..' (a path outside the package); "
                       "refusing the package.")
    return name


def _zip_entries(data: bytes) -> list[tuple[str, bytes | QtiError]]:
    """The item documents of a zip package, each as bytes or as the error reading it."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except _ZIP_ERRORS as exc:
        raise QtiError(f"Not a readable zip file: {exc}") from None
    if len(infos) > MAX_MEMBERS:
        raise QtiError(f"The package has {len(infos):,} files; at most {MAX_MEMBERS:,} are "
                       "accepted.")
    members = {_check_path(info.filename, "Package member"): info for info in infos}
    budget = [MAX_TOTAL_XML_BYTES]
    if MANIFEST in members:
        manifest = parse_xml(_read(zf, members[MANIFEST], budget), MANIFEST)
        hrefs = [_check_path(unquote(href), f"{MANIFEST} names") for href in _item_hrefs(manifest)]
    else:
        hrefs = sorted(n for n in members if n.lower().endswith(".xml") and not n.endswith("/"))
    entries: list[tuple[str, bytes | QtiError]] = []
    for href in hrefs:
        info = members.get(href)
        if info is None:
            entries.append((href, QtiError(f"Listed in {MANIFEST} but not in the package.",
                                           file=href)))
            continue
        try:
            entries.append((href, _read(zf, info, budget)))
        except _Refused:
            raise
        except QtiError as exc:
            entries.append((href, exc))
    return entries


def _item_hrefs(manifest: Element) -> list[str]:
    """The href of every QTI item resource the manifest lists (any namespace)."""
    if manifest.tag.rsplit("}", 1)[-1] != "manifest":
        raise QtiError(f"The root element of {MANIFEST} is not <manifest>.", file=MANIFEST)
    hrefs = []
    for node in manifest.iter():
        if node.tag.rsplit("}", 1)[-1] == "resource" and \
                (node.get("type") or "").startswith("imsqti_item_xml"):
            href = node.get("href")
            if not href:
                raise QtiError("An item resource has no href.", file=MANIFEST)
            hrefs.append(href)
    return hrefs


def _read(zf: zipfile.ZipFile, info: zipfile.ZipInfo, budget: list[int]) -> bytes:
    """A member's bytes, reading at most MAX_XML_BYTES + 1 whatever its header claims."""
    try:
        with zf.open(info) as stream:
            blob = stream.read(MAX_XML_BYTES + 1)
    except _ZIP_ERRORS as exc:
        raise QtiError(f"Cannot be read from the zip: {exc}", file=info.filename) from None
    if len(blob) > MAX_XML_BYTES:
        raise QtiError(f"The file is over {MAX_XML_BYTES:,} bytes; an XML file may have at "
                       f"most {MAX_XML_BYTES:,}.", file=info.filename)
    budget[0] -= len(blob)
    if budget[0] < 0:
        raise _Refused(f"The package's XML files add up to more than "
                       f"{MAX_TOTAL_XML_BYTES:,} bytes; refusing the package.")
    return blob
