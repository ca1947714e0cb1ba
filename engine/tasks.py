"""Background jobs (Huey). Run the consumer next to the web workers:

    .venv/bin/huey_consumer engine.tasks.huey        (make run starts it)

Storage: SQLite in the instance folder by default, so no extra server is needed; set
``OE_HUEY_URL=redis://127.0.0.1:6379/0`` to use Redis when the app runs on several machines.
With ``OE_HUEY_IMMEDIATE=yes`` (tests) a job runs at once, inside the request that queued it.
"""

from __future__ import annotations

import os
from pathlib import Path

from huey import RedisHuey, SqliteHuey

from engine.config import ROOT


def _make_huey():
    url = os.environ.get("OE_HUEY_URL")
    immediate = os.environ.get("OE_HUEY_IMMEDIATE", "").lower() in ("1", "yes", "true")
    if url and url.startswith("redis://"):
        return RedisHuey("outcome-engine", url=url, immediate=immediate)
    instance = Path(os.environ.get("OE_INSTANCE_PATH") or ROOT / "instance")
    instance.mkdir(parents=True, exist_ok=True)
    return SqliteHuey("outcome-engine", filename=str(instance / "tasks.sqlite3"),
                      immediate=immediate)


huey = _make_huey()
_app = None


def _application():
    """The app of this worker process (the consumer builds one, once)."""
    global _app
    if _app is None:
        from engine import create_app

        _app = create_app()
    return _app


@huey.task(retries=2, retry_delay=5)
def run_issue_batch(batch_id: int) -> None:
    """Work through a bulk-issue batch; safe to run again after an interruption."""
    from engine.services import batches

    app = _application()
    with app.app_context():
        batches.run_batch(app.extensions["oe_db"].session(), batch_id)


def enqueue_batch(app, batch_id: int) -> None:
    """Queue a batch; in an app built for tests with immediate jobs, run it now with that app.
    """
    if huey.immediate or app.config.get("TESTING"):
        from engine.services import batches

        batches.run_batch(app.extensions["oe_db"].session(), batch_id)
        return
    run_issue_batch(batch_id)


@huey.task(retries=2, retry_delay=5)
def run_item_import(job_id: int) -> None:
    """Write a confirmed item import; safe to run again after an interruption."""
    from pathlib import Path

    from engine.services import exchange

    app = _application()
    with app.app_context():
        exchange.run_import(app.extensions["oe_db"].session(), app.extensions["oe_plugins"],
                            job_id, sources=Path(app.config["ITEM_BANK_PATH"]) / "sources")


def enqueue_import(app, job_id: int) -> None:
    """Write a small import at once; queue a large one for the background job (its page
    shows the progress). In an app built for tests, run it now with that app."""
    from pathlib import Path

    from engine.models import ImportJob
    from engine.services import exchange

    session = app.extensions["oe_db"].session()
    job = session.get(ImportJob, job_id)
    inline = job is not None and job.total <= app.config["IMPORT_INLINE_LIMIT"]
    if inline or huey.immediate or app.config.get("TESTING"):
        try:
            exchange.run_import(session, app.extensions["oe_plugins"], job_id,
                                sources=Path(app.config["ITEM_BANK_PATH"]) / "sources")
        except Exception:  # recorded on the job (status failed): its page says so
            app.logger.exception("Import %s failed", job_id)
        return
    run_item_import(job_id)
