"""Every route of the URL map declares who may use it, and keeps to it with every role and
anonymously (ASVS V4.1): a new route without a declaration fails here, so none ships
unprotected by oversight; no combination ends in a server error."""

from __future__ import annotations

import pytest
from werkzeug.routing import IntegerConverter, PathConverter

from engine.web.common import ACCESS
from tests.conftest import Auth

ROLES = (None, "learner", "trainer", "officer", "admin")
# Values for the URL's variables: real enough to reach the view, unknown enough to touch
# nothing (an unknown id is a 404 after the access check).
SAMPLE = {"integer": "999999", "default": "zz-unknown", "path": "zz-unknown.txt"}
# Routes whose POST ends the session or changes what the next request sees.
LAST = {"auth.logout"}


def _routes(app):
    found = []
    for rule in app.url_map.iter_rules():
        values = {name: SAMPLE["integer"] if isinstance(conv, IntegerConverter)
                  else SAMPLE["path"] if isinstance(conv, PathConverter) else SAMPLE["default"]
                  for name, conv in rule._converters.items()}
        path = rule.rule
        for name, value in values.items():
            path = path.replace(f"<{name}>", value)
            for kind in ("int", "path", "string"):
                path = path.replace(f"<{kind}:{name}>", value)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((rule.endpoint, method, path))
    return found


def test_every_route_declares_who_may_use_it(app):
    missing = [rule.rule for rule in app.url_map.iter_rules()
               if not hasattr(app.view_functions[rule.endpoint], ACCESS)]
    assert not missing, f"routes without an access declaration: {missing}"


def _allowed(access, role) -> bool:
    if access == "public":
        return True
    if role is None:
        return False
    if access == "signed_in":
        return True
    return role in access or role == "admin"


def test_every_route_with_every_role_and_anonymously(app):
    routes = sorted(_routes(app), key=lambda r: (r[0] in LAST, r))
    assert len(routes) > 60
    clients = {}
    for role in ROLES:
        client = app.test_client()
        if role is not None:
            Auth(app, client).login(role)
        clients[role] = client
    problems = []
    for endpoint, method, path in routes:
        access = getattr(app.view_functions[endpoint], ACCESS)
        for role in ROLES:
            client = clients[role]
            response = client.open(path, method=method, data={} if method == "POST" else None)
            code = response.status_code
            where = f"{method} {path} as {role or 'anonymous'}"
            if code >= 500:
                problems.append(f"{where}: {code}")
                continue
            denied = code in (401, 403) or (
                code == 302 and "/login" in response.headers.get("Location", ""))
            if _allowed(access, role):
                if denied and endpoint not in LAST:
                    problems.append(f"{where}: refused ({code}) though {access!r} allows it")
            elif not denied:
                problems.append(f"{where}: {code} though {access!r} does not allow it")
            if role is None and not _allowed(access, None) and code == 403:
                problems.append(f"{where}: 403 to an anonymous user (expected a login)")
    assert not problems, "\n".join(problems)


def test_ids_too_large_for_the_database_are_not_found(app):
    client = app.test_client()
    Auth(app, client).login("admin")
    huge = "9" * 30
    for path in (f"/admin/people/{huge}", f"/attempts/{huge}", f"/attempts/{huge}/result",
                 f"/api/attempts/{huge}", f"/accreditation/batches/{huge}",
                 f"/grading/{huge}"):
        assert client.get(path).status_code == 404, path


@pytest.mark.parametrize("role", ["learner", "trainer", "officer"])
def test_only_administrators_reach_the_people_pages(app, role):
    client = app.test_client()
    Auth(app, client).login(role)
    assert client.get("/admin/people").status_code == 403
