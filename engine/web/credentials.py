"""Open Badges credentials on the web: public keys, the revocation list, verifying an upload.

Also the glue the certificate download needs: ``credential_context(certificate)`` gives the
``openbadge`` renderer its context, ``credential_jwt(certificate)`` the token the PDF embeds.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    current_app,
    jsonify,
    render_template,
    request,
)

from engine.models import Certificate
from engine.services import certification, credentials
from engine.services.keys import KeyRing, keyring_for
from engine.web.common import db, public
from engine.web.limits import limiter, upload_limit, verify_limit

bp = Blueprint("credentials", __name__)

MAX_UPLOAD = 5 * 1024 * 1024


def keyring() -> KeyRing:
    return keyring_for(current_app)


def _path(endpoint: str, **values) -> str:
    """An app path, with or without a request (background rendering has none)."""
    return current_app.url_map.bind("localhost").build(endpoint, values)


def base_url() -> str:
    """The configured public address: never taken from the request (its Host header is the
    client's to choose, and signed credentials must not carry it)."""
    return current_app.config["BASE_URL"].rstrip("/")


def issuer_profile() -> dict:
    url = (current_app.config.get("ISSUER_URL") or base_url()).rstrip("/")
    return {"id": url, "name": current_app.config.get("ISSUER_NAME") or "Outcome Engine",
            "url": url}


def status_list_url() -> str:
    return base_url() + _path("credentials.status_list")


def certificate_data(certificate: Certificate) -> dict:
    """What ``credentials.build_credential`` and ``credentials.compare`` need of a
    certificate in the registry."""
    data = certification.verification(certificate)
    erased = certificate.user.erased_at is not None
    data.update({
        # After erasure the register keeps only the holder's salted hashes.
        "holder": None if erased else certificate.holder_name,
        "holder_email": None if erased else certificate.user.email,
        "salt": certificate.identity_salt,
        "holder_email_hash": certificate.holder_email_hash,
        "holder_name_hash": certificate.holder_name_hash,
        "scheme_uid": certificate.scheme.uid,
        "scheme_version": certificate.scheme_version or 1,
        "description": certificate.scheme.description or "",
        "issued_at": certificate.issued_at.isoformat(),
        "expires_at": certificate.expires_at.isoformat() if certificate.expires_at else None,
        "status_index": certificate.status_index,
        "evidence": certificate.evidence,
        "verify_url": base_url() + _path("verify.page", public_id=certificate.public_id)})
    return data


def credential_context(certificate: Certificate) -> dict:
    """The context keys of the ``openbadge`` renderer."""
    ring = keyring()
    return {"credential_data": certificate_data(certificate), "base_url": base_url(),
            "issuer": issuer_profile(), "status_list_url": status_list_url(),
            "sign": lambda credential: credentials.sign(credential, ring)}


def credential_jwt(certificate: Certificate) -> str:
    """The certificate's signed credential (for ``credential_jwt`` in the PDF context)."""
    context = credential_context(certificate)
    return context["sign"](credentials.build_credential(
        context["credential_data"], base_url=context["base_url"], issuer=context["issuer"],
        status_list_url=context["status_list_url"]))


def _status_list_token() -> str:
    return credentials.status_list(credentials.revoked_indexes(db()), url=status_list_url(),
                                   issuer=issuer_profile(), keyring=keyring())


@bp.route("/.well-known/jwks.json")
@public
def jwks():
    response = jsonify(keyring().jwks())
    response.headers["Cache-Control"] = "public, max-age=300"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.route("/credentials/status/revocation")
@public
def status_list():
    return Response(_status_list_token(), mimetype=credentials.MEDIA_TYPE,
                    headers={"Cache-Control": "no-cache", "Access-Control-Allow-Origin": "*"})


def verify_document(data: bytes, printed_name: str | None = None) -> dict:
    """Everything the result page says about an uploaded credential or PDF certificate.

    The printed text of a PDF is not read (it is not what is signed, and reading it costs
    what the uploader wants it to): a verifier who types the name printed on the document
    has it compared with the holder's name in the signed credential (its salted hash)."""
    outcome: dict = {"error": None, "kind": "jwt", "signature": None, "public_id": None,
                     "compared": False, "differences": [], "registry": None,
                     "listed_revoked": None, "verdict": "unknown", "printed": {}}
    if data.startswith(b"%PDF"):
        outcome["kind"] = "pdf"
        token = credentials.credential_from_pdf(data)
        if token is None:
            outcome["error"] = "no_credential"
            return outcome
    else:
        token = data.decode("ascii", errors="replace").strip()
    result = credentials.verify(token, keyring())
    outcome["signature"] = result
    credential = result["credential"] or credentials.unverified_credential(token) or {}
    public_id = credentials.certificate_public_id(credential)
    outcome["public_id"] = public_id
    certificate = certification.get_certificate(db(), public_id) if public_id else None
    outcome["registry"] = certification.verification(certificate)
    if certificate is not None and result["signature"] == "valid":
        outcome["compared"] = True
        outcome["differences"] = credentials.compare(credential, certificate_data(certificate))
        status = credential.get("credentialStatus") or {}
        if status.get("statusListCredential") == status_list_url():
            try:
                outcome["listed_revoked"] = credentials.is_revoked(
                    _status_list_token(), int(status.get("statusListIndex")), keyring())
            except (TypeError, ValueError):
                outcome["listed_revoked"] = None
    if printed_name and printed_name.strip() and result["signature"] == "valid":
        outcome["printed"] = {"holder": credentials.holder_name_matches(credential,
                                                                        printed_name)}
        outcome["printed_name"] = printed_name.strip()[:200]
    outcome["verdict"] = verdict(outcome)
    return outcome


def verdict(outcome: dict) -> str:
    """One word for the whole check, the first a lay verifier reads: ``genuine`` (and in
    force), ``revoked``, ``expired``, ``not_genuine`` or ``unknown``."""
    if outcome.get("error"):
        return "unknown"
    if (outcome.get("signature") or {}).get("signature") != "valid":
        return "not_genuine"
    registry = outcome.get("registry") or {}
    if registry.get("status", "unknown") == "unknown":
        return "unknown"
    if outcome.get("differences") or False in (outcome.get("printed") or {}).values():
        return "not_genuine"
    if registry["status"] in ("revoked", "expired"):
        return registry["status"]
    return "genuine"


@bp.route("/verify/upload", methods=["POST"])
@public
@limiter.shared_limit(verify_limit, scope="verify")
@limiter.limit(upload_limit)
def upload():
    """Public: check an uploaded credential (.jwt) or PDF certificate. CSRF-protected like
    every form; the upload form carries the token."""
    upload = request.files.get("document")
    if upload is None or not upload.filename:
        return render_template("verify/upload_result.html", error="no_file"), 400
    data = upload.stream.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        return render_template("verify/upload_result.html", error="too_large"), 413
    if not data.strip():
        return render_template("verify/upload_result.html", error="empty"), 400
    outcome = verify_document(data, request.form.get("printed_name", "")[:300])
    return render_template("verify/upload_result.html", **outcome)
