"""Item imports: reading and checking a file as a whole, then writing its items as drafts,
for banks of growing size, in each exchange format that can hold the items.

    .venv/bin/python -m benchmarks.import_items --sizes 100 500 1000
    .venv/bin/python -m benchmarks.import_items --db postgresql://postgres@127.0.0.1:5432/test

The items are the bundled bank's choice, true/false, short-text, numeric and matching items
(the five types every format holds), repeated under new ids to reach each size; a format
that cannot hold an item (GIFT and Moodle XML: a short answer with a regular expression)
leaves it out, and the table counts the items actually imported. "check" is
``read_import``: parsing, the item check of every item (schema, outcomes against the
framework, sanitising, the type's payload) and the plan per item; "write" is the background
job writing the drafts with their history, committing every 25 items.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, text

TYPES = ("choice", "true_false", "short_text", "numeric", "matching")


def _app(url: str):
    from engine import create_app

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "CHECK_MIGRATIONS": False,
                      "PLUGINS_AUTOLOAD": False})
    assert app.test_cli_runner().invoke(args=["setup"]).exit_code == 0
    return app


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 500, 1000])
    parser.add_argument("--formats", nargs="+", default=["native", "moodle_xml", "gift", "qti"])
    parser.add_argument("--db", default="sqlite", help="sqlite, or a PostgreSQL URL (its "
                        "public schema is dropped and recreated)")
    args = parser.parse_args(argv)
    if args.db == "sqlite":
        url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='oe-import-')) / 'bench.sqlite3'}"
    else:
        url = args.db.replace("postgresql://", "postgresql+psycopg://", 1)
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    app = _app(url)

    from engine.services import exchange

    rows = []
    with app.app_context():
        session = app.extensions["oe_db"].session()
        plugins = app.extensions["oe_plugins"]
        originals = [{"id": i.uid, **i.current_version.content()}
                     for i in exchange.select_items(session) if i.current_version is not None
                     and i.current_version.type in TYPES]
        for fmt in args.formats:
            writer = plugins.exchange_formats.get(fmt)
            for size in args.sizes:
                run = f"b{fmt[:2]}{size}"
                items = [{**originals[n % len(originals)],
                          "id": f"{run}-{n}-{originals[n % len(originals)]['id']}"}
                         for n in range(size)]
                written_file = writer.write(items)
                data = written_file.data
                began = time.perf_counter()
                job = exchange.read_import(session, plugins, None, data,
                                           f"bench{writer.extensions[0]}", fmt=fmt)
                checked = time.perf_counter() - began
                assert not job.problems, job.problems[:3]
                exchange.confirm(session, job)
                began = time.perf_counter()
                job = exchange.run_import(session, plugins, job.id)
                written = time.perf_counter() - began
                count = job.total  # items the format could not hold were left out
                assert count == size - len(written_file.skipped), (count, job.results)
                assert job.results.get("created") == count, job.results
                rows.append((fmt, count, len(data), checked, written))
    db = "SQLite" if args.db == "sqlite" else "PostgreSQL"
    print(f"\n{db}")
    print(f"{'format':<11} {'items':>6} {'file KB':>8} {'check s':>8} {'write s':>8} "
          f"{'items/s (check)':>16} {'items/s (write)':>16}")
    for fmt, size, nbytes, checked, written in rows:
        print(f"{fmt:<11} {size:>6} {nbytes / 1024:>8.0f} {checked:>8.2f} {written:>8.2f} "
              f"{size / checked:>16.0f} {size / written:>16.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
