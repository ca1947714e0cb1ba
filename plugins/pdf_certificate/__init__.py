"""Built-in plugin: the PDF certificate, rendered by xhtml2pdf from a theme template.

When the context holds ``credential_jwt`` (the certificate's signed Open Badges credential),
the PDF carries it in its document information under ``/OECredential``, so that an uploaded
PDF can be verified (``engine.services.credentials.credential_from_pdf``).
"""

from __future__ import annotations

import io
from pathlib import Path

import segno
from pypdf import PdfReader, PdfWriter
from xhtml2pdf import pisa

from engine.domain.certificates import CertificateRenderer
from engine.hookspecs import hookimpl


class RenderError(RuntimeError):
    """xhtml2pdf could not turn the certificate template into a PDF."""


class PdfCertificateRenderer(CertificateRenderer):
    """A one-page A4 landscape certificate with a QR code to its public verify page.

    The context must hold ``render_template`` (a callable rendering a theme template) and
    ``asset_path`` (a callable giving the file path of a theme static file), so that this
    plugin needs no Flask. An optional ``credential_jwt`` is embedded as ``/OECredential``.
    """

    name = "pdf"
    media_type = "application/pdf"
    file_extension = "pdf"
    template = "certificates/certificate.html"

    def render(self, context):
        qr = segno.make(context["verify_url"], error="m")
        html = context["render_template"](
            self.template, qr_data_uri=qr.png_data_uri(scale=5, border=2),
            font_regular=context["asset_path"]("fonts/DejaVuSans.ttf"),
            font_bold=context["asset_path"]("fonts/DejaVuSans-Bold.ttf"), **{
                k: v for k, v in context.items()
                if k not in ("render_template", "asset_path", "sign")})
        pdf = html_to_pdf(html)
        if context.get("credential_jwt"):
            pdf = embed_credential(pdf, context["credential_jwt"])
        return pdf


def html_to_pdf(html: str) -> bytes:
    """Run xhtml2pdf on a complete HTML document; local files only, never the network."""
    out = io.BytesIO()

    def local_only(uri: str, _rel: str) -> str:
        if uri.startswith("data:"):
            return uri
        path = Path(uri)
        if not path.is_absolute() or not path.is_file():
            raise RenderError(f"The certificate template refers to {uri!r}, which is not a "
                              "local file; use asset_path() for theme files.")
        return str(path)

    result = pisa.CreatePDF(html, dest=out, encoding="utf-8", link_callback=local_only)
    if result.err:
        raise RenderError(f"xhtml2pdf reported {result.err} error(s) rendering the certificate.")
    return out.getvalue()


def embed_credential(pdf: bytes, token: str) -> bytes:
    """The PDF with ``token`` in its document information as ``/OECredential``."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.add_metadata({"/OECredential": token})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@hookimpl
def register_certificate_renderers():
    return [PdfCertificateRenderer]
