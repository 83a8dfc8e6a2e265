"""`make run`'s launcher, started for real on the embedded defaults: gunicorn serves pages and
static files, links point at the address it serves, and the banner says where mail goes."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode(errors="replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(errors="replace")


@pytest.fixture
def launched(tmp_path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "SITE_URL", "DEBUG")}
    env.update(VAR_DIR=str(tmp_path / "var"), PORT=str(port), HOST="127.0.0.1", PY=sys.executable,
               DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", TESTING="0", WEB_WORKERS="1")
    subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True, timeout=300)
    log = open(tmp_path / "run-all.log", "w+")
    process = subprocess.Popen(["bin/run-all"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            log.seek(0)
            if "Press Ctrl-C" in log.read():
                break
            time.sleep(0.2)
        log.seek(0)
        yield base, log.read()
    finally:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        log.close()


def test_make_run_serves_through_gunicorn_with_static_files_and_says_where_mail_goes(launched):
    base, banner = launched
    assert f"running at {base}/" in banner
    assert "Mail: " in banner and f"{base}/staff/mail/" in banner
    assert "gunicorn" in banner.lower() or "Booting worker" in banner  # gunicorn's own start-up lines
    for path in ("/", "/mentors/", "/api/docs/", "/static/css/app.css", "/static/img/favicon.svg"):
        status, _ = _get(base + path)
        assert status == 200, path
    status, body = _get(base + "/healthz")
    assert status == 200, body
