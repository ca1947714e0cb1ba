"""The certificate-renderer contract: a plugin turns a certificate context into a document."""

from __future__ import annotations

from typing import Any, ClassVar


class CertificateRenderer:
    """Base class for certificate renderers registered through
    ``register_certificate_renderers``.

    ``render`` receives a plain dict (holder, scheme, outcomes, dates, id, verify URL, and a
    ``render_template`` callable for theme templates) and returns the document's bytes.
    """

    name: ClassVar[str] = ""
    media_type: ClassVar[str] = ""
    file_extension: ClassVar[str] = ""

    def render(self, context: dict[str, Any]) -> bytes:
        raise NotImplementedError
