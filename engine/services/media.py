"""Media for item content: images that trainers upload, checked and kept in the database.

An upload must be a PNG, JPEG, GIF or WebP image that Pillow can read (whatever the file is
called), no larger than MEDIA_MAX_BYTES and no more than MAX_PIXELS in area (a small file can
hold a huge picture). SVG is refused: it can carry scripts. Each file is stored once, by the
SHA-256 of its bytes, and addressed as ``/media/<sha256>.<ext>``: the address is the same on
every installation, so an item exported with its media and imported elsewhere keeps working.
"""

from __future__ import annotations

import hashlib
import io
import re
import warnings

from PIL import Image, UnidentifiedImageError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine.domain.text import N_, UserError
from engine.models import Media, User

#: Pillow format -> (media type, file name endings; the first is the canonical one)
TYPES = {"PNG": ("image/png", ("png",)), "JPEG": ("image/jpeg", ("jpg", "jpeg")),
         "GIF": ("image/gif", ("gif",)), "WEBP": ("image/webp", ("webp",))}
EXTENSIONS = {ext: fmt for fmt, (_t, exts) in TYPES.items() for ext in exts}
MAX_PIXELS = 40_000_000
NAME = re.compile(r"^(?P<sha>[0-9a-f]{64})\.(?P<ext>[a-z]{3,4})$")
REFERENCE = re.compile(r"/media/([0-9a-f]{64}\.[a-z]{3,4})\b")


class MediaError(UserError):
    """An upload that is refused; the message says why."""


def _inspect(data: bytes) -> tuple[str, int, int]:
    """(Pillow format, width, height) of an image that decodes; raises MediaError."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as image:
                fmt, (width, height) = image.format, image.size
                if fmt not in TYPES:
                    raise MediaError(N_("%(format)s images are not accepted; upload PNG, JPEG, "
                                        "GIF or WebP."), format=fmt or "?")
                if width * height > MAX_PIXELS:
                    raise MediaError(N_("The image is %(w)d × %(h)d pixels; at most "
                                        "%(max)d million pixels are accepted."),
                                     w=width, h=height, max=MAX_PIXELS // 1_000_000)
                image.verify()
        except (UnidentifiedImageError, Image.DecompressionBombError,
                Image.DecompressionBombWarning):
            raise MediaError(N_("The file is not an image in an accepted format (PNG, JPEG, "
                                "GIF or WebP).")) from None
        except (OSError, SyntaxError, ValueError) as exc:
            raise MediaError(N_("The image is damaged and cannot be read (%(reason)s)."),
                             reason=str(exc)[:100]) from None
    return fmt, width, height


def store(session: Session, user: User | None, data: bytes, filename: str, *,
          max_bytes: int) -> Media:
    """Check and keep an uploaded image; the same bytes twice give the same file."""
    if not data:
        raise MediaError(N_("The file is empty."))
    if len(data) > max_bytes:
        raise MediaError(N_("The file is %(size)d KB; at most %(max)d KB are accepted."),
                         size=round(len(data) / 1024), max=round(max_bytes / 1024))
    fmt, width, height = _inspect(data)
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if ext and EXTENSIONS.get(ext) != fmt:
        raise MediaError(N_("The file is called %(name)s but holds a %(format)s image; rename "
                            "it or upload the right file."), name=filename, format=fmt)
    digest = hashlib.sha256(data).hexdigest()
    existing = session.scalar(select(Media).where(Media.sha256 == digest))
    if existing is not None:
        return existing
    media = Media(sha256=digest, filename=_safe_name(filename, TYPES[fmt][1][0]),
                  content_type=TYPES[fmt][0], size=len(data), width=width, height=height,
                  data=data, uploaded_by_id=user.id if user else None)
    session.add(media)
    try:
        session.commit()
    except IntegrityError:  # the same file uploaded by another request just now
        session.rollback()
        return session.scalar(select(Media).where(Media.sha256 == digest))
    return media


def _safe_name(filename: str, ext: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", filename.rsplit("/", 1)[-1]).strip("-.")[:150]
    return stem or f"image.{ext}"


def name(media: Media) -> str:
    """The file name under /media/: ``<sha256>.<ext>``."""
    return f"{media.sha256}.{media.content_type.split('/')[1].replace('jpeg', 'jpg')}"


def url(media: Media) -> str:
    return f"/media/{name(media)}"


def find(session: Session, filename: str) -> Media | None:
    match = NAME.match(filename or "")
    if not match:
        return None
    media = session.scalar(select(Media).where(Media.sha256 == match["sha"]))
    return media if media is not None and name(media) == filename else None


def recent(session: Session, limit: int = 200) -> list[Media]:
    return list(session.scalars(select(Media).order_by(Media.id.desc()).limit(limit)))


def referenced(texts: list[str]) -> set[str]:
    """Media file names that the texts point to."""
    return {m for text in texts for m in REFERENCE.findall(text or "")}
