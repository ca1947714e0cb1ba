"""Media: trainers upload images for item content; signed-in users see them in items."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from engine.services import media
from engine.web.authoring import message
from engine.web.common import db, role_required, signed_in
from engine.web.limits import limiter, upload_limit

bp = Blueprint("media", __name__)


@bp.route("/media/<filename>")
@signed_in
def serve(filename: str):
    found = media.find(db(), filename)
    if found is None:
        abort(404)
    return Response(found.data, mimetype=found.content_type, headers={
        "Content-Disposition": f'inline; filename="{found.filename}"',
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
        # The address is the content's hash: it never changes.
        "Cache-Control": "private, max-age=31536000, immutable"})


# Flask-Talisman would put the site's policy over the sandbox above: this view keeps its own.
serve.talisman_view_options = {"content_security_policy": "default-src 'none'; sandbox"}


@bp.route("/author/media", methods=["GET", "POST"])
@role_required("trainer")
@limiter.limit(upload_limit, methods=["POST"])
def library():
    status = 200
    if request.method == "POST":
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            flash(_("Choose a file to upload."), "error")
            status = 400
        else:
            limit = current_app.config["MEDIA_MAX_BYTES"]
            data = upload.stream.read(limit + 1)
            try:
                stored = media.store(db(), current_user, data, upload.filename, max_bytes=limit)
            except media.MediaError as exc:
                flash(message(exc), "error")
                status = 400
            else:
                alt = _("description")
                flash(_("Uploaded. Use it in a stem or feedback as: %(snippet)s",
                        snippet=f"![{alt}]({media.url(stored)})"), "info")
                return redirect(url_for("media.library"))
    return render_template("author/media.html", files=media.recent(db()), url=media.url,
                           limit=current_app.config["MEDIA_MAX_BYTES"]), status
