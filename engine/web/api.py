"""JSON API for the attempt page: the learner-safe form and autosave of answers."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, request
from flask_login import current_user

from engine.domain.questiontypes import ItemValidationError
from engine.services import delivery
from engine.web.common import db, plugins, signed_in, token_secret

bp = Blueprint("api", __name__, url_prefix="/api")


def _own_attempt(attempt_id: int):
    try:
        attempt = delivery.get_attempt(db(), attempt_id, current_user)
    except LookupError:
        abort(404)
    return attempt


@bp.route("/attempts/<int:attempt_id>")
@signed_in
def attempt(attempt_id: int):
    """The attempt as the learner may see it: no answer key while it is open."""
    attempt = _own_attempt(attempt_id)
    delivery.close_if_expired(db(), plugins(), attempt)
    items = delivery.deliver(db(), plugins(), attempt, secret=token_secret())
    return jsonify(
        id=attempt.id, status=attempt.status, assessment=attempt.assessment.uid,
        deadline=attempt.deadline.isoformat() if attempt.deadline else None,
        items=[{"position": i.position, "type": i.version.type, "title": i.title,
                "stem": i.stem, "outcomes": i.version.outcomes,
                "eqf_level": i.version.eqf_level, "view": i.view, "answer": i.answer,
                "answered": i.answered, "sequence": i.sequence}
               for i in items])


@bp.route("/attempts/<int:attempt_id>/answers/<int:position>", methods=["PUT"])
@signed_in
def save_answer(attempt_id: int, position: int):
    """Autosave one answer. 409 once the attempt is submitted or when the answer changed
    meanwhile; 422 for a malformed answer; 428 without the save count the page showed.

    The body is the type's response object with the save count in an ``If-Match`` header,
    or ``{"form": {part: [values], "seq": [count]}}`` with the values of the item's form
    fields, which the question type turns into its response (the page sends that). Every
    save names the count it replaces, so a stale tab or a replayed request cannot overwrite a
    newer answer.
    """
    attempt = _own_attempt(attempt_id)
    raw = request.get_json(silent=True)
    if not isinstance(raw, dict):
        return jsonify(error="Send the answer as a JSON object."), 400
    try:
        if set(raw) == {"form"} and isinstance(raw["form"], dict):
            fields = dict(raw["form"])
            seq = fields.pop("seq", None)
            sequence = int(seq[-1]) if isinstance(seq, list) and seq else None
        else:
            fields = None
            sequence = int(request.headers["If-Match"].strip('"')) \
                if "If-Match" in request.headers else None
        if sequence is None:
            return jsonify(error="Send the save count the page showed: an If-Match header "
                                 "with the answer's sequence, or seq with the form."), 428
        if fields is not None:
            raw = delivery.response_from_form(db(), plugins(), attempt, position, fields)
            if raw is None:
                return jsonify(saved=False, position=position)
        response = delivery.save_answer(db(), plugins(), attempt, position, raw,
                                        secret=token_secret(), expected_sequence=sequence)
    except delivery.StaleAnswerError as exc:
        return jsonify(error=str(exc), stale=True, sequence=exc.sequence), 409
    except delivery.DeliveryError as exc:
        closed = isinstance(exc, delivery.TimeUpError) or attempt.status != "in_progress"
        return jsonify(error=str(exc), closed=closed), 409
    except LookupError as exc:
        return jsonify(error=str(exc)), 404
    except ItemValidationError as exc:  # before ValueError, of which it is a kind
        return jsonify(error=" ".join(exc.errors.values()), fields=exc.errors), 422
    except (TypeError, ValueError) as exc:
        return jsonify(error=f"Malformed answer: {exc}"), 422
    reply = jsonify(saved=True, position=position, sequence=response.sequence,
                    answered=response.answer is not None,
                    saved_at=response.saved_at.isoformat())
    reply.headers["ETag"] = f'"{response.sequence}"'
    return reply
