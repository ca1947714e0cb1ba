"""Certificate rendering: one PDF, and N in a row as a bulk batch renders them, beside the
raw xhtml2pdf time for the same HTML (our overhead as a ratio).

    .venv/bin/python -m benchmarks.render_certificates --count 1000

"Ours" is the whole path of a download: the certificate's context, the theme template,
the QR code, xhtml2pdf, and the credential embedded in the PDF's metadata when the
credential plugin is there. "Raw" is xhtml2pdf alone on the HTML our template produced.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

from xhtml2pdf import pisa


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000)
    args = parser.parse_args(argv)

    from engine import create_app
    from engine.models import Certificate, Scheme, User, utcnow
    from engine.services.accounts import hash_password

    workdir = Path(tempfile.mkdtemp(prefix="oe-render-"))
    url = f"sqlite:///{workdir / 'render.sqlite3'}"
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "CHECK_MIGRATIONS": False,
                      "PLUGINS_AUTOLOAD": False, "SERVER_NAME": "certificates.example",
                      "KEYS_PATH": str(workdir / "keys")})
    runner = app.test_cli_runner()
    assert runner.invoke(args=["setup"]).exit_code == 0
    with app.app_context():
        session = app.extensions["oe_db"].session()
        scheme = session.query(Scheme).first()
        user = User(email="holder@bench.example", name="Zoë Łukasiewicz-Ångström",
                    password_hash=hash_password("x" * 12), role="learner")
        session.add(user)
        session.flush()
        cert = Certificate(public_id="OE-BENC-H000-0001", user_id=user.id, scheme_id=scheme.id,
                           holder_name=user.name, scheme_title=scheme.title,
                           eqf_level=scheme.eqf_level, status_index=1, issued_at=utcnow(),
                           outcomes=[{"code": c, "text": "Outcome text " * 6}
                                     for c in scheme.outcomes])
        session.add(cert)
        session.commit()

        from flask import render_template

        from engine.web.certificates import document_bytes

        with app.test_request_context("/"):
            document_bytes(cert, "pdf")  # warm up: fonts, templates

            def ours() -> float:
                start = time.perf_counter()
                data = document_bytes(cert, "pdf")
                assert data.startswith(b"%PDF")
                return time.perf_counter() - start

            # The HTML our renderer feeds xhtml2pdf, captured once.
            captured = {}
            original = pisa.CreatePDF

            def capture(src, *a, **kw):
                captured["html"] = src
                captured["callback"] = kw.get("link_callback")
                return original(src, *a, **kw)

            pisa.CreatePDF = capture
            document_bytes(cert, "pdf")
            pisa.CreatePDF = original
            assert render_template  # imported for the template context above

            def raw() -> float:
                start = time.perf_counter()
                out = io.BytesIO()
                pisa.CreatePDF(captured["html"], dest=out, encoding="utf-8",
                               link_callback=captured["callback"])
                return time.perf_counter() - start

            one_ours, one_raw = ours(), raw()
            began = time.perf_counter()
            ours_times = [ours() for _ in range(args.count)]
            ours_total = time.perf_counter() - began
            began = time.perf_counter()
            raw_times = [raw() for _ in range(args.count)]
            raw_total = time.perf_counter() - began

    print(f"\n{'measure':<34} {'ours':>10} {'raw xhtml2pdf':>14} {'ratio':>7}")
    print(f"{'one PDF (ms)':<34} {1000 * one_ours:>10.1f} {1000 * one_raw:>14.1f} "
          f"{one_ours / one_raw:>7.2f}")
    print(f"{'median of the batch (ms)':<34} {1000 * statistics.median(ours_times):>10.1f} "
          f"{1000 * statistics.median(raw_times):>14.1f} "
          f"{statistics.median(ours_times) / statistics.median(raw_times):>7.2f}")
    print(f"{f'{args.count} in a batch (s)':<34} {ours_total:>10.1f} {raw_total:>14.1f} "
          f"{ours_total / raw_total:>7.2f}")
    print(f"{'throughput (PDF/s)':<34} {args.count / ours_total:>10.1f} "
          f"{args.count / raw_total:>14.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
