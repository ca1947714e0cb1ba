"""Open Badges 3.0 credentials: building, signing (VC-JWT, EdDSA), verifying, revocation lists.

Plain data in and out (no Flask). Format decisions, each allowed by the OB 3.0 JSON schema
(tests/data/ob3/achievementcredential.schema.json):

* Proof: VC-JWT as OB 3.0 §8.2 defines it (VC Data Model 1.1 style): a compact JWS, header
  ``{"alg": "EdDSA", "kid": <kid in /.well-known/jwks.json>, "typ": "JWT"}``, claims ``iss``
  (issuer id), ``jti`` (credential id), ``nbf`` (issued), ``exp`` (only when it expires) and
  ``vc`` (the credential). No ``sub``: the subject has no id. Media type
  ``application/vc+ld+json+jwt``.
* Certificate id: the credential ``id`` is ``urn:uuid:`` + uuid5(NAMESPACE_URL,
  ``urn:outcome-engine:certificate:<public id>``); the public id itself is
  ``credentialSubject.licenseNumber`` ("the license number issued with this credential").
* Holder: the subject schema allows no ``name``, so the holder is two salted SHA-256
  IdentityObjects: ``emailAddress`` (the email, trimmed, lower-cased) and ``ext:holderName``
  (the name, trimmed, Unicode NFC).
* EQF level: an extra Alignment (``targetType`` ``ext:EQFLevel``, ``targetCode`` the level) next
  to one Alignment per ESQF outcome (``ext:ESQFOutcome``).
* Dates: both VCDM 2.0 (``validFrom``/``validUntil``) and the OB 3.0 schema's required
  ``issuanceDate`` (and ``expirationDate``).
* Revocation: a W3C Bitstring Status List, purpose ``revocation``, at least 131072 bits, bit i
  = most significant bit first; the list itself is signed as a VC-JWT.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import json
import re
import secrets
import unicodedata
import uuid
import zlib
from datetime import UTC, datetime
from typing import Any

import jwt
from sqlalchemy import select
from sqlalchemy.orm import Session

CONTEXT = ["https://www.w3.org/ns/credentials/v2",
           "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
MEDIA_TYPE = "application/vc+ld+json+jwt"
ESQF_FRAMEWORK = ("European Sectoral Qualifications Framework for asylum and reception "
                  "officials (EUAA)")
EQF_FRAMEWORK = "European Qualifications Framework for lifelong learning (EQF)"
EQF_URL = "https://europa.eu/europass/en/description-eight-eqf-levels"
STATUS_LIST_BITS = 131072  # the minimum size the W3C recommendation sets (16 KB)
_MAX_LIST_BYTES = 16 * 1024 * 1024
_B64URL = re.compile(r"^[A-Za-z0-9_-]*$")


# -- building ----------------------------------------------------------------------------------
def credential_id(public_id: str) -> str:
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL,
                                        f"urn:outcome-engine:certificate:{public_id}"))


def _when(value: str | datetime) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(microsecond=0)


def _stamp(value: str | datetime) -> str:
    return _when(value).strftime("%Y-%m-%dT%H:%M:%SZ")


def identity_hash(kind: str, value: str, salt: str) -> str:
    """OB IdentityHash of an email (``emailAddress``) or a name (``ext:holderName``)."""
    value = value.strip().lower() if kind == "emailAddress" else unicodedata.normalize(
        "NFC", value.strip())
    return "sha256$" + hashlib.sha256((value + salt).encode("utf-8")).hexdigest()


def _identity(kind: str, value: str, salt: str) -> dict:
    return {"type": "IdentityObject", "identityHash": identity_hash(kind, value, salt),
            "identityType": kind, "hashed": True, "salt": salt}


def _stored(kind: str, data: dict, salt: str) -> dict:
    """The identity of an erased holder: the hash the register kept (with its salt)."""
    stored = data.get("holder_email_hash" if kind == "emailAddress" else "holder_name_hash")
    return {"type": "IdentityObject", "identityHash": stored or "", "identityType": kind,
            "hashed": True, "salt": data.get("salt") or salt}


def _profile(issuer: dict) -> dict:
    return {"id": issuer["id"], "type": ["Profile"], "name": issuer["name"],
            "url": issuer.get("url") or issuer["id"]}


def build_credential(certificate_data: dict, *, base_url: str, issuer: dict,
                     status_list_url: str) -> dict:
    """The AchievementCredential of one certificate.

    ``certificate_data`` keys: ``id`` (public id), ``holder`` (name), ``holder_email``,
    ``scheme`` (title), ``scheme_uid``, ``scheme_version`` (int), ``description`` (str, may be
    empty), ``eqf_level`` (int), ``outcomes`` ([{"code", "text"}]), ``issued_at`` and
    ``expires_at`` (ISO 8601 datetimes, UTC when naive; ``expires_at`` may be None),
    ``status_index`` (int, or None: no credentialStatus). Optional: ``salt`` (default random),
    ``evidence`` (Certificate.evidence: {"requirements": [{"label", "met", "evidence"}]}),
    ``verify_url`` (default ``base_url + /verify/<id>``). ``issuer``: {"id", "name", "url"}.
    """
    data, base = certificate_data, base_url.rstrip("/")
    salt = data["salt"] if data.get("salt") is not None else secrets.token_hex(8)
    level, public_id = int(data["eqf_level"]), data["id"]
    verify_url = data.get("verify_url") or f"{base}/verify/{public_id}"
    alignment = [{"type": ["Alignment"], "targetName": o["code"],
                  "targetDescription": o.get("text") or o["code"],
                  "targetFramework": ESQF_FRAMEWORK, "targetCode": o["code"],
                  "targetType": "ext:ESQFOutcome",
                  "targetUrl": f"{base}/frameworks/ESQF#{o['code']}"} for o in data["outcomes"]]
    alignment.append({"type": ["Alignment"], "targetName": f"EQF level {level}",
                      "targetFramework": EQF_FRAMEWORK, "targetCode": str(level),
                      "targetType": "ext:EQFLevel", "targetUrl": EQF_URL})
    achievement = {
        "id": f"{base}/schemes/{data['scheme_uid']}", "type": ["Achievement"],
        "name": data["scheme"], "humanCode": data["scheme_uid"],
        "version": str(data.get("scheme_version") or 1),
        "description": data.get("description") or
        f"{data['scheme']}: ESQF learning outcomes at EQF level {level}.",
        "criteria": {"narrative": (
            f"Met the requirements of the certification scheme {data['scheme']} (version "
            f"{data.get('scheme_version') or 1}), demonstrating the ESQF learning outcomes "
            f"aligned below at EQF level {level}.")},
        "achievementType": "Certificate", "fieldOfStudy": "Asylum and reception",
        "tag": ["ESQF", f"EQF-{level}"], "alignment": alignment}
    issued = _stamp(data["issued_at"])
    credential: dict[str, Any] = {
        "@context": list(CONTEXT), "id": credential_id(public_id),
        "type": ["VerifiableCredential", "OpenBadgeCredential"], "issuer": _profile(issuer),
        "name": data["scheme"],
        "description": f"Certificate {public_id}. Verify it at {verify_url}",
        "validFrom": issued, "issuanceDate": issued, "awardedDate": issued,
        "credentialSubject": {
            "type": ["AchievementSubject"], "licenseNumber": public_id,
            "identifier": [
                _identity("emailAddress", data["holder_email"], salt)
                if data.get("holder_email") else _stored("emailAddress", data, salt),
                _identity("ext:holderName", data["holder"], salt)
                if data.get("holder") else _stored("ext:holderName", data, salt)],
            "achievement": achievement}}
    if data.get("expires_at"):
        credential["validUntil"] = credential["expirationDate"] = _stamp(data["expires_at"])
    if data.get("status_index") is not None:
        index = int(data["status_index"])
        credential["credentialStatus"] = {
            "id": f"{status_list_url}#{index}", "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation", "statusListIndex": str(index),
            "statusListCredential": status_list_url}
    evidence = [{"type": ["Evidence"], "name": r.get("label", ""),
                 "narrative": str(r.get("evidence") or r.get("label", ""))}
                for r in (data.get("evidence") or {}).get("requirements", []) if r.get("met")]
    if evidence:
        credential["evidence"] = evidence
    return credential


# -- signing and verifying -----------------------------------------------------------------------
def sign(credential: dict, keyring) -> str:
    """The credential as a VC-JWT signed by the ring's current key."""
    kid, key = keyring.current()
    claims: dict[str, Any] = {"iss": credential["issuer"]["id"], "jti": credential["id"],
                              "nbf": int(_when(credential["validFrom"]).timestamp()),
                              "vc": credential}
    if credential.get("validUntil"):
        claims["exp"] = int(_when(credential["validUntil"]).timestamp())
    return jwt.encode(claims, key, algorithm="EdDSA", headers={"kid": kid, "typ": "JWT"})


def _b64decode(part: str) -> bytes:
    """Strict base64url: canonical encoding only, so that no two texts carry one value."""
    if not _B64URL.match(part) or len(part) % 4 == 1:
        raise ValueError("not base64url")
    data = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    if base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii") != part:
        raise ValueError("not canonical base64url")
    return data


def _invalid(code: str, reason: str, kid: str | None = None) -> dict:
    return {"signature": "invalid", "code": code, "reason": reason, "kid": kid,
            "credential": None}


def verify(token: str | bytes, keyring) -> dict:
    """Check a VC-JWT against the ring. Never raises for bad input: returns {"signature":
    "valid"|"invalid", "code", "reason", "kid", "credential": the vc claim or None}. Dates are
    not judged here (the registry says whether the certificate has expired)."""
    try:
        return _verify(token, keyring)
    except Exception:  # garbage, truncation, hostile nesting, odd types
        return _invalid("malformed", "Not a signed credential: the token cannot be read.")


def _verify(token: str | bytes, keyring) -> dict:
    text = token.decode("ascii") if isinstance(token, bytes) else str(token)
    parts = text.strip().split(".")
    if len(parts) != 3 or not parts[2]:
        return _invalid("malformed", "Not a compact JWS (three dot-separated parts).")
    header = json.loads(_b64decode(parts[0]))  # every part must be canonical base64url
    for part in parts[1:]:
        _b64decode(part)
    kid = header.get("kid") if isinstance(header.get("kid"), str) else None
    if header.get("alg") != "EdDSA":
        return _invalid("algorithm", f"Unsupported algorithm {header.get('alg')!r}.", kid)
    try:
        public = keyring.public_key(kid) if kid else None
    except Exception:  # an unreadable key file is a server fault, never a valid signature
        public = None
    if public is None:
        return _invalid("unknown_key", f"Signed by a key this issuer does not hold ({kid!r}).",
                        kid)
    try:
        claims = jwt.decode(".".join(parts), public, algorithms=["EdDSA"], options={
            "verify_exp": False, "verify_nbf": False, "verify_iat": False, "verify_aud": False,
            "verify_iss": False, "verify_sub": False, "verify_jti": False})
    except jwt.InvalidSignatureError:
        return _invalid("bad_signature", "The signature does not match the content.", kid)
    vc = claims.get("vc")
    if not isinstance(vc, dict):
        return _invalid("no_credential", "The token holds no credential (vc claim).", kid)
    issuer = vc.get("issuer")
    if claims.get("jti") != vc.get("id") or claims.get("iss") != (
            issuer.get("id") if isinstance(issuer, dict) else issuer):
        return _invalid("claims_mismatch", "The token's iss/jti disagree with the credential.",
                        kid)
    return {"signature": "valid", "code": "valid", "reason": "", "kid": kid, "credential": vc}


def unverified_credential(token: str | bytes) -> dict | None:
    """The vc claim read WITHOUT checking the signature (only to say what a document claims)."""
    try:
        text = token.decode("ascii") if isinstance(token, bytes) else str(token)
        vc = json.loads(_b64decode(text.strip().split(".")[1])).get("vc")
        return vc if isinstance(vc, dict) else None
    except Exception:
        return None


# -- revocation -----------------------------------------------------------------------------------
def status_list(revoked_indexes: set[int], *, url: str, issuer: dict, keyring) -> str:
    """The signed BitstringStatusListCredential (revocation) with these bits set."""
    top = max(revoked_indexes, default=0)
    size = max(STATUS_LIST_BITS, -(-(top + 1) // STATUS_LIST_BITS) * STATUS_LIST_BITS)
    bits = bytearray(size // 8)
    for index in revoked_indexes:
        if index < 0:
            raise ValueError(f"negative status index {index}")
        bits[index // 8] |= 0x80 >> (index % 8)
    encoded = "u" + base64.urlsafe_b64encode(gzip.compress(bytes(bits), mtime=0)).rstrip(
        b"=").decode("ascii")
    now = _stamp(datetime.now(UTC))
    credential = {
        "@context": [CONTEXT[0]], "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": _profile(issuer), "validFrom": now,
        "credentialSubject": {"id": f"{url}#list", "type": "BitstringStatusList",
                              "statusPurpose": "revocation", "encodedList": encoded}}
    return sign(credential, keyring)


def decode_status_list(encoded: str) -> bytes:
    """The bitstring of an ``encodedList`` (multibase base64url, GZIP)."""
    if not isinstance(encoded, str) or not encoded.startswith("u"):
        raise ValueError("encodedList is not multibase base64url (prefix 'u')")
    packed = base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4))
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    bits = inflater.decompress(packed, _MAX_LIST_BYTES)
    if inflater.unconsumed_tail:
        raise ValueError("status list too large")
    return bits


def is_revoked(status_list_token: str, index: int, keyring) -> bool:
    """Whether bit ``index`` is set in a signed revocation list; ValueError when the list does
    not verify, is not a revocation list, or is too short for the index."""
    result = verify(status_list_token, keyring)
    if result["signature"] != "valid":
        raise ValueError(f"status list does not verify: {result['reason']}")
    vc = result["credential"]
    subject = vc.get("credentialSubject") or {}
    if "BitstringStatusListCredential" not in (vc.get("type") or []) or \
            subject.get("statusPurpose") != "revocation":
        raise ValueError("not a revocation BitstringStatusListCredential")
    bits = decode_status_list(subject.get("encodedList"))
    if not 0 <= index < len(bits) * 8:
        raise ValueError(f"status index {index} outside the list")
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def revoked_indexes(session: Session) -> set[int]:
    """Status indexes of the revoked certificates."""
    from engine.models import Certificate

    return set(session.scalars(select(Certificate.status_index).where(
        Certificate.revoked_at.is_not(None), Certificate.status_index.is_not(None))))


# -- documents and the registry -------------------------------------------------------------------
def credential_from_pdf(data: bytes) -> str | None:
    """The VC-JWT a PDF certificate carries in its document information (``/OECredential``)."""
    from pypdf import PdfReader

    try:
        value = (PdfReader(io.BytesIO(data)).metadata or {}).get("/OECredential")
    except Exception:  # pypdf raises many kinds of errors on broken files
        return None
    token = str(value).strip() if value else ""
    return token or None


def certificate_public_id(credential: dict) -> str | None:
    """The registry id a credential names (licenseNumber), if its id agrees with it."""
    subject = credential.get("credentialSubject")
    public_id = subject.get("licenseNumber") if isinstance(subject, dict) else None
    if isinstance(public_id, str) and credential.get("id") == credential_id(public_id):
        return public_id
    return None


def _facts(credential: dict) -> dict:
    subject = credential.get("credentialSubject") or {}
    achievement = subject.get("achievement") or {}
    hashes = {i.get("identityType"): i.get("identityHash")
              for i in subject.get("identifier") or [] if isinstance(i, dict)}
    aligned = [a for a in achievement.get("alignment") or [] if isinstance(a, dict)]

    def codes(kind: str) -> list[str]:
        return sorted(str(a.get("targetCode")) for a in aligned if a.get("targetType") == kind)

    return {"id": (credential.get("id"), subject.get("licenseNumber")),
            "holder_name": hashes.get("ext:holderName"),
            "holder_email": hashes.get("emailAddress"),
            "scheme": (achievement.get("name"), achievement.get("humanCode")),
            "scheme_version": achievement.get("version"), "eqf_level": codes("ext:EQFLevel"),
            "outcomes": codes("ext:ESQFOutcome"), "issued": credential.get("issuanceDate"),
            "expires": credential.get("expirationDate"),
            "status_index": (credential.get("credentialStatus") or {}).get("statusListIndex")}


def compare(credential: dict, certificate_data: dict) -> list[str]:
    """What differs between a credential and the registry's ``certificate_data`` (the keys of
    ``build_credential``): some of ``id``, ``holder_name``, ``holder_email``, ``scheme``,
    ``scheme_version``, ``eqf_level``, ``outcomes``, ``issued``, ``expires``,
    ``status_index``; empty when they agree. Holder hashes are recomputed with the
    credential's salt; host names (base URL, issuer) are not compared."""
    identities = (credential.get("credentialSubject") or {}).get("identifier") or [{}]
    salt = str(identities[0].get("salt", "")) if isinstance(identities[0], dict) else ""
    data = dict(certificate_data)
    erased = not data.get("holder_email")
    if erased:  # the register keeps only the hashes: the credential must carry them
        data["holder"], data["holder_email"] = "", ""
    expected = build_credential({**data, "salt": salt}, base_url="",
                                issuer={"id": "", "name": ""}, status_list_url="")
    found, wanted = _facts(credential), _facts(expected)
    if erased:
        wanted["holder_name"] = data.get("holder_name_hash") \
            if salt == data.get("salt") else None
        wanted["holder_email"] = data.get("holder_email_hash") \
            if salt == data.get("salt") else None
    return [key for key in found if found[key] != wanted[key]]


def holder_name_matches(credential: dict, name: str) -> bool:
    """Whether ``name`` is the holder's name the credential carries (its salted hash)."""
    subject = credential.get("credentialSubject") or {}
    for identity in subject.get("identifier") or []:
        if isinstance(identity, dict) and identity.get("identityType") == "ext:holderName":
            salt = str(identity.get("salt", ""))
            typed = " ".join(name.split())
            return identity.get("identityHash") == identity_hash("ext:holderName", typed, salt)
    return False
