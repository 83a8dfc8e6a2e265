"""Publishing Celery tasks after the response, on a thread, with what queued meanwhile merged.

A publish is a broker round trip (tens of ms under load, seconds when the broker is down) and CPU
competing with the requests of the same process: nobody should wait for it. Each BackgroundPublisher
has one daemon thread per process; `submit(ids)` queues a list of ids, and the thread hands the
ids queued so far to its `publish` callable in one call (one message for many transactions).

It lingers `PUBLISH_LINGER_SECONDS` after the first id before it publishes, collecting what other
requests queue meanwhile: a Celery publish costs about a millisecond of the worker's CPU (kombu
builds and serialises the message, then a Redis round trip), and under load publishing once per
booking took a quarter of the web workers' CPU. A mail leaves a tenth of a second later.

Nothing may depend on the message arriving: callers commit their rows before they submit, and a
periodic job does the same work for anything a lost message (a worker killed before its thread ran,
a broker that was down) left behind.
"""

from __future__ import annotations

import atexit
import logging
import os
import queue
import threading
import time
from collections.abc import Callable

logger = logging.getLogger(__name__)

# At most this many ids in one message when the thread merges what has queued up.
PUBLISH_BATCH_MAX = 200


class BackgroundPublisher:
    def __init__(self, publish: Callable[[list], None], *, name: str, linger: float | None = None) -> None:
        self._publish = publish
        self._linger = linger
        self._name = name
        self._lock = threading.Lock()
        self._queue: queue.Queue[list] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._pid = 0
        # A worker that exits normally (gunicorn's max_requests, a deploy) first publishes what it queued.
        atexit.register(self.flush, 2.0)

    def submit(self, ids: list) -> None:
        with self._lock:
            if self._pid != os.getpid() or self._thread is None or not self._thread.is_alive():
                if self._pid != os.getpid():
                    # A forked child (gunicorn worker) has no copy of the parent's thread, only of its queue.
                    self._queue = queue.Queue()
                self._pid = os.getpid()
                self._thread = threading.Thread(target=self._run, args=(self._queue,), name=self._name, daemon=True)
                self._thread.start()
            self._queue.put(list(ids))

    def _run(self, work: queue.Queue) -> None:
        while True:
            ids = list(work.get())
            taken = 1
            # Whatever other transactions queue until the linger is over goes in the same message:
            # under load the broker sees one publish for many requests, not one each. A sleep, not a
            # timed wait on the queue: under libfaketime (CI runs the suite under it) a lock's
            # timeout never expires, and the process could not exit.
            if self.linger:
                time.sleep(self.linger)
            while len(ids) < PUBLISH_BATCH_MAX:
                try:
                    ids += work.get_nowait()
                except queue.Empty:
                    break
                taken += 1
            try:
                self._publish(ids)
            except Exception:  # noqa: BLE001 - the thread must outlive any one failure
                logger.exception("%s: publishing %s failed; left to the periodic job", self._name, ids)
            finally:
                for _ in range(taken):
                    work.task_done()

    @property
    def linger(self) -> float:
        if self._linger is not None:
            return self._linger
        from django.conf import settings

        return settings.PUBLISH_LINGER_SECONDS

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until every id queued so far is published (tests, and process exit). False on timeout."""
        deadline = time.monotonic() + timeout
        with self._queue.all_tasks_done:
            while self._queue.unfinished_tasks:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._queue.all_tasks_done.wait(remaining)
        return True
