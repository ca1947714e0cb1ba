"""Meta-tests: declared templates exist, the code is ruff-clean, nothing reads ../shared."""

from __future__ import annotations

import subprocess
import sys

from engine.config import ROOT


def test_every_declared_template_exists(app):
    plugins = app.extensions["oe_plugins"]
    for qtype in plugins.question_types:
        for purpose in ("deliver", "review"):
            name = qtype.templates[purpose]
            assert app.jinja_env.get_template(name), f"{qtype.name}: {name}"


def test_code_is_ruff_clean():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", str(ROOT)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_repository_does_not_read_shared():
    offenders = []
    for folder in ("engine", "plugins", "tests", "benchmarks"):
        for path in (ROOT / folder).rglob("*.py"):
            if path.name == "test_meta.py":
                continue
            if "../shared" in path.read_text(encoding="utf-8"):
                offenders.append(str(path))
    assert not offenders
