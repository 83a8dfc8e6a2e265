"""A small HTTP load generator for bench/http.py: threads, one http.client connection each.

No `wrk` here, and a Python client is enough: the project and its baseline are measured with the
same client in alternating rounds, so its own cost (and the noise of a shared 2-core machine)
appears on both sides of each ratio. gunicorn's sync workers close every connection after the
response; http.client then opens a new one for the next request, as wrk would.
"""

from __future__ import annotations

import http.client
import statistics
import threading
import time
from dataclasses import dataclass, field


@dataclass
class Result:
    requests: int = 0
    ok: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    def p(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


@dataclass(frozen=True)
class Call:
    path: str
    method: str = "GET"
    body: bytes | None = None
    headers: tuple[tuple[str, str], ...] = ()
    ok: tuple[int, ...] = (200,)


def request(host: str, port: int, call: Call, timeout: float = 600) -> tuple[int, bytes, float]:
    """One request on a fresh connection: (status, body, seconds)."""
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        return _send(conn, call)
    finally:
        conn.close()


def _send(conn: http.client.HTTPConnection, call: Call) -> tuple[int, bytes, float]:
    began = time.perf_counter()
    conn.request(call.method, call.path, body=call.body, headers=dict(call.headers))
    response = conn.getresponse()
    body = response.read()
    took = time.perf_counter() - began
    if response.getheader("Connection", "").lower() == "close":
        conn.close()  # the next request reconnects
    return response.status, body, took


def run(host: str, port: int, calls: list[Call], *, seconds: float | None, concurrency: int,
        cycle: bool = True) -> Result:
    """Send `calls` from `concurrency` threads: cycling through them for `seconds`, or (cycle=False)
    each call exactly once, as fast as the server answers."""
    result = Result()
    lock = threading.Lock()
    position = 0
    deadline = None if seconds is None else time.perf_counter() + seconds

    def next_call() -> Call | None:
        nonlocal position
        with lock:
            if deadline is not None and time.perf_counter() >= deadline:
                return None
            if position >= len(calls):
                if not cycle:
                    return None
                position = 0
            call = calls[position]
            position += 1
            return call

    def worker() -> None:
        conn = http.client.HTTPConnection(host, port, timeout=600)
        latencies: list[float] = []
        statuses: dict[int, int] = {}
        errors = ok = 0
        while (call := next_call()) is not None:
            try:
                status, _, took = _send(conn, call)
            except (OSError, http.client.HTTPException):
                conn.close()
                errors += 1
                continue
            statuses[status] = statuses.get(status, 0) + 1
            latencies.append(took)
            if status in call.ok:
                ok += 1
            else:
                errors += 1
        conn.close()
        with lock:
            result.requests += len(latencies)
            result.ok += ok
            result.errors += errors
            result.latencies.extend(latencies)
            for status, n in statuses.items():
                result.statuses[status] = result.statuses.get(status, 0) + n

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    result.seconds = time.perf_counter() - began
    return result


def median_and_range(values: list[float]) -> tuple[float, float, float]:
    if not values:
        return float("nan"), float("nan"), float("nan")
    return statistics.median(values), min(values), max(values)
