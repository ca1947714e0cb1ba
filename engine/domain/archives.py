"""Reading zip archives that come from outside, within limits: no member outside the archive
(absolute paths, '..'), not too many members, no member or total larger than allowed however
small its header claims it is (zip bombs)."""

from __future__ import annotations

import io
import re
import zipfile
import zlib

MAX_MEMBERS = 5000
MAX_MEMBER_BYTES = 20 * 1024 * 1024
MAX_TOTAL_BYTES = 200 * 1024 * 1024

_ERRORS = (zipfile.BadZipFile, zlib.error, RuntimeError, NotImplementedError, OSError,
           EOFError, ValueError)


class ArchiveError(ValueError):
    """The archive is refused as a whole; the message says why."""


def is_zip(data: bytes) -> bool:
    return data[:4] == b"PK\x03\x04" or data[:4] == b"PK\x05\x06"


def _check_path(name: str) -> str:
    if name.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", name):
        raise ArchiveError(f"The archive member {name!r} has an absolute path.")
    if ".." in re.split(r"[\\/]", name):
        raise ArchiveError(f"The archive member {name!r} points outside the archive ('..').")
    return name


def members(data: bytes, *, max_members: int = MAX_MEMBERS,
            max_member_bytes: int = MAX_MEMBER_BYTES,
            max_total_bytes: int = MAX_TOTAL_BYTES) -> list[tuple[str, bytes]]:
    """The files of a zip archive as (name, bytes), in the archive's order (folders left
    out); raises ArchiveError when the archive is unreadable or breaks a limit."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except _ERRORS as exc:
        raise ArchiveError(f"Not a readable zip file: {exc}") from None
    if len(infos) > max_members:
        raise ArchiveError(f"The archive has {len(infos):,} files; at most {max_members:,} "
                           "are accepted.")
    found: list[tuple[str, bytes]] = []
    total = 0
    for info in infos:
        name = _check_path(info.filename)
        if name.endswith("/"):
            continue
        try:
            with archive.open(info) as stream:
                blob = stream.read(max_member_bytes + 1)
        except _ERRORS as exc:
            raise ArchiveError(f"{name} cannot be read from the archive: {exc}") from None
        if len(blob) > max_member_bytes:
            raise ArchiveError(f"{name} is larger than {max_member_bytes:,} bytes.")
        total += len(blob)
        if total > max_total_bytes:
            raise ArchiveError(f"The archive's files add up to more than "
                               f"{max_total_bytes:,} bytes.")
        found.append((name, blob))
    return found


def write(files: list[tuple[str, bytes]]) -> bytes:
    """A zip of the files, with fixed timestamps: equal files give equal bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type, info.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
            archive.writestr(info, data)
    return out.getvalue()
