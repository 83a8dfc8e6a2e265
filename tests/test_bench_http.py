"""bench/http.py at toy scale, so the HTTP benchmark cannot rot between the times someone runs it.

It is a script, not a test of speed: this runs every piece (its own database, the import, gunicorn,
the baselines, the load generator, pgbench, the statement count, recommendations, the table) on a
few rows and checks that each baseline still answers what the product answers.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from bench.http import bench_database_url

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parent.parent


def test_http_benchmark_runs_every_workload_against_a_baseline_that_answers_the_same():
    database = bench_database_url(settings.DATABASE_URL, "_bench_http_smoke")
    env = {**os.environ, "BENCH_HTTP_REDIS_URL": os.environ.get("REDIS_URL", "")}
    out = subprocess.run(
        [sys.executable, "bench/http.py", "--database", database, "--mentors", "20", "--mentees", "40",
         "--history-mentors", "0", "--import-sample", "10", "--rounds", "1", "--seconds", "0.3",
         "--concurrency", "2", "--slots", "5", "--rec-mentees", "1"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    text = out.stdout
    assert "GET /api/v1/mentors/?page_size=20: baseline check: same JSON" in text
    assert "GET /api/v1/mentors/?q=python: baseline check: same JSON" in text
    assert "HTML /mentors/?q=python: baseline check: same rows" in text
    assert "slots, one mentor, 30 days" in text and "baseline check: same JSON" in text.split("slots, one mentor")[1]
    table = text[text.index("| workload"):]
    for row in ("GET /api/v1/mentors/?page_size=20", "GET /api/v1/mentors/?q=python", "HTML /mentors/?q=python",
                "slots, one mentor, 30 days", "booking, 5 distinct slots", "recommendations, no stored list",
                "import_profiles", "web worker memory after matching"):
        assert f"| {row}" in table, row
    assert " 0 refused" not in text and "refused" not in text, "a booking the project should take was refused"
