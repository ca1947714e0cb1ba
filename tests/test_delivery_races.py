"""Races between workers, replayed step by step on the real database."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from engine.models import Attempt
from engine.services import delivery
from tests.helpers import start_attempt


def test_an_answer_saved_after_grading_is_refused_not_acknowledged(app, client, auth):
    auth.login()
    attempt_id = start_attempt(client)
    with app.app_context():
        db = app.extensions["oe_db"]
        plugins = app.extensions["oe_plugins"]
        worker_a = db.session()
        stale = worker_a.get(Attempt, attempt_id)  # worker A has loaded the open attempt
        assert stale.status == "in_progress"
        worker_a.commit()
        # Worker B grades it meanwhile.
        client.post(f"/attempts/{attempt_id}/save", data={"action": "submit"})
        with pytest.raises(delivery.DeliveryError, match="can no longer change"):
            delivery.save_answer(worker_a, plugins, stale, 0, {"choices": []},
                                 secret=app.extensions["oe_token_secret"])
        worker_a.expire_all()
        graded = worker_a.get(Attempt, attempt_id)
        assert graded.status == "graded"
        assert all(r.answer is None for r in graded.responses)


def test_the_database_refuses_a_second_open_attempt(app, client, auth):
    user = auth.login()
    attempt_id = start_attempt(client)
    with app.app_context():
        session = app.extensions["oe_db"].session()
        first = session.get(Attempt, attempt_id)
        session.add(Attempt(user_id=user["id"], assessment_id=first.assessment_id,
                            form=first.form, seed=1))
        with pytest.raises(IntegrityError):
            session.commit()
        session.rollback()
