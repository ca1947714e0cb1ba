"""Fuzzing every form and JSON endpoint with hypothesis (ASVS V5): hostile and malformed
values in the fields each page really has, and in fields it does not expect, as an
administrator (who reaches every view) and as a learner; no combination may end in a server
error. The number of cases run is printed (and recorded in docs/security.md)."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import Auth
from tests.helpers import start_attempt

pytestmark = pytest.mark.slow

HOSTILE = st.sampled_from([
    "", " ", "0", "-1", "1.5", "999999999999999999999", "1e309", "NaN", "\x00", "\ud7ff",
    "../../etc/passwd", "<script>alert(1)</script>", "' OR 1=1 --", "ESQF-E-18e", "x" * 5000,
    "true", "null", "[]", "{}", "%00", "é" * 300, "2026-13-45T99:99", "http://10.0.0.1/",
])
VALUE = st.one_of(HOSTILE, st.text(max_size=30), st.integers(-10**12, 10**12).map(str))
JSON = st.recursive(st.none() | st.booleans() | st.integers(-10**9, 10**9)
                    | st.floats(allow_nan=False) | st.text(max_size=20),
                    lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.text(max_size=10), inner, max_size=4),
                    max_leaves=10)
EXAMPLES = 40
_cases = {"count": 0}


@pytest.fixture
def app(own_app):
    return own_app


def _short(data) -> str:
    text = repr({k: (v[:40] if isinstance(v, str) else v) for k, v in data.items()}) \
        if isinstance(data, dict) else repr(data)
    return text[:600]


def _fields(html: str) -> list[str]:
    names = re.findall(r'name="([^"]+)"', html)
    return sorted({n for n in names if n not in ("csrf_token", "csrf-token")})


def _check(client, method, path, fields, data, problems):
    _cases["count"] += 1
    response = client.open(path, method=method, data=data)
    if response.status_code >= 500:
        problems.append(f"{method} {path} {_short(data)}: {response.status_code}")


def _fuzz_form(client, method, path, fields, problems):
    known = st.fixed_dictionaries({}, optional={name: VALUE for name in fields[:40]})
    extra = st.dictionaries(st.text(min_size=1, max_size=12), VALUE, max_size=3)

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(known, extra)
    def run(chosen, more):
        _check(client, method, path, fields, {**more, **chosen}, problems)

    run()


def _fuzz_api(client, attempt_id, problems):
    @settings(max_examples=EXAMPLES * 6, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(JSON, st.integers(-2, 14), st.sampled_from([None, "0", "x", "-1", "99"]))
    def api(body, position, seq):
        _cases["count"] += 1
        headers = {"If-Match": seq} if seq is not None else {}
        response = client.put(f"/api/attempts/{attempt_id}/answers/{position}",
                              json=body, headers=headers)
        if response.status_code >= 500:
            problems.append(f"PUT answer {position} {_short(body)}: {response.status_code}")

    api()


QUERY_NAMES = ["q", "outcome", "area", "band", "type", "status", "lang", "author", "page",
               "kind", "action", "who", "days", "organisation", "by", "tag"]


def _fuzz_query(client, path, problems):
    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(st.dictionaries(st.sampled_from(QUERY_NAMES), VALUE, max_size=4))
    def query(args):
        _cases["count"] += 1
        response = client.get(path, query_string=args)
        if response.status_code >= 500:
            problems.append(f"GET {path} {_short(args)}: {response.status_code}")

    query()


def test_every_form_and_json_endpoint_survives_hostile_input(app, capsys):
    admin = app.test_client()
    Auth(app, admin).login("admin")
    learner = app.test_client()
    Auth(app, learner).login("learner")
    attempt = start_attempt(learner, "vraagtypen-oefentoets")
    admin_attempt = start_attempt(admin, "vraagtypen-oefentoets")
    forms = [  # (client, method, path, page with the form)
        (admin, "POST", "/author/items/new?type=choice", None),
        (admin, "POST", "/author/items/new?type=ethics_dilemma", None),
        (admin, "POST", "/author/items/new?type=interview_scenario", None),
        (admin, "POST", "/author/items/new?type=coi_exercise", None),
        (admin, "POST", "/author/items/alg-001/edit", None),
        (admin, "POST", "/author/items/alg-001/preview", None),
        (admin, "POST", "/author/items/alg-001/submit", "/author/items/alg-001"),
        (admin, "POST", "/author/items/bulk", "/author/items"),
        (admin, "POST", "/author/assessments/algemene-competenties-toets", None),
        (admin, "POST", "/author/modules/persoonlijk-onderhoud/lessons/po-les-1", None),
        (admin, "POST", "/accreditation/schemes/new", None),
        (admin, "POST", "/accreditation/schemes/po-basis-certificaat/edit", None),
        (admin, "POST", "/accreditation/schemes/po-basis-certificaat/eligibility", None),
        (admin, "POST", "/admin/people/999999", None),
        (admin, "POST", "/account", None),
        (admin, "POST", "/language", None),
        (admin, "POST", f"/attempts/{admin_attempt}/save", f"/attempts/{admin_attempt}"),
        (learner, "POST", f"/attempts/{attempt}/save", f"/attempts/{attempt}"),
        (learner, "POST", "/modules/persoonlijk-onderhoud/enrol", "/modules/persoonlijk-onderhoud"),
        (learner, "POST", "/assessments/zz-unknown/start", None),
        (app.test_client(), "POST", "/login", None),
        (app.test_client(), "POST", "/verify/upload", "/verify"),
    ]
    problems: list[str] = []
    for client, method, path, page in forms:
        html = client.get(page or path).get_data(as_text=True)
        _fuzz_form(client, method, path, _fields(html), problems)
    # The JSON API: any JSON body, with and without the save count, on every position.
    for client, attempt_id in ((learner, attempt), (admin, admin_attempt)):
        _fuzz_api(client, attempt_id, problems)
    # Query strings of the searching and filtering pages.
    for path in ("/author/items", "/author/coverage", "/accreditation/audit",
                 "/admin/people", "/frameworks/ESQF", "/accreditation/expiring",
                 "/groups/mastery", "/dashboard/cell"):
        _fuzz_query(admin, path, problems)
    with capsys.disabled():
        print(f"\nfuzz: {_cases['count']} cases over {len(forms)} forms, the JSON answer "
              f"API and 8 query pages; server errors: {len(problems)}")
    assert not problems, "\n".join(problems[:20])
