"""Slots API against a bare Django view running the same slot engine, interleaved in one process.

    DATABASE_URL=postgres://... REDIS_URL=redis://... .venv/bin/python bench/slots_api.py \
        [--rounds 30] [--batch 20] [--profile anon|token]

One mentor in Europe/Berlin with two windows on weekdays, a Saturday window, three overrides, a
policy with buffers and caps and ~40 live bookings in the next 30 days (built once, reused).
Each round times `--batch` requests to GET /api/v1/mentors/{id}/slots/ for 30 days (anonymous
and with an API token) and `--batch` to the baseline, through the same WSGI handler and
middleware (Django's test client), and prints the per-round median ratio of request rates.

The baseline (`bare_slots` below) is mounted only by this script's URLconf: it reads the same
rows with raw SQL (no validation, no bookable check, no throttles, no authentication), calls
sessions.slots.free_slots with the same inputs and answers the same JSON with json.dumps.
`--profile` runs pyinstrument over the project endpoint instead and prints the tree.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time as clock
from datetime import UTC, date, datetime, time, timedelta

# Run as a script, bench/ comes first on sys.path and bench/http.py would shadow the standard
# library's `http` (Django imports http.cookies): the project root goes there instead.
_BENCH = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _BENCH]
sys.path.insert(0, os.path.dirname(_BENCH))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings")
# The throttles run and count as in production; the limits are only raised out of the way.
os.environ.setdefault("API_THROTTLE_ANON", "100000000/min")
os.environ.setdefault("API_THROTTLE_USER", "100000000/min")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django.urls import include, path  # noqa: E402

from sessions.slots import Busy, Override, Policy, Rule, free_slots  # noqa: E402

MENTOR_EMAIL = "bench-slots-mentor@example.com"
DAYS = 30


def _iso(dt: datetime) -> str:
    return dt.isoformat().replace("+00:00", "Z")


def bare_slots(request, mentor_id: int):
    """The floor: the same inputs from raw SQL, the same engine, the same JSON."""
    import zoneinfo

    from django.utils import timezone

    with connection.cursor() as cur:
        cur.execute("SELECT u.timezone, p.offers_15, p.offers_30, p.offers_45, p.offers_60, p.accepting_bookings "
                    "FROM accounts_user u JOIN accounts_mentorprofile p ON p.user_id = u.id WHERE u.id = %s",
                    [mentor_id])
        zone_name, *offers, accepting = cur.fetchone()
        cur.execute("SELECT buffer_before_minutes, buffer_after_minutes, min_notice_hours, horizon_days, max_per_day, "
                    "max_per_week, weekly_budget_minutes, slot_granularity_minutes FROM booking_bookingpolicy "
                    "WHERE mentor_id = %s", [mentor_id])
        bb, ba, notice, horizon, per_day, per_week, budget, gran = cur.fetchone()
        cur.execute("SELECT weekday, start_time, end_time FROM booking_availabilityrule WHERE mentor_id = %s",
                    [mentor_id])
        rules = [Rule(*r) for r in cur.fetchall()]
        viewer = zoneinfo.ZoneInfo(request.GET.get("tz") or "UTC")
        zone = zoneinfo.ZoneInfo(zone_name)
        start = datetime.combine(date.fromisoformat(request.GET["start"]), time(0), viewer)
        end = datetime.combine(date.fromisoformat(request.GET["end"]) + timedelta(days=1), time(0), viewer)
        cur.execute("SELECT start_date, end_date, start_time, end_time FROM booking_availabilityoverride "
                    "WHERE mentor_id = %s AND start_date <= %s AND end_date >= %s",
                    [mentor_id, end.date() + timedelta(days=2), start.date() - timedelta(days=2)])
        overrides = [Override(*o) for o in cur.fetchall()]
        cur.execute("SELECT start, \"end\", blocked_start, blocked_end FROM booking_booking WHERE mentor_id = %s "
                    "AND status IN ('requested', 'confirmed') AND \"end\" > %s AND start < %s",
                    [mentor_id, start - timedelta(days=9), end + timedelta(days=9)])
        bookings = [Busy(*b) for b in cur.fetchall()]
    duration = int(request.GET.get("duration") or 30)
    starts = free_slots(zone=zone, rules=rules, overrides=overrides, bookings=bookings,
                        policy=Policy(bb, ba, notice * 60, horizon, per_day, per_week, budget, gran),
                        duration=duration, start=start, end=end, now=timezone.now())
    length = timedelta(minutes=duration)
    body = {
        "mentor": {"id": mentor_id, "timezone": zone_name}, "timezone": viewer.key, "duration": duration,
        "durations": [n for n, on in zip((15, 30, 45, 60), offers, strict=True) if on],
        "start": _iso(start.astimezone(UTC)), "end": _iso(end.astimezone(UTC)), "accepting_bookings": accepting,
        "slots": [{"start": _iso(s), "end": _iso(s + length), "local_start": s.astimezone(viewer).isoformat(),
                   "mentor_local_start": s.astimezone(zone).isoformat()} for s in starts],
    }
    return HttpResponse(json.dumps(body), content_type="application/json")


urlpatterns = [path("bench/bare-slots/<int:mentor_id>/", bare_slots), path("", include(settings.ROOT_URLCONF))]


def build_mentor():
    """The measured mentor (created once): rules, overrides, policy and ~40 live bookings."""
    from django.utils import timezone

    from accounts.models import User
    from sessions.models import AvailabilityOverride, AvailabilityRule, Booking, BookingPolicy
    from sessions.selectors import engine_policy
    from tests.factories import MenteeFactory, MentorFactory

    mentor = User.objects.filter(email=MENTOR_EMAIL).first()
    if mentor is not None:
        return mentor
    mentor = MentorFactory(email=MENTOR_EMAIL, name="Bench Slots", timezone="Europe/Berlin")
    AvailabilityRule.objects.bulk_create(
        [AvailabilityRule(mentor=mentor, weekday=d, start_time=time(a), end_time=time(b, m))
         for d in range(5) for a, b, m in ((9, 12, 0), (14, 17, 30))]
        + [AvailabilityRule(mentor=mentor, weekday=5, start_time=time(10), end_time=time(13))])
    policy, _ = BookingPolicy.objects.update_or_create(mentor=mentor, defaults=dict(
        buffer_before_minutes=10, buffer_after_minutes=5, min_notice_hours=12, horizon_days=90, max_per_day=6,
        max_per_week=20, weekly_budget_minutes=900, slot_granularity_minutes=15))
    today = timezone.now().date()
    AvailabilityOverride.objects.create(mentor=mentor, start_date=today + timedelta(days=9),
                                        end_date=today + timedelta(days=10), note="Conference")
    AvailabilityOverride.objects.create(mentor=mentor, start_date=today + timedelta(days=16),
                                        end_date=today + timedelta(days=16), start_time=time(8), end_time=time(19))
    AvailabilityOverride.objects.create(mentor=mentor, start_date=today - timedelta(days=20),
                                        end_date=today - timedelta(days=18))
    mentees = [MenteeFactory(email=f"bench-slots-mentee{i}@example.com") for i in range(8)]
    from sessions.selectors import load_calendar

    now = timezone.now()
    calendar = load_calendar(mentor=mentor, start=now, end=now + timedelta(days=DAYS))
    open_policy = Policy(granularity=60, horizon_days=DAYS + 1)
    candidates = free_slots(zone=calendar.zone, rules=calendar.rules, overrides=calendar.overrides, bookings=[],
                            policy=open_policy, duration=30, start=now + timedelta(days=1),
                            end=now + timedelta(days=DAYS), now=now)
    p = engine_policy(policy)
    made = 0
    for i, start in enumerate(candidates[::2]):
        if made == 40:
            break
        end = start + timedelta(minutes=30)
        Booking.objects.create(mentor=mentor, mentee=mentees[i % len(mentees)], start=start, end=end,
                               blocked_start=start - timedelta(minutes=p.buffer_before),
                               blocked_end=end + timedelta(minutes=p.buffer_after), duration_minutes=30,
                               status="confirmed" if i % 3 else "requested", topic="Bench", question="Bench?")
        made += 1
    return mentor


def token_for(user) -> str:
    from accounts.tokens import api_token_create

    return api_token_create(user=user, name="bench")[1]


def timed(client: Client, url: str, params: dict, n: int, **extra) -> float:
    t0 = clock.perf_counter()
    for _ in range(n):
        response = client.get(url, params, **extra)
        assert response.status_code == 200, response.content[:300]
    return n / (clock.perf_counter() - t0)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--batch", type=int, default=20)
    parser.add_argument("--profile", choices=["anon", "token"])
    args = parser.parse_args()
    mentor = build_mentor()
    mentee = mentor.__class__.objects.get(email="bench-slots-mentee0@example.com")
    key = token_for(mentee)
    from django.utils import timezone

    first = timezone.now().date() + timedelta(days=1)
    params = {"start": str(first), "end": str(first + timedelta(days=DAYS - 1)), "duration": 30, "tz": "America/New_York"}
    api = f"/api/v1/mentors/{mentor.pk}/slots/"
    bare = f"/bench/bare-slots/{mentor.pk}/"
    auth = {"HTTP_AUTHORIZATION": f"Token {key}"}
    client = Client()
    with override_settings(ROOT_URLCONF=__name__):
        a, b = client.get(api, params).json(), json.loads(client.get(bare, params).content)
        assert a == b, "the baseline must answer the same JSON"
        print(f"{len(a['slots'])} slots, mentor {mentor.pk}")
        if args.profile:
            from pyinstrument import Profiler

            extra = auth if args.profile == "token" else {}
            timed(client, api, params, 50, **extra)
            profiler = Profiler(interval=0.0002)
            profiler.start()
            timed(client, api, params, 400, **extra)
            profiler.stop()
            print(profiler.output_text(unicode=False, color=False, show_all=False))
            return
        ratios = {"anon": [], "token": []}
        rates = {"anon": [], "token": [], "bare": []}
        for _ in range(args.rounds):
            rb = timed(client, bare, params, args.batch)
            ra = timed(client, api, params, args.batch)
            rt = timed(client, api, params, args.batch, **auth)
            rb2 = timed(client, bare, params, args.batch)
            base = (rb + rb2) / 2
            rates["bare"].append(base)
            rates["anon"].append(ra)
            rates["token"].append(rt)
            ratios["anon"].append(ra / base)
            ratios["token"].append(rt / base)
    for name in ("bare", "anon", "token"):
        print(f"{name:6} median {statistics.median(rates[name]):7.1f} req/s")
    for name in ("anon", "token"):
        print(f"ratio {name:6} median {statistics.median(ratios[name]):.3f}  "
              f"(p25 {statistics.quantiles(ratios[name], n=4)[0]:.3f}, p75 {statistics.quantiles(ratios[name], n=4)[2]:.3f})")


if __name__ == "__main__":
    main()
