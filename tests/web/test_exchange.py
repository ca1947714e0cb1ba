"""Import and export in the app and on the command line: native round trips, Moodle XML and
GIFT files written by hand, validation as a whole before anything is written, progress."""

from __future__ import annotations

import io
import re
import uuid

import pytest
import yaml
from sqlalchemy import func, select

from engine.config import ROOT
from engine.domain.archives import members
from engine.domain.exchange import ImportDefaults
from engine.models import ImportJob, Item, ItemVersion
from engine.services import exchange
from plugins.native_yaml import NativeYamlFormat

DATA = ROOT / "tests" / "data" / "exchange"
# One item of every type of the bank, two of them with an English variant.
SAMPLE = ["po-basis-001", "sc-01", "coi-01", "ed-01", "alg-001"]


def _items_of(db_session, uids):
    db_session.expire_all()
    return {i.uid: i for i in db_session.scalars(select(Item).where(Item.uid.in_(uids)))}


def _count(db_session) -> int:
    db_session.expire_all()
    return db_session.scalar(select(func.count()).select_from(ItemVersion))


def _upload(client, name: str, data: bytes, **form):
    response = client.post("/author/exchange/import", data={
        "file": (io.BytesIO(data), name), **form}, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return int(re.search(r"/imports/(\d+)", response.headers["Location"]).group(1))


def test_native_export_then_import_gives_equal_items(client, auth, db_session):
    auth.login("trainer")
    types = db_session.scalars(select(ItemVersion.type).distinct()).all()
    uids = SAMPLE + [db_session.scalar(
        select(Item.uid).join(ItemVersion, Item.current_version_id == ItemVersion.id)
        .where(ItemVersion.type == t).limit(1)) for t in types]
    uids = sorted(set(uids))
    response = client.get("/author/exchange/export", query_string={
        "format": "native", "ids": ",".join(uids)})
    assert response.status_code == 200 and response.mimetype == "application/zip"
    names = [n for n, _ in members(response.data)]
    assert names == [f"items/{uid}.yaml" for uid in uids]
    originals = _items_of(db_session, uids)
    read = NativeYamlFormat().read(response.data, filename="items.zip",
                                   defaults=ImportDefaults())
    assert not read.problems
    for raw in read.items:
        raw.pop("_where")
        version = originals[raw["id"]].current_version
        assert {k: v for k, v in raw.items() if k != "id"} == version.content()
    # Imported into the same bank, every item is found unchanged...
    before = _count(db_session)
    job_id = _upload(client, "items.zip", response.data)
    job = db_session.get(ImportJob, job_id)
    assert not job.problems and [e["plan"] for e in job.items] == ["unchanged"] * len(uids)
    # ...and under new ids, it is written as drafts equal to the originals.
    renamed = io.BytesIO()
    import zipfile

    prefix = f"rt-{uuid.uuid4().hex[:6]}-"
    with zipfile.ZipFile(renamed, "w") as archive:
        for name, blob in members(response.data):
            doc = yaml.safe_load(blob)
            doc["items"][0]["id"] = prefix + doc["items"][0]["id"]
            archive.writestr(name, yaml.safe_dump(doc, allow_unicode=True))
    job_id = _upload(client, "renamed.zip", renamed.getvalue())
    assert client.post(f"/author/exchange/imports/{job_id}/confirm").status_code == 302
    copies = _items_of(db_session, [prefix + uid for uid in uids])
    assert len(copies) == len(uids) and _count(db_session) == before + len(uids)
    for uid in uids:
        copy = copies[prefix + uid]
        assert copy.status == "draft" and copy.working_version.status == "draft"
        assert copy.working_version.content() == originals[uid].current_version.content()
        assert copy.working_version.content_hash == originals[uid].current_version.content_hash


def test_an_import_is_checked_as_a_whole_and_written_only_when_confirmed(
        client, auth, db_session):
    auth.login("trainer")
    good = {"id": f"imp-{uuid.uuid4().hex[:6]}", "type": "true_false", "language": "nl",
            "title": "Pauze", "outcomes": ["ESQF-E-18e"], "eqf_level": 6,
            "stem": "Na ongeveer anderhalf uur volgt een pauze van een kwartier.",
            "payload": {"answer": True}}
    bad = {**good, "id": good["id"] + "-bad", "outcomes": ["ESQF-E-99z"],
           "payload": {"answer": "misschien"}}
    unsafe = {**good, "id": good["id"] + "-link",
              "stem": "Zie [het intranet](http://intranet.local/) <script>x()</script>"}
    text = yaml.safe_dump({"items": [good, bad, unsafe]}, allow_unicode=True, sort_keys=False)
    before = _count(db_session)
    job_id = _upload(client, "mijn-items.yaml", text.encode())
    page = client.get(f"/author/exchange/imports/{job_id}").get_data(as_text=True)
    assert _count(db_session) == before  # nothing written yet
    rows = re.findall(r'<tr class="row-error"><td>([^<]*)</td><td>([^<]*)</td><td>'
                      r'(?:<code>)?([^<]*)(?:</code>)?</td><td>([^<]*)</td></tr>', page)
    assert {(r[1], r[2]) for r in rows} == {
        (bad["id"], "outcomes"), (bad["id"], "payload.answer"), (unsafe["id"], "stem")}
    assert all(r[0].startswith("mijn-items.yaml:") for r in rows)  # file and line
    assert "Import 1 item as a draft" in page
    client.post(f"/author/exchange/imports/{job_id}/confirm")
    written = _items_of(db_session, [good["id"], bad["id"], unsafe["id"]])
    assert list(written) == [good["id"]] and _count(db_session) == before + 1
    # A second confirmation (a double click) writes nothing more.
    client.post(f"/author/exchange/imports/{job_id}/confirm")
    assert _count(db_session) == before + 1
    # Cancelling instead writes nothing.
    other = dict(good, id=good["id"] + "-2")
    job_id = _upload(client, "x.yaml", yaml.safe_dump({"items": [other]}).encode())
    client.post(f"/author/exchange/imports/{job_id}/cancel")
    assert not _items_of(db_session, [other["id"]])


def test_moodle_xml_and_gift_files_import_their_supported_types(client, auth, db_session):
    auth.login("trainer")
    expected_skipped = {"sample-moodle.xml": {"essay", "description", "cloze", "calculated"},
                        "sample.gift": {"essay", "description"}}
    for name, skipped in expected_skipped.items():
        job_id = _upload(client, name, (DATA / name).read_bytes(), language="nl",
                         outcomes="ESQF-E-18e", eqf_level="6")
        job = db_session.get(ImportJob, job_id)
        assert job.format == ("moodle_xml" if name.endswith(".xml") else "gift")
        assert not job.problems, job.problems
        assert {s["kind"] for s in job.skipped} == skipped
        types = {e["item"]["type"] for e in job.items}
        assert types == {"choice", "true_false", "short_text", "numeric", "matching"}
        page = client.get(f"/author/exchange/imports/{job_id}").get_data(as_text=True)
        for entry in job.skipped:
            assert entry["item"] in page and entry["kind"] in page
        if all(e["plan"] == "unchanged" for e in job.items):
            continue  # imported by an earlier run of this test against the same database
        client.post(f"/author/exchange/imports/{job_id}/confirm")
        db_session.expire_all()
        job = db_session.get(ImportJob, job_id)
        assert job.status == "done" and not job.results.get("failed")
        written = _items_of(db_session, [e["item"]["id"] for e in job.items])
        assert {i.working_version.type for i in written.values()} == types
        assert all(i.working_version.status == "draft" for i in written.values())


def test_a_large_import_shows_progress_and_resumes(app, client, auth, db_session):
    user = auth.login("trainer")
    prefix = f"bulk-{uuid.uuid4().hex[:6]}"
    items = [{"id": f"{prefix}-{n}", "type": "true_false", "language": "nl",
              "title": f"Stelling {n}", "outcomes": ["ESQF-E-18e"], "eqf_level": 6,
              "stem": f"Stelling nummer {n} over het persoonlijk onderhoud.",
              "payload": {"answer": n % 2 == 0}} for n in range(150)]
    job_id = _upload(client, "bulk.yaml", yaml.safe_dump({"items": items}).encode())
    with app.app_context():
        session = app.extensions["oe_db"].session()
        job = session.get(ImportJob, job_id)
        exchange.confirm(session, job)
        # The background job is interrupted after 60 items...
        exchange.run_import(session, app.extensions["oe_plugins"], job_id, stop_after=60)
    progress = client.get(f"/author/exchange/imports/{job_id}.json").get_json()
    assert progress == {"id": job_id, "status": "writing", "done": 60, "total": 150,
                        "results": {"created": 60}}
    page = client.get(f"/author/exchange/imports/{job_id}").get_data(as_text=True)
    assert '<progress id="import-bar" max="150" value="60"' in page
    # ...and resumed: nothing is written twice.
    client.post(f"/author/exchange/imports/{job_id}/resume")
    progress = client.get(f"/author/exchange/imports/{job_id}.json").get_json()
    assert progress["status"] == "done" and progress["done"] == 150
    assert progress["results"] == {"created": 150}
    written = _items_of(db_session, [i["id"] for i in items])
    assert len(written) == 150
    assert {i.working_version.author_id for i in written.values()} == {user["id"]}


def test_command_line_import_shows_problems_and_progress(runner, auth, tmp_path, db_session):
    prefix = f"cli-{uuid.uuid4().hex[:6]}"
    items = [{"id": f"{prefix}-{n}", "type": "true_false", "language": "nl", "title": "S",
              "outcomes": ["ESQF-E-18e"], "eqf_level": 6, "stem": f"Stelling {n}.",
              "payload": {"answer": True}} for n in range(30)]
    items.append({**items[0], "id": f"{prefix}-bad", "eqf_level": 4})
    path = tmp_path / "items.yaml"
    path.write_text(yaml.safe_dump({"items": items}), encoding="utf-8")
    trainer = auth.create("trainer")
    nobody = runner.invoke(args=["item-bank", "import", str(path), "--author",
                                 "nobody@example.org", "--yes"])
    assert nobody.exit_code != 0 and "No trainer account nobody@example.org" in nobody.output
    author = ["--author", trainer["email"]]
    refused = runner.invoke(args=["item-bank", "import", str(path), *author], input="n\n")
    assert refused.exit_code == 1
    assert "items.yaml:" in refused.output and f"item '{prefix}-bad'" in refused.output
    assert "field 'eqf_level'" in refused.output and "nothing was written" in refused.output
    assert not _items_of(db_session, [f"{prefix}-0"])
    done = runner.invoke(args=["item-bank", "import", str(path), *author, "--yes"])
    assert done.exit_code == 0, done.output
    assert "Writing drafts" in done.output and "Done: 30 new item(s)" in done.output
    written = _items_of(db_session, [i["id"] for i in items])
    assert len(written) == 30
    assert {i.working_version.author_id for i in written.values()} == {trainer["id"]}
    out = tmp_path / "out.gift"
    exported = runner.invoke(args=["item-bank", "export", str(out), f"{prefix}-0", "sc-01",
                                   "--format", "gift", "--drafts"])
    assert exported.exit_code == 0, exported.output
    assert "1 item(s) skipped" in exported.output and "interview_scenario" in exported.output
    assert "Stelling 0." in out.read_text(encoding="utf-8")


def test_exports_in_every_format(client, auth):
    auth.login("trainer")
    for fmt in ("native", "qti", "moodle_xml", "gift"):
        response = client.get("/author/exchange/export",
                              query_string={"format": fmt, "type": "choice"})
        assert response.status_code == 200, fmt
        assert "attachment" in response.headers["Content-Disposition"]
        assert len(response.data) > 1000
    missing = client.get("/author/exchange/export?format=native&ids=no-such-item",
                         follow_redirects=True)
    assert "No such item: no-such-item" in missing.get_data(as_text=True)


def test_a_file_no_format_reads_is_refused_clearly(client, auth):
    auth.login("trainer")
    response = client.post("/author/exchange/import", data={
        "file": (io.BytesIO(b"\x00\x01binary"), "data.bin")},
        content_type="multipart/form-data", follow_redirects=True)
    assert "No format recognises data.bin" in response.get_data(as_text=True)


def test_learners_cannot_import_or_export(client, auth):
    auth.login("learner")
    assert client.get("/author/exchange/").status_code == 403
    assert client.get("/author/exchange/export?format=native").status_code == 403
    assert client.post("/author/exchange/import").status_code == 403


def test_an_item_that_cannot_be_written_is_reported_and_the_others_are_kept(
        app, client, auth, db_session):
    """The bank changed between the check and the writing: one item's next version went
    into review. That item is reported; the items written with it are not lost."""
    from engine.models import User
    from engine.services import authoring, reviews

    user = auth.login("trainer")
    prefix = f"mid-{uuid.uuid4().hex[:6]}"
    items = [{"id": f"{prefix}-{n}", "type": "true_false", "language": "nl", "title": "S",
              "outcomes": ["ESQF-E-18e"], "eqf_level": 6, "stem": f"Stelling {n}.",
              "payload": {"answer": True}} for n in range(30)]
    job_id = _upload(client, "mid.yaml", yaml.safe_dump({"items": items}).encode())
    with app.app_context():
        session = app.extensions["oe_db"].session()
        author = session.get(User, user["id"])
        blocked = authoring.create_item(session, app.extensions["oe_plugins"], author,
                                        {**items[10], "stem": "Een andere versie."}).item
        reviews.submit(session, author, blocked)
        exchange.confirm(session, session.get(ImportJob, job_id))
        job = exchange.run_import(session, app.extensions["oe_plugins"], job_id)
        assert job.status == "done" and job.done == 30
        assert job.results["created"] == 29 and job.results["failed"] == 1
        assert list(job.results["errors"]) == [items[10]["id"]]
    written = _items_of(db_session, [i["id"] for i in items])
    assert len(written) == 30  # 29 imported, and the one already in review
    assert written[items[10]["id"]].working_version.stem == "Een andere versie."


def test_a_job_another_worker_writes_is_not_written_twice(app, client, auth, db_session):
    """Two consumers, or Resume clicked while the job runs: the second finds it taken."""
    from datetime import timedelta

    from engine.models import utcnow

    auth.login("trainer")
    items = [{"id": f"lease-{uuid.uuid4().hex[:6]}-{n}", "type": "true_false", "language": "nl",
              "title": "S", "outcomes": ["ESQF-E-18e"], "eqf_level": 6, "stem": f"S {n}.",
              "payload": {"answer": True}} for n in range(5)]
    job_id = _upload(client, "lease.yaml", yaml.safe_dump({"items": items}).encode())
    with app.app_context():
        session = app.extensions["oe_db"].session()
        job = session.get(ImportJob, job_id)
        exchange.confirm(session, job)
        with pytest.raises(exchange.ExchangeError):
            exchange.confirm(session, job)  # a second confirmation changes nothing
        job.lease_until = utcnow() + timedelta(seconds=30)  # held by another worker
        session.commit()
        assert exchange.run_import(session, app.extensions["oe_plugins"], job_id).done == 0
        assert not _items_of(db_session, [items[0]["id"]])
        job = session.get(ImportJob, job_id)
        job.lease_until = utcnow() - timedelta(seconds=1)  # that worker died
        session.commit()
        assert exchange.run_import(session, app.extensions["oe_plugins"], job_id).done == 5


def test_a_job_that_breaks_says_so_and_can_be_resumed(app, client, auth, db_session,
                                                      monkeypatch):
    auth.login("trainer")
    items = [{"id": f"boom-{uuid.uuid4().hex[:6]}-{n}", "type": "true_false", "language": "nl",
              "title": "S", "outcomes": ["ESQF-E-18e"], "eqf_level": 6, "stem": f"S {n}.",
              "payload": {"answer": True}} for n in range(3)]
    job_id = _upload(client, "boom.yaml", yaml.safe_dump({"items": items}).encode())

    def broken(*_args, **_kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(exchange, "_write", broken)
    with app.app_context():
        session = app.extensions["oe_db"].session()
        exchange.confirm(session, session.get(ImportJob, job_id))
        with pytest.raises(RuntimeError):
            exchange.run_import(session, app.extensions["oe_plugins"], job_id)
    page = client.get(f"/author/exchange/imports/{job_id}").get_data(as_text=True)
    assert "the database went away" in page and "Resume" in page
    monkeypatch.undo()
    client.post(f"/author/exchange/imports/{job_id}/resume")
    assert client.get(f"/author/exchange/imports/{job_id}.json").get_json()["status"] == "done"
    assert len(_items_of(db_session, [i["id"] for i in items])) == 3
