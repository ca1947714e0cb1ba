"""Load test on loopback: N learners start the same assessment within a few seconds, then
answer every question with short think times, against gunicorn on SQLite or PostgreSQL.

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python -m benchmarks.load_attempts --learners 300 --db sqlite
    .venv/bin/python -m benchmarks.load_attempts --learners 300 --db postgresql://postgres@127.0.0.1:5432/test

It prepares a fresh database (the item bank and N learner accounts), serves it with
gunicorn on 127.0.0.1, runs the learners as asyncio tasks (bounded: --deadline seconds,
after which everything stops), prints latency per request kind (median, p95, p99, max) and
errors, and afterwards checks in the database that every answer the server acknowledged is
stored. Only loopback is ever contacted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "load-test-password"
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
INPUT_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def prepare(url: str, learners: int) -> None:
    """Migrate, load the bank and create the learner accounts (one shared hash: fast)."""
    env = dict(os.environ, DATABASE_URL=url)
    subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "setup"], cwd=ROOT,
                   env=env, check=True, stdout=subprocess.DEVNULL)
    from engine.services.accounts import hash_password

    engine = create_engine(url)
    hashed = hash_password(PASSWORD)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM users WHERE email LIKE 'load%@bench.example'"))
        conn.execute(text(
            "INSERT INTO users (email, name, password_hash, role, active, created_at) "
            "VALUES (:email, :name, :hash, 'learner', true, CURRENT_TIMESTAMP)"),
            [{"email": f"load{n}@bench.example", "name": f"Load {n}", "hash": hashed}
             for n in range(learners)])
    engine.dispose()


def serve(url: str, port: int, workers: int, threads: int) -> subprocess.Popen:
    env = dict(os.environ, DATABASE_URL=url)
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers",
         str(workers), "--threads", str(threads), "--worker-class", "gthread",
         "--timeout", "120", "--log-level", "warning", "wsgi:app"],
        cwd=ROOT, env=env, start_new_session=True)
    for _ in range(100):
        try:
            httpx.get(f"http://127.0.0.1:{port}/login", timeout=1)
            return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("gunicorn did not start")


class Stats:
    def __init__(self):
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, list[str]] = defaultdict(list)
        self.acked: list[tuple[int, int, int]] = []  # attempt, position, sequence

    async def timed(self, kind: str, call):
        start = time.perf_counter()
        try:
            response = await call
        except httpx.HTTPError as exc:
            self.errors[kind].append(type(exc).__name__)
            return None
        self.latency[kind].append(time.perf_counter() - start)
        if response.status_code >= 400:
            self.errors[kind].append(str(response.status_code))
            return None
        return response


class Gate:
    """Opens when every learner has logged in (or given up), then each starts at its offset:
    the logins (argon2, CPU-bound by design) are not part of the synchronised start."""

    def __init__(self, learners: int):
        self.waiting = set(range(learners))
        self.event = asyncio.Event()

    def arrive(self, n: int) -> None:
        self.waiting.discard(n)
        if not self.waiting:
            self.event.set()


async def learner(n: int, base: str, assessment: str, stats: Stats, gate: Gate, offset: float,
                  think: tuple[float, float]) -> None:
    # Close idle connections before the server does (gunicorn: 2 s), as browsers do, so a
    # request is never sent on a connection the server is closing.
    limits = httpx.Limits(keepalive_expiry=1.0)
    async with httpx.AsyncClient(base_url=base, timeout=60, follow_redirects=False,
                                 limits=limits) as client:
        try:
            await _session(n, client, assessment, stats, gate, offset, think)
        finally:
            gate.arrive(n)  # a learner who gave up must not hold the others back


async def _session(n, client, assessment, stats, gate, offset, think) -> None:
    page = await stats.timed("login page", client.get("/login"))
    if page is None:
        return
    token = INPUT_CSRF.search(page.text).group(1)
    done = await stats.timed("log in", client.post("/login", data={
        "csrf_token": token, "email": f"load{n}@bench.example", "password": PASSWORD}))
    if done is None or done.status_code != 302:
        return
    home = await stats.timed("home page", client.get("/"))  # the session's CSRF token
    if home is None:
        return
    token = CSRF_META.search(home.text).group(1)
    gate.arrive(n)
    await gate.event.wait()
    await asyncio.sleep(offset)  # everyone starts within --spread seconds
    started = await stats.timed("start", client.post(
        f"/assessments/{assessment}/start", data={"csrf_token": token}))
    if started is None:
        return
    attempt_path = started.headers["location"]
    attempt_id = int(attempt_path.rstrip("/").split("/")[-1])
    page = await stats.timed("attempt page", client.get(attempt_path))
    if page is None:
        return
    csrf = CSRF_META.search(page.text).group(1)
    data = await stats.timed("attempt json", client.get(f"/api/attempts/{attempt_id}"))
    if data is None:
        return
    rng = random.Random(n)
    for item in data.json()["items"]:
        await asyncio.sleep(rng.uniform(*think))
        options = item["view"]["options"]
        chosen = [rng.choice(options)["id"]]
        saved = await stats.timed("save answer", client.put(
            f"/api/attempts/{attempt_id}/answers/{item['position']}",
            json={"form": {"": chosen, "seq": [str(item["sequence"])]}},
            headers={"X-CSRFToken": csrf}))
        if saved is not None:
            stats.acked.append((attempt_id, item["position"], saved.json()["sequence"]))


def verify(url: str, acked: list[tuple[int, int, int]]) -> tuple[int, int]:
    """(acknowledged, missing): every acknowledged save must be stored with its sequence."""
    engine = create_engine(url)
    with engine.connect() as conn:
        stored = {(a, p): s for a, p, s in conn.execute(text(
            "SELECT attempt_id, position, sequence FROM responses WHERE answer IS NOT NULL"))}
    engine.dispose()
    missing = sum(1 for a, p, s in acked if stored.get((a, p), -1) < s)
    return len(acked), missing


def table(stats: Stats, wall: float) -> str:
    lines = [f"{'request':<14} {'count':>6} {'errors':>6} {'median ms':>10} {'p95 ms':>8} "
             f"{'p99 ms':>8} {'max ms':>8}"]
    for kind in ("login page", "log in", "home page", "start", "attempt page", "attempt json",
                 "save answer"):
        values = sorted(stats.latency.get(kind, []))
        if not values:
            continue

        def pct(q, values=values):
            return 1000 * values[min(len(values) - 1, int(q * len(values)))]

        lines.append(f"{kind:<14} {len(values):>6} {len(stats.errors.get(kind, [])):>6} "
                     f"{1000 * statistics.median(values):>10.1f} {pct(0.95):>8.1f} "
                     f"{pct(0.99):>8.1f} {1000 * values[-1]:>8.1f}")
    lines.append(f"wall clock {wall:.1f} s")
    return "\n".join(lines)


async def run(args, base: str) -> Stats:
    stats = Stats()
    gate = Gate(args.learners)
    tasks = []
    for n in range(args.learners):
        offset = random.Random(n).uniform(0, args.spread)
        tasks.append(asyncio.create_task(learner(
            n, base, args.assessment, stats, gate, offset, (args.think_min, args.think_max))))
    done, pending = await asyncio.wait(tasks, timeout=args.deadline)
    for task in pending:
        task.cancel()
    if pending:
        stats.errors["deadline"].append(f"{len(pending)} learners unfinished")
    return stats


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=300)
    parser.add_argument("--db", default="sqlite", help="sqlite, or a PostgreSQL URL")
    parser.add_argument("--assessment", default="po-basis-toets")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--port", type=int, default=5077)
    parser.add_argument("--spread", type=float, default=5.0, help="start window, seconds")
    parser.add_argument("--think-min", type=float, default=1.0)
    parser.add_argument("--think-max", type=float, default=4.0)
    parser.add_argument("--deadline", type=float, default=240.0, help="hard stop, seconds")
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="oe-load-"))
    if args.db == "sqlite":
        url = f"sqlite:///{workdir / 'load.sqlite3'}"
    else:
        url = args.db
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://"):]
        engine = create_engine(url)
        with engine.begin() as conn:  # a fresh schema: this is a throw-away database
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    os.environ["OE_INSTANCE_PATH"] = str(workdir)
    prepare(url, args.learners)
    server = serve(url, args.port, args.workers, args.threads)
    try:
        began = time.perf_counter()
        stats = asyncio.run(run(args, f"http://127.0.0.1:{args.port}"))
        wall = time.perf_counter() - began
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    acknowledged, missing = verify(url, stats.acked)
    print(f"\n{args.learners} learners, {args.db.split('@')[-1]}, gunicorn {args.workers} "
          f"workers x {args.threads} threads, start spread {args.spread:.0f} s, think "
          f"{args.think_min:g}-{args.think_max:g} s")
    print(table(stats, wall))
    print(f"acknowledged saves: {acknowledged}; missing in the database: {missing}")
    for kind, errors in stats.errors.items():
        print(f"errors in {kind}: {len(errors)} ({', '.join(sorted(set(errors))[:5])})")
    shutil.rmtree(workdir, ignore_errors=True)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
