"""Open Badges 3.0 credentials: keys, signing, tampering, rotation, the revocation list, the
OB 3.0 schema, the credential inside the PDF, and the public routes."""

from __future__ import annotations

import base64
import itertools
import json
import os
import re
import stat
import threading
from datetime import UTC, datetime
from pathlib import Path

import jsonschema
import jwt
import pytest
from sqlalchemy import select

from engine.services import credentials
from engine.services.keys import KeyRing
from tests.conftest import make_app, wipe_learner_data

SCHEMA = Path(__file__).parent / "data" / "ob3" / "achievementcredential.schema.json"
ISSUER = {"id": "https://oe.example.eu", "name": "Outcome Engine", "url": "https://oe.example.eu"}
STATUS_URL = "https://oe.example.eu/credentials/status/revocation"
DATA = {
    "id": "OE-7K3M-Q9TX-A2B4", "holder": "Sanne de Vries", "holder_email": "Learner@Example.org",
    "scheme": "Het persoonlijk onderhoud: basis", "scheme_uid": "po-basis", "scheme_version": 2,
    "description": "Basic personal interview.", "eqf_level": 5,
    "outcomes": [{"code": "ESQF-E-18e", "text": "Voert een persoonlijk onderhoud."},
                 {"code": "ESQF-P-3c", "text": "Past de procedurele waarborgen toe."}],
    "issued_at": "2025-03-01T09:30:00.123456+00:00", "expires_at": "2028-03-01T09:30:00+00:00",
    "status_index": 42,
    "evidence": {"requirements": [{"label": "Assessment passed", "met": True,
                                   "evidence": "85 %"}]},
}
_index = itertools.count(1000)


@pytest.fixture
def ring(tmp_path) -> KeyRing:
    return KeyRing(tmp_path / "keys")


def build(data=None, **changes) -> dict:
    return credentials.build_credential({**(data or DATA), **changes},
                                        base_url="https://oe.example.eu/", issuer=ISSUER,
                                        status_list_url=STATUS_URL)


def segment(token: str, n: int) -> dict:
    part = token.split(".")[n]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


# -- signing and verifying ---------------------------------------------------------------------
def test_a_signed_credential_verifies(ring):
    credential = build()
    token = credentials.sign(credential, ring)
    result = credentials.verify(token, ring)
    assert result["signature"] == "valid", result
    assert result["kid"] == ring.current_kid() and result["credential"] == credential
    assert credentials.verify(token.encode("ascii"), ring)["signature"] == "valid"
    assert segment(token, 0) == {"alg": "EdDSA", "kid": ring.current_kid(), "typ": "JWT"}
    claims = segment(token, 1)
    assert claims["iss"] == ISSUER["id"] and claims["jti"] == credential["id"]
    assert claims["nbf"] == datetime(2025, 3, 1, 9, 30, tzinfo=UTC).timestamp()
    assert claims["exp"] == datetime(2028, 3, 1, 9, 30, tzinfo=UTC).timestamp()
    assert claims["vc"] == credential


def test_every_changed_character_invalidates_the_credential(ring):
    token = credentials.sign(build(), ring)
    for i, char in enumerate(token):
        replacement = "A" if char != "A" else "B"
        changed = token[:i] + replacement + token[i + 1:]
        assert credentials.verify(changed, ring)["signature"] == "invalid", (i, char)
    raw, first, last = token.encode("ascii"), token.index("."), token.rindex(".")
    # Flipping a low bit also yields characters outside base64url; every byte of the header,
    # both dots and the signature, and every fifth byte of the payload.
    for i in [*range(first + 1), *range(first + 1, last, 5), *range(last, len(raw))]:
        flipped = raw[:i] + bytes([raw[i] ^ 0x01]) + raw[i + 1:]
        assert credentials.verify(flipped, ring)["signature"] == "invalid", i
    payload_at, signature_at = token.index(".") + 5, token.rindex(".") + 5
    for at, code in ((payload_at, "bad_signature"), (signature_at, "bad_signature")):
        changed = token[:at] + ("A" if token[at] != "A" else "B") + token[at + 1:]
        assert credentials.verify(changed, ring)["code"] in (code, "malformed")


@pytest.mark.parametrize("garbage", [
    "", "   ", "abc", "a.b.c", "a.b.", "..", "x" * 5000, None, 42, b"\xff\xfe\x00",
    "eyJhbGciOiJub25lIn0.eyJ2YyI6e319.", "eyJhbGciOiJIUzI1NiJ9.e30.c2ln",
    "W1tbW1tbW1tbW1tbW1tbW1tbW1tbW1tbW1tbW1tbW1tbW1tbW1tbW1tbW1tbW1tbW1tb.e30.c2ln",
])
def test_garbage_is_invalid_and_never_raises(ring, garbage):
    result = credentials.verify(garbage, ring)
    assert result["signature"] == "invalid" and result["reason"] and result["credential"] is None


def test_truncated_credentials_are_invalid(ring):
    token = credentials.sign(build(), ring)
    for cut in (1, 10, token.index("."), token.index(".") + 1, len(token) // 2,
                token.rindex("."), len(token) - 1):
        assert credentials.verify(token[:cut], ring)["signature"] == "invalid", cut


def test_a_credential_from_another_key_ring_is_rejected(ring, tmp_path):
    other = KeyRing(tmp_path / "other")
    foreign = credentials.sign(build(), other)
    result = credentials.verify(foreign, ring)
    assert result["signature"] == "invalid" and result["code"] == "unknown_key"
    # The same kid as ours, but signed with the other ring's key: the signature fails.
    forged = jwt.encode(segment(foreign, 1), other.current()[1], algorithm="EdDSA",
                        headers={"kid": ring.current_kid(), "typ": "JWT"})
    result = credentials.verify(forged, ring)
    assert result["signature"] == "invalid" and result["code"] == "bad_signature"


def test_a_kid_is_never_a_path(ring, tmp_path):
    outside = KeyRing(tmp_path / "elsewhere")
    token = credentials.sign(build(), outside)
    header = {"alg": "EdDSA", "kid": f"../elsewhere/{outside.current_kid()}", "typ": "JWT"}
    forged = jwt.encode(segment(token, 1), outside.current()[1], algorithm="EdDSA",
                        headers=header)
    assert credentials.verify(forged, ring)["code"] == "unknown_key"


# -- keys ---------------------------------------------------------------------------------------
def test_rotation_keeps_old_credentials_valid(ring, tmp_path):
    old_kid = ring.current_kid()
    old_token = credentials.sign(build(), ring)
    new_kid = ring.rotate()
    assert new_kid != old_kid and ring.current_kid() == new_kid
    assert credentials.verify(old_token, ring)["kid"] == old_kid
    assert credentials.verify(old_token, ring)["signature"] == "valid"
    new_token = credentials.sign(build(), ring)
    assert segment(new_token, 0)["kid"] == new_kid
    # Another worker reading the same folder sees the rotation and both keys.
    fresh = KeyRing(tmp_path / "keys")
    assert fresh.current_kid() == new_kid
    assert credentials.verify(old_token, fresh)["signature"] == "valid"
    assert [k["kid"] for k in fresh.jwks()["keys"]] == [new_kid, old_kid]


def test_key_files_and_jwks(ring):
    kid = ring.current_kid()
    pem = ring.path / f"{kid}.pem"
    assert stat.S_IMODE(pem.stat().st_mode) == 0o600
    assert b"PRIVATE KEY" in pem.read_bytes()
    assert (ring.path / "current").read_text().strip() == kid
    (key,) = ring.jwks()["keys"]
    assert key == {"kty": "OKP", "crv": "Ed25519", "x": key["x"], "kid": kid, "use": "sig",
                   "alg": "EdDSA"}
    assert len(base64.urlsafe_b64decode(key["x"] + "=")) == 32
    assert "d" not in key


def test_workers_starting_at_once_share_one_first_key(tmp_path):
    path, kids, barrier = tmp_path / "race", [], threading.Barrier(8)

    def start():
        barrier.wait()
        kids.append(KeyRing(path).current_kid())

    threads = [threading.Thread(target=start) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(kids)) == 1 and len(kids) == 8
    assert [p.stem for p in path.glob("*.pem")] == kids[:1]
    assert not [p for p in os.listdir(path) if p.startswith(".")]


# -- the revocation list ------------------------------------------------------------------------
def test_status_list_round_trips(ring):
    revoked = {0, 7, 8, 42, 131071}
    token = credentials.status_list(revoked, url=STATUS_URL, issuer=ISSUER, keyring=ring)
    for index in revoked:
        assert credentials.is_revoked(token, index, ring) is True, index
    for index in (1, 6, 9, 41, 43, 1000, 131070):
        assert credentials.is_revoked(token, index, ring) is False, index
    vc = credentials.verify(token, ring)["credential"]
    assert vc["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    subject = vc["credentialSubject"]
    assert subject["type"] == "BitstringStatusList" and subject["statusPurpose"] == "revocation"
    assert subject["encodedList"].startswith("u")
    bits = credentials.decode_status_list(subject["encodedList"])
    assert len(bits) * 8 >= 131072
    assert bits[0] == 0b10000001 and bits[1] == 0b10000000  # bit 0 is the leftmost
    with pytest.raises(ValueError):
        credentials.is_revoked(token, 131072, ring)


def test_status_list_grows_and_must_verify(ring, tmp_path):
    token = credentials.status_list({200000}, url=STATUS_URL, issuer=ISSUER, keyring=ring)
    assert credentials.is_revoked(token, 200000, ring)
    assert not credentials.is_revoked(token, 262143, ring)
    foreign = credentials.status_list(set(), url=STATUS_URL, issuer=ISSUER,
                                      keyring=KeyRing(tmp_path / "other"))
    with pytest.raises(ValueError):
        credentials.is_revoked(foreign, 0, ring)
    with pytest.raises(ValueError):  # a credential is not a status list
        credentials.is_revoked(credentials.sign(build(), ring), 0, ring)


# -- the credential's content -------------------------------------------------------------------
@pytest.mark.parametrize("changes", [{}, {"expires_at": None, "status_index": None,
                                         "evidence": None, "description": ""}])
def test_credential_validates_against_the_ob3_schema(changes):
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(
        build(**changes))]
    assert not errors, errors


def test_credential_content():
    credential = build()
    assert credential["@context"] == credentials.CONTEXT
    assert credential["id"].startswith("urn:uuid:")
    assert credential["issuanceDate"] == credential["validFrom"] == "2025-03-01T09:30:00Z"
    assert credential["expirationDate"] == credential["validUntil"] == "2028-03-01T09:30:00Z"
    subject = credential["credentialSubject"]
    assert subject["licenseNumber"] == DATA["id"]
    assert credentials.certificate_public_id(credential) == DATA["id"]
    email, name = subject["identifier"]
    assert email["identityType"] == "emailAddress" and name["identityType"] == "ext:holderName"
    assert email["identityHash"] == credentials.identity_hash(
        "emailAddress", "learner@example.org", email["salt"])
    text = json.dumps(credential)
    assert "Sanne" not in text and "Example.org" not in text.replace("oe.example", "")
    alignment = subject["achievement"]["alignment"]
    assert [a["targetCode"] for a in alignment] == ["ESQF-E-18e", "ESQF-P-3c", "5"]
    assert alignment[0]["targetUrl"] == "https://oe.example.eu/frameworks/ESQF#ESQF-E-18e"
    assert alignment[0]["targetType"] == "ext:ESQFOutcome"
    assert alignment[-1]["targetType"] == "ext:EQFLevel"
    assert credential["credentialStatus"] == {
        "id": STATUS_URL + "#42", "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation", "statusListIndex": "42",
        "statusListCredential": STATUS_URL}
    assert credential["evidence"][0]["narrative"] == "85 %"


def test_compare_names_what_differs():
    credential = build()
    assert credentials.compare(credential, DATA) == []
    assert credentials.compare(credential, {**DATA, "holder_email": " learner@example.ORG "}) == []
    assert credentials.compare(credential, {**DATA, "holder": "Sanne de Vriez"}) == ["holder_name"]
    assert credentials.compare(credential, {**DATA, "outcomes": DATA["outcomes"][:1],
                                            "eqf_level": 6}) == ["eqf_level", "outcomes"]
    assert credentials.compare(credential, {**DATA, "expires_at": None,
                                            "status_index": 43}) == ["expires", "status_index"]
    assert credentials.compare(credential, {**DATA, "id": "OE-0000-0000-0000"}) == ["id"]


# -- the app: PDF, routes, upload ---------------------------------------------------------------
@pytest.fixture
def cred_app(database_url, tmp_path):
    from engine.web import credentials as web_credentials

    app = make_app(database_url, KEYS_PATH=str(tmp_path / "app-keys"), WTF_CSRF_ENABLED=True,
                   BASE_URL="https://oe.example.eu")
    if "credentials" not in app.blueprints:  # until engine/web/__init__.py registers it
        app.register_blueprint(web_credentials.bp)
    yield app
    wipe_learner_data(app)


def issue(app, *, revoked: bool = False) -> str:
    from engine.models import Certificate, Scheme, utcnow
    from engine.services import accounts, certification

    with app.app_context():
        session = app.extensions["oe_db"].session()
        n = next(_index)
        user = accounts.create_user(session, email=f"holder{n}@test.example",
                                    name=f"Holder Ñame {n}", role="learner",
                                    password="correct horse battery")
        scheme = session.scalar(select(Scheme).order_by(Scheme.id))
        certificate = Certificate(
            public_id=certification.new_public_id(), user_id=user.id, scheme_id=scheme.id,
            holder_name=user.name, scheme_title=scheme.title, eqf_level=scheme.eqf_level,
            outcomes=[{"code": c, "text": "", "earned": 1, "possible": 1}
                      for c in scheme.outcomes],
            issued_at=utcnow(), status_index=n, scheme_version=scheme.version,
            revoked_at=utcnow() if revoked else None,
            revoke_reason="fraud" if revoked else None,
            revoke_public_reason="improperly_obtained" if revoked else None)
        session.add(certificate)
        session.commit()
        return certificate.public_id


def render_pdf(app, public_id: str, with_credential: bool = True) -> bytes:
    from engine.services import certification
    from engine.web import certificates as web_certificates
    from engine.web import credentials as web_credentials

    with app.test_request_context():
        certificate = certification.get_certificate(app.extensions["oe_db"].session(),
                                                    public_id)
        context = web_certificates.document_context() | {"verify_url": "https://x/verify"}
        if with_credential:
            context["credential_jwt"] = web_credentials.credential_jwt(certificate)
        return certification.render(app.extensions["oe_plugins"], certificate, "pdf", context)


def csrf_token(client) -> str:
    html = client.get("/login").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def upload(client, data: bytes, filename: str, printed_name: str = ""):
    from io import BytesIO

    return client.post("/verify/upload", content_type="multipart/form-data", data={
        "csrf_token": csrf_token(client), "document": (BytesIO(data), filename),
        "printed_name": printed_name})


def test_the_pdf_carries_the_credential(cred_app):
    public_id = issue(cred_app)
    pdf = render_pdf(cred_app, public_id)
    token = credentials.credential_from_pdf(pdf)
    assert token is not None
    from engine.services.keys import keyring_for

    result = credentials.verify(token, keyring_for(cred_app))
    assert result["signature"] == "valid"
    assert credentials.certificate_public_id(result["credential"]) == public_id
    assert credentials.credential_from_pdf(render_pdf(cred_app, public_id, False)) is None
    assert credentials.credential_from_pdf(b"%PDF-1.4 broken") is None
    assert credentials.credential_from_pdf(b"") is None


def test_openbadge_renderer_is_registered(cred_app):
    from engine.services import certification
    from engine.web import credentials as web_credentials

    renderer = cred_app.extensions["oe_plugins"].renderers.get("openbadge")
    assert renderer.file_extension == "jwt"
    assert renderer.media_type == "application/vc+ld+json+jwt"
    public_id = issue(cred_app)
    with cred_app.test_request_context():
        certificate = certification.get_certificate(cred_app.extensions["oe_db"].session(),
                                                    public_id)
        token = certification.render(cred_app.extensions["oe_plugins"], certificate,
                                     "openbadge",
                                     web_credentials.credential_context(certificate))
        result = credentials.verify(token, web_credentials.keyring())
        assert result["signature"] == "valid"
        assert credentials.compare(result["credential"],
                                   web_credentials.certificate_data(certificate)) == []


def test_jwks_and_status_list_routes(cred_app):
    from engine.services.keys import keyring_for

    revoked = issue(cred_app, revoked=True)
    kept = issue(cred_app)
    client = cred_app.test_client()
    keys = client.get("/.well-known/jwks.json")
    assert keys.status_code == 200 and keys.json["keys"][0]["kty"] == "OKP"
    response = client.get("/credentials/status/revocation")
    assert response.status_code == 200
    assert response.mimetype == "application/vc+ld+json+jwt"
    token, ring = response.get_data(as_text=True), keyring_for(cred_app)
    with cred_app.app_context():
        from engine.services import certification

        session = cred_app.extensions["oe_db"].session()
        revoked_index = certification.get_certificate(session, revoked).status_index
        kept_index = certification.get_certificate(session, kept).status_index
    assert credentials.is_revoked(token, revoked_index, ring)
    assert not credentials.is_revoked(token, kept_index, ring)


def test_uploading_the_pdf_verifies_it(cred_app):
    public_id = issue(cred_app)
    client = cred_app.test_client()
    html = upload(client, render_pdf(cred_app, public_id), "certificate.pdf").get_data(
        as_text=True)
    assert 'data-signature="valid"' in html and 'data-match="yes"' in html
    assert 'data-status="valid"' in html and public_id in html
    assert 'data-listed-revoked="no"' in html


def test_uploads_of_changed_revoked_or_foreign_credentials(cred_app, tmp_path):
    from engine.services.keys import keyring_for

    client = cred_app.test_client()
    revoked = issue(cred_app, revoked=True)
    token = credentials.credential_from_pdf(render_pdf(cred_app, revoked))
    html = upload(client, token.encode(), "badge.jwt").get_data(as_text=True)
    assert 'data-signature="valid"' in html and 'data-status="revoked"' in html
    assert "obtained improperly" in html and 'data-listed-revoked="yes"' in html
    assert "fraud" not in html  # the officer's note stays internal
    # The registry changed the holder's name after issue: signature fine, content differs.
    with cred_app.app_context():
        from engine.services import certification

        session = cred_app.extensions["oe_db"].session()
        certification.get_certificate(session, revoked).holder_name = "Someone Else"
        session.commit()
    html = upload(client, token.encode(), "badge.jwt").get_data(as_text=True)
    assert 'data-match="no"' in html and 'data-difference="holder_name"' in html
    at = token.index(".") + 40
    changed = token[:at] + ("A" if token[at] != "A" else "B") + token[at + 1:]
    html = upload(client, changed.encode(), "badge.jwt").get_data(as_text=True)
    assert 'data-signature="invalid"' in html and 'data-match="unchecked"' in html
    credential = credentials.verify(token, keyring_for(cred_app))["credential"]
    foreign = credentials.sign(credential, KeyRing(tmp_path / "foreign"))
    html = upload(client, foreign.encode(), "badge.jwt").get_data(as_text=True)
    assert 'data-signature="invalid"' in html
    html = upload(client, b"not a credential", "x.jwt").get_data(as_text=True)
    assert 'data-signature="invalid"' in html and 'data-status="unknown"' in html


def test_upload_needs_csrf_and_a_small_file(cred_app):
    from io import BytesIO

    client = cred_app.test_client()
    refused = client.post("/verify/upload", content_type="multipart/form-data",
                          data={"document": (BytesIO(b"x"), "x.jwt")})
    assert refused.status_code == 400 and "CSRF" in refused.get_data(as_text=True)
    assert upload(client, b"x" * (5 * 1024 * 1024 + 1), "big.jwt").status_code == 413
    assert upload(client, b"", "empty.jwt").status_code == 400
    no_pdf_credential = upload(client, render_pdf(cred_app, issue(cred_app), False), "c.pdf")
    assert 'data-result="error"' in no_pdf_credential.get_data(as_text=True)


def test_credentials_render_outside_a_request_with_base_url(cred_app):
    from engine.services import certification
    from engine.web import credentials as web_credentials

    public_id = issue(cred_app)
    with cred_app.app_context():
        certificate = certification.get_certificate(cred_app.extensions["oe_db"].session(),
                                                    public_id)
        token = web_credentials.credential_jwt(certificate)
        vc = credentials.verify(token, web_credentials.keyring())["credential"]
        assert vc["credentialStatus"]["statusListCredential"] == (
            "https://oe.example.eu/credentials/status/revocation")
        assert vc["description"].endswith(f"https://oe.example.eu/verify/{public_id}")


def test_keys_commands(database_url, tmp_path):
    from engine.services.keys import register_key_commands

    app = make_app(database_url, KEYS_PATH=str(tmp_path / "cli-keys"))
    if "keys" not in app.cli.commands:  # until engine/cli.py registers them
        register_key_commands(app)
    runner = app.test_cli_runner()
    listed = runner.invoke(args=["keys", "list"])
    assert listed.exit_code == 0 and listed.output.startswith("* ")
    first = listed.output.split()[1]
    rotated = runner.invoke(args=["keys", "rotate"])
    assert rotated.exit_code == 0 and f"(was {first})" in rotated.output
    lines = runner.invoke(args=["keys", "list"]).output.splitlines()
    assert len(lines) == 2 and lines[0].startswith(f"  {first}") and lines[1].startswith("* ")
    app.extensions["oe_db"].engine.dispose()


def test_a_genuine_credential_in_a_forged_pdf_is_not_reported_genuine(cred_app):
    """Someone else's genuine credential inside a PDF that prints another name. The page
    never says the document matches: it shows the holder the register knows, says the
    printed text is not what is verified, and, given the printed name, says not genuine."""
    from engine.services import certification
    from engine.web import certificates as web_certificates
    from engine.web import credentials as web_credentials

    public_id = issue(cred_app)
    with cred_app.test_request_context():
        session = cred_app.extensions["oe_db"].session()
        certificate = certification.get_certificate(session, public_id)
        real_holder = certificate.holder_name
        token = web_credentials.credential_jwt(certificate)
        certificate.holder_name = "Mallory Forger"  # what the forger prints, never stored
        context = web_certificates.document_context() | {
            "verify_url": "https://x/verify", "credential_jwt": token}
        forged = certification.render(cred_app.extensions["oe_plugins"], certificate, "pdf",
                                      context)
        session.rollback()
    client = cred_app.test_client()
    html = upload(client, forged, "certificaat.pdf").get_data(as_text=True)
    assert real_holder in html and "Mallory" not in html
    assert 'data-printed="unchecked"' in html  # the printed text is not what is verified
    named = upload(client, forged, "certificaat.pdf",
                   printed_name="Mallory Forger").get_data(as_text=True)
    assert 'data-verdict="not_genuine"' in named and "Genuine and in force" not in named
    assert 'data-printed="holder-mismatch"' in named and real_holder in named
    genuine = upload(client, render_pdf(cred_app, public_id), "certificaat.pdf",
                     printed_name=real_holder).get_data(as_text=True)
    assert 'data-verdict="genuine"' in genuine and 'data-printed="holder-match"' in genuine


def test_a_tampered_credential_gets_one_verdict(cred_app):
    public_id = issue(cred_app)
    token = credentials.credential_from_pdf(render_pdf(cred_app, public_id))
    head, payload, signature = token.split(".")
    tampered = ".".join([head, payload[:-4] + ("AAAA" if payload[-4:] != "AAAA" else "BBBB"),
                         signature])
    html = upload(cred_app.test_client(), tampered.encode(), "badge.jwt").get_data(as_text=True)
    assert 'data-verdict="not_genuine"' in html and "Not genuine" in html
    assert "Genuine and in force" not in html


def test_a_credential_still_verifies_after_the_holder_is_erased(cred_app):
    """The register keeps only the holder's salted hashes: the credential they hold keeps
    verifying, and no name is shown."""
    from engine.models import Certificate, User
    from engine.services import certification
    from engine.services.credentials import identity_hash

    public_id = issue(cred_app)
    with cred_app.app_context():
        session = cred_app.extensions["oe_db"].session()
        certificate = certification.get_certificate(session, public_id)
        salt = "0123456789abcdef"
        certificate.identity_salt = salt
        certificate.holder_email_hash = identity_hash("emailAddress", certificate.user.email,
                                                      salt)
        certificate.holder_name_hash = identity_hash("ext:holderName",
                                                     certificate.holder_name, salt)
        session.commit()
    token = credentials.credential_from_pdf(render_pdf(cred_app, public_id))
    with cred_app.app_context():
        from engine.services import privacy

        session = cred_app.extensions["oe_db"].session()
        cert = session.query(Certificate).filter_by(public_id=public_id).one()
        privacy.erase(session, session.get(User, cert.user_id), by=None)
    html = upload(cred_app.test_client(), token.encode(), "badge.jwt").get_data(as_text=True)
    assert 'data-verdict="genuine"' in html and "erased at the holder" in html
    assert "Holder Ñame" not in html
    # The name printed on the holder's document still checks against the credential.
    wrong = upload(cred_app.test_client(), token.encode(), "badge.jwt",
                   printed_name="Mallory Forger").get_data(as_text=True)
    assert 'data-verdict="not_genuine"' in wrong
