"""Downloading certificate documents (holder, officers and admins only)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, render_template
from flask_babel import gettext as _
from flask_login import current_user

from engine.services import certification
from engine.web.common import db, plugins, signed_in
from engine.web.static import asset_path

bp = Blueprint("certificates", __name__)


def document_context() -> dict:
    """What a renderer plugin needs from the app, as plain values and callables."""
    return {"render_template": render_template, "asset_path": asset_path}


def verify_url(public_id: str) -> str:
    """The public verification address, from the configured base URL (never the request's
    Host header, which a client chooses)."""
    from engine.web.credentials import _path

    return current_app.config["BASE_URL"] + _path("verify.page", public_id=public_id)


def renderer_for(ext: str):
    return next((r for r in plugins().renderers if r.file_extension == ext), None)


def document_bytes(certificate, ext: str) -> bytes:
    """The certificate as the document with this file extension: the PDF carries the signed
    credential in its metadata, so that an uploaded PDF can be verified too."""
    from engine.web import credentials

    renderer = renderer_for(ext)
    context = document_context() | {"verify_url": verify_url(certificate.public_id)}
    if renderer.name == "openbadge":
        context |= credentials.credential_context(certificate)
    elif "openbadge" in plugins().renderers:
        context["credential_jwt"] = credentials.credential_jwt(certificate)
    return certification.render(plugins(), certificate, renderer.name, context)


@bp.route("/certificates/<public_id>.<ext>")
@signed_in
def download(public_id: str, ext: str):
    certificate = certification.get_certificate(db(), public_id)
    if certificate is None:
        abort(404)
    if certificate.user_id != current_user.id and not current_user.has_role("officer"):
        abort(403)
    renderer = renderer_for(ext)
    if renderer is None:
        abort(404)
    if certificate.revoked_at is not None and not current_user.has_role("officer"):
        # Revoked means revoked everywhere: the holder gets no clean document to show.
        abort(410, description=_("This certificate was revoked: it is no longer offered for "
                                 "download. Its verification page shows the revocation."))
    data = document_bytes(certificate, ext)
    filename = f"{certificate.public_id}.{renderer.file_extension}"
    return Response(data, mimetype=renderer.media_type,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
