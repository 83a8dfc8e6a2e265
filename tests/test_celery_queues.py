"""Celery queues per kind of work (mentorship/celery.py): every task has a queue, and the workers
we ship consume all of them, so splitting the work can never strand a message."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import time
from pathlib import Path

import yaml

from mentorship.celery import QUEUES
from mentorship.celery import app as celery_app

ROOT = Path(__file__).resolve().parent.parent


def _project_tasks() -> list[str]:
    celery_app.loader.import_default_modules()  # autodiscovery: every app's tasks.py
    return sorted(name for name in celery_app.tasks if not name.startswith("celery."))


def test_every_task_is_routed_to_a_named_queue_of_its_kind():
    tasks = _project_tasks()
    assert "sessions.send_notification" in tasks and "matching.recompute_all_matches" in tasks
    routed = {name: celery_app.amqp.router.route({}, name)["queue"].name for name in tasks}
    assert set(routed.values()) <= set(QUEUES) - {"default"}, routed
    assert routed["sessions.send_notification"] == routed["sessions.dispatch_due_notifications"] == "mail"
    assert routed["sessions.expire_requests"] == "lifecycle" and routed["matching.process_due_recompute_requests"] == "matching"


def test_the_embedded_worker_consumes_every_queue(tmp_path):
    # bin/run-all's own worker command, started for real on the filesystem broker; its start-up
    # banner lists the queues it consumes.
    line = next(line for line in (ROOT / "bin/run-all").read_text().splitlines() if "celery -A mentorship worker" in line)
    args = shlex.split(line.split(">")[0])[1:]  # without "$PY" and the log redirection
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "DATABASE_REPLICA_URL")}
    env.update(VAR_DIR=str(tmp_path), DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", TESTING="0")
    worker = subprocess.Popen([sys.executable, *args], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, start_new_session=True)
    output = []
    try:
        deadline = time.monotonic() + 90
        for out_line in worker.stdout:
            output.append(out_line)
            if "[tasks]" in out_line or time.monotonic() > deadline:
                break
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    banner = "".join(output)
    assert set(re.findall(r"\.> (\S+)\s+exchange=", banner)) == set(QUEUES), banner


def test_compose_runs_one_worker_for_all_queues_and_split_workers_cover_every_queue():
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    assert "-Q" not in services["worker"]["command"] and "profiles" not in services["worker"]
    split = {name: svc for name, svc in services.items() if "split-workers" in svc.get("profiles", [])}
    consumed = set()
    for svc in split.values():
        command = shlex.split(svc["command"])
        consumed |= set(command[command.index("-Q") + 1].split(","))
    assert consumed == set(QUEUES)
