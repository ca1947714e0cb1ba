"""Built-in plugin: the certificate as a signed Open Badges 3.0 credential (VC-JWT).

The document is the compact JWS itself (ASCII), served as ``application/vc+ld+json+jwt``
(the media type of a JWT-secured JSON-LD verifiable credential) at
``/certificates/<id>.jwt``. The plugin never touches keys: the engine passes ``sign``.
"""

from __future__ import annotations

from engine.domain.certificates import CertificateRenderer
from engine.hookspecs import hookimpl
from engine.services.credentials import MEDIA_TYPE, build_credential


class OpenBadgeCredentialRenderer(CertificateRenderer):
    """Needs in the context: ``credential_data`` (see ``build_credential``), ``base_url``,
    ``issuer`` ({"id", "name", "url"}), ``status_list_url`` and ``sign`` (credential dict ->
    compact JWS string)."""

    name = "openbadge"
    media_type = MEDIA_TYPE
    file_extension = "jwt"

    def render(self, context):
        missing = [k for k in ("credential_data", "base_url", "issuer", "status_list_url",
                               "sign") if k not in context]
        if missing:
            raise KeyError(f"The openbadge renderer needs {', '.join(missing)} in its context "
                           "(engine.web.credentials.credential_context gives them).")
        credential = build_credential(
            context["credential_data"], base_url=context["base_url"],
            issuer=context["issuer"], status_list_url=context["status_list_url"])
        return context["sign"](credential).encode("ascii")


@hookimpl
def register_certificate_renderers():
    return [OpenBadgeCredentialRenderer]
