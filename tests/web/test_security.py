"""Authentication, sessions, headers and limits as an attacker would try them (ASVS V2, V3,
V11, V14): guessing passwords, replaying a cookie after logout, framing the pages, sending
another Host header, saving without the save count."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select, update

from engine.models import LoginThrottle, User, UserSession, utcnow
from tests.conftest import Auth, make_app
from tests.helpers import start_attempt


def _login(client, email, password):
    return client.post("/login", data={"email": email, "password": password})


def _forget_the_delays(db_session):
    """Move every recorded failure a while back: the next try is not braked by a delay (the
    count stays), as if the attacker waited politely between guesses."""
    db_session.execute(update(LoginThrottle).values(
        last_failure_at=utcnow() - timedelta(seconds=70)))
    db_session.commit()


def test_guessing_is_braked_then_locked_even_for_the_right_password(client, auth, db_session):
    user = auth.create()
    answers = [_login(client, user["email"], "wrong guess number x") for _ in range(11)]
    # Quick tries: after three failures the brake refuses further tries at once.
    assert [r.status_code for r in answers[:3]] == [400, 400, 400]
    assert all(r.status_code == 429 for r in answers[3:])
    assert "Too many failed logins" in answers[5].get_data(as_text=True)
    assert "Try again in 1 second." in answers[3].get_data(as_text=True)
    right = _login(client, user["email"], user["password"])
    assert right.status_code == 429, "the 11th try within a minute got in"
    # Waiting between guesses does not help past ten: the account is locked.
    for _ in range(10):
        _forget_the_delays(db_session)
        _login(client, user["email"], "wrong guess number y")
    _forget_the_delays(db_session)
    locked = _login(client, user["email"], user["password"])
    assert locked.status_code == 429
    assert "logging in is paused for 15 minutes" in locked.get_data(as_text=True)
    assert "/login" not in locked.headers.get("Location", "")
    # An account that does not exist is braked and locked in the same words.
    for _ in range(10):
        _forget_the_delays(db_session)
        _login(client, "nobody@example.org", "wrong guess number z")
    _forget_the_delays(db_session)
    ghost = _login(client, "nobody@example.org", "wrong guess number z")
    assert ghost.status_code == 429
    assert "logging in is paused for 15 minutes" in ghost.get_data(as_text=True)
    from engine.models import AuditEntry

    actions = [e.action for e in db_session.scalars(select(AuditEntry).where(
        AuditEntry.subject == user["email"]))]
    assert "login-failed" in actions and "login-locked" in actions


def test_a_lock_stops_the_guesser_not_the_owner(app, auth, db_session):
    """Ten failures lock the account for the address they came from; the owner, elsewhere,
    still logs in (after the account's short wait), so nobody can lock anybody out."""
    user = auth.create()
    attacker = app.test_client()
    for _ in range(10):
        _forget_the_delays(db_session)
        attacker.post("/login", data={"email": user["email"], "password": "guess guess"},
                      environ_base={"REMOTE_ADDR": "198.51.100.7"})
    _forget_the_delays(db_session)
    refused = attacker.post("/login", data={"email": user["email"],
                                            "password": user["password"]},
                            environ_base={"REMOTE_ADDR": "198.51.100.7"})
    assert refused.status_code == 429
    owner = app.test_client()
    ok = owner.post("/login", data={"email": user["email"], "password": user["password"]},
                    environ_base={"REMOTE_ADDR": "203.0.113.5"})
    assert ok.status_code == 302 and owner.get("/").status_code == 200


def test_a_burst_of_parallel_tries_cannot_pass_the_count(db_session):
    """Tries are counted before the password is checked, in one atomic statement: however
    many arrive at once, no more than ten are ever checked from one address."""
    from engine.services import throttle

    keys = throttle.keys_for("burst@example.org", "192.0.2.50")
    verdicts = [throttle.count_try(db_session, keys) for _ in range(15)]
    db_session.commit()
    assert [v.allowed for v in verdicts] == [True] * 10 + [False] * 5
    assert throttle.check(db_session, keys).locked


def test_the_current_password_check_is_braked_too(client, auth, db_session):
    from engine.models import AuditEntry

    user = auth.login()
    codes = [client.post("/account", data={"current": "wrong wrong wrong", "action": "password",
                                           "new": "tulips under a grey sky"}).status_code
             for _ in range(5)]
    refused = client.post("/account", data={"current": user["password"], "action": "password",
                                            "new": "tulips under a grey sky"})
    assert "Too many failed tries" in refused.get_data(as_text=True)
    assert db_session.scalar(select(AuditEntry).where(
        AuditEntry.action == "password-check-failed")) is not None
    del codes


def test_a_cookie_replayed_after_logout_opens_nothing(app, client, auth):
    auth.login()
    assert client.get("/").status_code == 200
    cookie = client.get_cookie("oe_session").value
    client.post("/logout")
    thief = app.test_client()
    thief.set_cookie("oe_session", cookie)
    response = thief.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert thief.get("/api/attempts/1").status_code == 401


def test_a_password_change_ends_the_other_sessions(app, client, auth):
    user = auth.login()
    other = app.test_client()
    _login(other, user["email"], user["password"])
    assert other.get("/").status_code == 200
    weak = client.post("/account", data={"current": user["password"], "new": "12345678",
                                         "action": "password"})
    assert weak.status_code == 400 and "at least 15 characters" in weak.get_data(as_text=True)
    common = client.post("/account", data={"current": user["password"],
                                           "new": "passwordpassword123", "action": "password"})
    assert common.status_code == 400 and "too easy to guess" in common.get_data(as_text=True)
    changed = client.post("/account", data={"current": user["password"],
                                            "new": "tulips under a grey sky", "action": "password"})
    assert changed.status_code == 302
    assert client.get("/").status_code == 200  # this session goes on
    assert other.get("/").status_code == 302  # the other one has ended


def test_log_out_everywhere(app, client, auth):
    user = auth.login()
    other = app.test_client()
    _login(other, user["email"], user["password"])
    client.post("/account", data={"action": "logout-everywhere"})
    assert client.get("/").status_code == 302 and other.get("/").status_code == 302


def test_an_idle_session_ends(client, auth, db_session):
    auth.login()
    assert client.get("/").status_code == 200
    db_session.execute(update(UserSession).values(
        last_seen_at=utcnow() - timedelta(minutes=31)))
    db_session.commit()
    response = client.get("/")
    assert response.status_code == 302
    assert "Your session has ended" in client.get("/login").get_data(as_text=True)


def test_a_deactivated_account_is_logged_out_at_once(client, auth, db_session):
    from engine.services import accounts

    user = auth.login()
    accounts.set_active(db_session, db_session.get(User, user["id"]), False)
    assert client.get("/").status_code == 302
    assert db_session.scalar(select(UserSession).where(
        UserSession.user_id == user["id"])).revoked_at is not None


def test_the_password_policy(app):
    from engine.services.accounts import password_problems

    assert password_problems("12345678")  # too short
    assert password_problems("passwordpassword")  # common
    assert password_problems("aaaaaaaaaaaaaaaaaaaa")  # repeats
    assert password_problems("sanne.devries@example.org", email="sanne.devries@example.org")
    assert password_problems("tulips under a grey sky") == []
    assert password_problems("x" * 129)  # the most the form accepts


def test_a_hash_made_with_other_argon2_parameters_is_remade_at_login(client, auth, db_session):
    from argon2 import PasswordHasher

    user = auth.create()
    old = PasswordHasher(time_cost=3, memory_cost=65536, parallelism=4).hash(user["password"])
    db_session.execute(update(User).where(User.id == user["id"]).values(password_hash=old))
    db_session.commit()
    assert _login(client, user["email"], user["password"]).status_code == 302
    db_session.expire_all()
    remade = db_session.get(User, user["id"]).password_hash
    assert remade != old and "m=19456,t=2,p=1" in remade


def test_security_headers(client, auth):
    auth.login()
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert "Strict-Transport-Security" not in response.headers  # plain http
    secure = client.get("/login", base_url="https://localhost")
    assert "max-age=31536000" in secure.headers["Strict-Transport-Security"]
    html = response.get_data(as_text=True)
    assert "<script>" not in html and ' style="' not in html and " onclick=" not in html


def test_a_nul_byte_in_a_static_path_is_not_found(client):
    assert client.get("/static/%00").status_code == 404
    assert client.get("/static/css/%00engine.css").status_code == 404


def test_a_save_without_the_save_count_is_refused(client, auth):
    auth.login()
    attempt_id = start_attempt(client)
    view = client.get(f"/api/attempts/{attempt_id}").get_json()["items"][0]["view"]
    token = view["options"][0]["id"]
    bare = client.put(f"/api/attempts/{attempt_id}/answers/0", json={"choices": [token]})
    assert bare.status_code == 428
    form = client.put(f"/api/attempts/{attempt_id}/answers/0", json={"form": {"": [token]}})
    assert form.status_code == 428
    ok = client.put(f"/api/attempts/{attempt_id}/answers/0", json={"choices": [token]},
                    headers={"If-Match": "0"})
    assert ok.status_code == 200 and ok.headers["ETag"] == '"1"'
    stale = client.put(f"/api/attempts/{attempt_id}/answers/0", json={"choices": [token]},
                       headers={"If-Match": "0"})
    assert stale.status_code == 409


def test_credentials_carry_the_configured_address_whatever_the_host_header(client, auth,
                                                                          db_session):
    """A holder who downloads with Host: evil.example gets the real addresses, signed."""
    import io
    import json

    from pypdf import PdfReader

    from engine.models import Certificate
    from tests.helpers import answer_all

    auth.login()
    attempt_id = start_attempt(client)
    answer_all(client, attempt_id)
    client.post(f"/attempts/{attempt_id}/submit")
    public_id = db_session.scalar(select(Certificate.public_id))
    evil = {"Host": "evil.example"}
    client.set_cookie("oe_session", client.get_cookie("oe_session").value,
                      domain="evil.example")
    credential = client.get(f"/certificates/{public_id}.jwt", headers=evil)
    assert credential.status_code == 200
    import base64

    token = credential.get_data(as_text=True).strip()
    payload = token.split(".")[1]
    text = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode()
    assert "evil.example" not in text and "http://localhost/" in text
    pdf = client.get(f"/certificates/{public_id}.pdf", headers=evil)
    reader = PdfReader(io.BytesIO(pdf.data))
    assert "evil.example" not in json.dumps(str(reader.metadata)) + "".join(
        p.extract_text() for p in reader.pages)


def test_rate_limits_hold_across_workers(database_url):
    """Two apps on one database stand for two workers: they share one count."""
    first = make_app(database_url, RATELIMIT_STORAGE_URI=None, VERIFY_RATE_LIMIT="5 per minute")
    second = make_app(database_url, RATELIMIT_STORAGE_URI=None,
                      VERIFY_RATE_LIMIT="5 per minute")
    try:
        codes = []
        for n in range(8):
            worker = (first if n % 2 else second).test_client()
            codes.append(worker.get("/verify/OE-AAAA-BBBB-CCCC",
                                    environ_base={"REMOTE_ADDR": "192.0.2.7"}).status_code)
        assert codes[:5] == [404] * 5 and codes[5:] == [429] * 3
    finally:
        for app in (first, second):
            with app.extensions["oe_db"].engine.begin() as conn:
                conn.exec_driver_sql("DELETE FROM rate_counters")
            app.extensions["oe_db"].engine.dispose()


def test_what_a_trainer_typed_survives_the_end_of_their_session(client, auth, db_session):
    from tests.web.test_authoring import dilemma_form

    user = auth.login("trainer")
    db_session.execute(update(UserSession).values(revoked_at=utcnow()))  # ended elsewhere
    db_session.commit()
    typed = dilemma_form("Een lange tekst die niet verloren mag gaan")
    response = client.post("/author/items/new?type=ethics_dilemma", data=typed)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    login = client.post(response.headers["Location"], data={
        "email": user["email"], "password": user["password"]})
    assert login.status_code == 302 and "resume=" in login.headers["Location"]
    editor = client.get(login.headers["Location"]).get_data(as_text=True)
    assert "Een lange tekst die niet verloren mag gaan" in editor
    assert "U meldt het incident." in editor
    again = client.get(login.headers["Location"]).get_data(as_text=True)
    assert "Een lange tekst die niet verloren mag gaan" not in again  # given back once


def test_a_huge_lesson_is_refused_and_rendering_is_bounded(client, auth):
    from engine.services.markdown import MAX_CHARS, render_markdown

    auth.login("trainer")
    response = client.post("/author/modules/persoonlijk-onderhoud/lessons/new", data={
        "id": "te-groot", "title": "Te groot", "body": "<b>x</b>" * 150_000})
    assert response.status_code == 400
    huge = "<b>x</b>" * 150_000
    assert len(str(render_markdown(huge))) <= 2 * MAX_CHARS
    assert re.search(r"<b>x</b>", str(render_markdown("<b>x</b>")))


def test_rate_limits_in_redis_hold_across_workers(database_url):
    """With OE_RATELIMIT_STORAGE_URI=redis://… (several machines), the count is Redis's."""
    import redis

    url = "redis://127.0.0.1:6379/14"
    try:
        redis.Redis.from_url(url).flushdb()
    except redis.exceptions.ConnectionError:
        import os

        import pytest

        if os.environ.get("CI") or os.environ.get("OE_REQUIRE_BROWSER"):
            raise
        pytest.skip("no Redis on 127.0.0.1:6379")
    apps = [make_app(database_url, RATELIMIT_STORAGE_URI=url, VERIFY_RATE_LIMIT="4 per minute")
            for _ in range(2)]
    try:
        codes = [apps[n % 2].test_client().get(
            "/verify/OE-AAAA-BBBB-CCCC", environ_base={"REMOTE_ADDR": "192.0.2.9"}
        ).status_code for n in range(6)]
        assert codes == [404] * 4 + [429] * 2
    finally:
        redis.Redis.from_url(url).flushdb()
        for app in apps:
            app.extensions["oe_db"].engine.dispose()


def test_a_session_ends_at_its_absolute_limit_even_when_busy(client, auth, db_session):
    auth.login()
    db_session.execute(update(UserSession).values(expires_at=utcnow() - timedelta(seconds=1),
                                                  last_seen_at=utcnow()))
    db_session.commit()
    assert client.get("/").status_code == 302


def test_personal_pages_are_not_cached(client, auth):
    auth.login()
    for path in ("/", "/account", "/account/data"):
        response = client.get(path)
        assert response.headers["Cache-Control"] == "no-store", path
        assert "Cookie" in response.headers["Vary"]


def test_a_stale_cookie_cannot_fill_the_database_with_kept_forms(app, client, auth,
                                                              db_session):
    from sqlalchemy import func

    from engine.models import PendingForm

    auth.login("trainer")
    db_session.execute(update(UserSession).values(revoked_at=utcnow()))
    db_session.commit()
    for n in range(8):
        client.post("/author/items/new?type=choice", data={"title": f"x{n}"})
    assert db_session.scalar(select(func.count()).select_from(PendingForm)) == 1
    learner = app.test_client()
    Auth(app, learner).login()
    db_session.execute(update(UserSession).values(revoked_at=utcnow()))
    db_session.commit()
    learner.post("/author/items/new?type=choice", data={"title": "y"})
    assert db_session.scalar(select(func.count()).select_from(PendingForm)) == 1
