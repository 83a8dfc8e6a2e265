"""Every benchmark in bench/ starts as the README says to run it (`python bench/<name>.py`).

bench/http.py is also the name of a standard-library package that Django imports, so a script that
leaves bench/ first on sys.path dies on its first import; bench/booking.py, bench/slots_api.py and
bench/matching_quality.py did, unnoticed, because only bench/http.py had a test.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
SCRIPTS = sorted(p.name for p in BENCH.glob("*.py") if "__main__" in p.read_text(encoding="utf-8"))


def test_the_list_is_not_empty():
    assert {"booking.py", "slots_api.py", "matching_quality.py", "http.py"} <= set(SCRIPTS)


@pytest.mark.parametrize("script", SCRIPTS)
def test_the_benchmark_starts_as_a_script(script):
    done = subprocess.run([sys.executable, str(BENCH / script), "--help"], capture_output=True, text=True,
                          timeout=120, cwd=BENCH.parent)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "usage" in done.stdout.lower() or done.stdout.strip(), script
