"""On-request recommendations at scale: a mentee with no stored list, in a fresh process.

    DATABASE_URL=postgres://... .venv/bin/python bench/matching_request.py load [--mentors 10000] [--mentees 200]
    DATABASE_URL=postgres://... .venv/bin/python bench/matching_request.py refresh
    DATABASE_URL=postgres://... .venv/bin/python bench/matching_request.py measure [--requests 20] [--boot]

`load` bulk-creates mentors (distinct texts built from the evaluation set, skills, languages, zones,
weekday availability) and mentees, with no stored lists. `refresh` runs what the worker runs
(matching.services.features_refresh_all: mentor and mentee features, no lists). `measure` starts
a fresh Python process and times matching.selectors.matches_for for mentees with no stored list,
the first request included, then prints p50/p95/max and the process's peak and current RSS, and
the stored-list read interleaved as a baseline. --boot starts that process the way a web worker
starts (importing mentorship.wsgi, which preloads the mentor matrix); without it the first request
loads the matrix itself.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from datetime import time as dtime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings")

ZONES = ["Europe/Berlin", "Europe/Madrid", "America/New_York", "America/Sao_Paulo", "Asia/Kolkata", "UTC",
         "Europe/London", "America/Los_Angeles", "Asia/Tokyo", "Australia/Sydney"]
CITIES = ["Berlin", "Madrid", "Lisbon", "Austin", "Pune", "Lagos", "Osaka", "Lyon", "Quito", "Gdansk"]


def rss_mb() -> tuple[float, float]:
    current = 0.0
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                current = int(line.split()[1]) / 1024
    return current, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load(mentors: int, mentees: int) -> None:
    import django

    django.setup()
    from django.db import transaction

    from accounts.models import Language, MenteeProfile, MentorProfile, Skill, User
    from matching import eval_data
    from sessions.models import AvailabilityRule

    rng = random.Random(11)
    for code, name in eval_data.LANGUAGES:
        Language.objects.get_or_create(code=code, defaults={"name": name})
    for _, name, synonyms in eval_data.SKILLS:
        Skill.objects.get_or_create(name=name, defaults={"slug": name.lower().replace(" ", "-").replace("/", "-"),
                                                         "synonyms": synonyms})
    skills = {s.name: s.pk for s in Skill.objects.all()}
    skill_by_eval = {i: skills[name] for i, name, _ in eval_data.SKILLS}
    base = list(eval_data.MENTORS.values())
    start = User.objects.count()
    with transaction.atomic():
        users = User.objects.bulk_create([
            User(email=f"scale-mentor{start + n}@example.com", name=f"Mentor {start + n}", is_mentor=True,
                 is_mentee=False, timezone=rng.choice(ZONES)) for n in range(mentors)], batch_size=2000)
        profiles = []
        for n, u in enumerate(users):
            headline, bio, _, _ = base[n % len(base)]
            profiles.append(MentorProfile(
                user=u, slug=f"scale-mentor-{u.pk}", headline=headline,
                bio=f"{bio} Based in {rng.choice(CITIES)}, {rng.randint(3, 30)} years in the field (#{n}).",
                # Skills and weekly rules follow in bulk: complete, so listed (accounts.completeness).
                has_availability=True, is_complete=True))
        MentorProfile.objects.bulk_create(profiles, batch_size=2000)
        through_s, through_l, rules = MentorProfile.skills.through, MentorProfile.languages.through, []
        s_rows, l_rows = [], []
        for n, u in enumerate(users):
            _, _, sk, langs = base[n % len(base)]
            s_rows += [through_s(mentorprofile_id=u.pk, skill_id=skill_by_eval[s]) for s in sk]
            l_rows += [through_l(mentorprofile_id=u.pk, language_id=c) for c in langs]
            for d in rng.sample(range(5), 2):
                rules.append(AvailabilityRule(mentor=u, weekday=d, start_time=dtime(9), end_time=dtime(12)))
        through_s.objects.bulk_create(s_rows, batch_size=5000)
        through_l.objects.bulk_create(l_rows, batch_size=5000)
        AvailabilityRule.objects.bulk_create(rules, batch_size=5000)
        goals = [m[0] for m in eval_data.MENTEES]
        people = User.objects.bulk_create([
            User(email=f"scale-mentee{start + n}@example.com", name=f"Mentee {start + n}", is_mentee=True,
                 timezone=rng.choice(ZONES)) for n in range(mentees)], batch_size=2000)
        MenteeProfile.objects.bulk_create([MenteeProfile(user=u, goals=f"{goals[n % len(goals)]} ({n})")
                                           for n, u in enumerate(people)], batch_size=2000)
        ml = MenteeProfile.languages.through
        ml.objects.bulk_create([ml(menteeprofile_id=u.pk, language_id="en") for u in people], batch_size=5000)
    print(f"loaded {mentors} mentors and {mentees} mentees")


def refresh() -> None:
    import django

    django.setup()
    from matching import services

    started = time.perf_counter()
    services.features_refresh_all()
    print(f"features refreshed in {time.perf_counter() - started:.1f}s")


def child(requests: int, boot: bool) -> None:
    if boot:
        started = time.perf_counter()
        import mentorship.wsgi  # noqa: F401 - what gunicorn imports when a worker starts

        print(f"worker boot (wsgi import, matrix preloaded): {(time.perf_counter() - started) * 1000:.0f} ms")
    else:
        import django

        django.setup()
    from accounts.models import User
    from matching.models import MatchScore
    from matching.selectors import matches_for

    mentees = list(User.objects.filter(is_mentee=True, email__startswith="scale-mentee")
                   .exclude(pk__in=MatchScore.objects.values("mentee_id")).order_by("?")[:requests])
    with_list = User.objects.filter(pk__in=MatchScore.objects.values("mentee_id")).first()
    times, baseline = [], []
    for mentee in mentees:
        started = time.perf_counter()
        found = matches_for(mentee=mentee)
        times.append((time.perf_counter() - started) * 1000)
        assert found and not found[0].stored
        if with_list is not None:  # interleaved: the stored list, read in the same process
            started = time.perf_counter()
            assert matches_for(mentee=with_list)[0].stored
            baseline.append((time.perf_counter() - started) * 1000)
    current, peak = rss_mb()
    print(f"{len(times)} requests: first {times[0]:.0f} ms, p50 {statistics.median(times):.0f} ms, "
          f"p95 {p95(times):.0f} ms, max {max(times):.0f} ms; RSS now {current:.0f} MB, peak {peak:.0f} MB")
    if baseline:
        print(f"stored list, interleaved: p50 {statistics.median(baseline):.0f} ms, p95 {p95(baseline):.0f} ms")


def p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["load", "refresh", "measure", "child"])
    parser.add_argument("--mentors", type=int, default=10_000)
    parser.add_argument("--mentees", type=int, default=200)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--boot", action="store_true", help="start the child as a web worker does (import the WSGI app)")
    args = parser.parse_args()
    if args.what == "load":
        load(args.mentors, args.mentees)
    elif args.what == "refresh":
        refresh()
    elif args.what == "child":
        child(args.requests, args.boot)
    else:
        # A fresh interpreter, like a freshly started web worker: nothing imported or cached yet.
        subprocess.run([sys.executable, __file__, "child", "--requests", str(args.requests),
                        *(["--boot"] if args.boot else [])], check=True)


if __name__ == "__main__":
    main()
