"""The bare baselines of bench/http.py: the least a Django view can do to give the same answer.

Each view answers what a product endpoint answers, from raw SQL on Django's connection, with no
DRF, no forms, no serializers and no ORM: the floor the product's endpoints are measured against
(issue 11). They are mounted only by bench.http_urls, never by the product's URLs.

- mentors_json: the JSON of GET /api/v1/mentors/ (?page_size=, ?page=, ?q=), same fields, same
  rows, same order; ?q= is a PostgreSQL full-text query over the stored search document.
- mentors_html: the rows of /mentors/?q= (12 a page) as a bare HTML list.
- slots_json: the JSON of GET /api/v1/mentors/<id>/slots/ for a query with explicit dates,
  from the same slot engine (sessions.slots.free_slots).
"""

from __future__ import annotations

import json
import zoneinfo
from datetime import UTC, date, datetime, time, timedelta

from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.template import Context, Engine
from django.utils import timezone

from sessions.slots import Busy, Override, Policy, Rule, free_slots

LENGTHS = (15, 30, 45, 60)
# The bench's client is anonymous: public mentors only (accounts.selectors.mentor_visible_q).
_LISTED = "p.is_listed AND p.is_complete AND u.is_active AND u.is_mentor AND p.visibility = 'public'"
_SEARCH = "p.search_vector @@ websearch_to_tsquery('english', %s)"
_COLUMNS = ("p.user_id, p.slug, u.name, u.email, u.timezone, p.headline, p.bio, p.photo, p.years_experience, "
            "p.offers_15, p.offers_30, p.offers_45, p.offers_60, p.call_method, p.accepting_bookings, p.is_listed, "
            "p.rating_count, p.rating_sum, p.rating_bayes, p.created_at, p.visibility, p.next_free_at, "
            "p.response_median_minutes")
_FROM = "accounts_mentorprofile p JOIN accounts_user u ON u.id = p.user_id"


def _iso(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _like_prefix(query: str) -> str:
    """`query` followed by a space, as a LIKE prefix pattern (the name starts with it as a word)."""
    escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"{escaped} %"


def _page_rows(cursor, *, query: str, size: int, page: int) -> tuple[int, list[tuple]]:
    if query:
        cursor.execute(f"SELECT count(*) FROM {_FROM} WHERE {_LISTED} AND {_SEARCH}", [query])
        count = cursor.fetchone()[0]
        cursor.execute(
            f"SELECT {_COLUMNS} FROM {_FROM} WHERE {_LISTED} AND {_SEARCH} "
            # The product's relevance order (accounts.selectors.mentors_search): exact names first, then
            # the text rank, the trigram name similarity, free soon, rating.
            "ORDER BY (upper(u.name) = upper(%s) OR upper(u.name) LIKE upper(%s)) DESC, "
            "ts_rank(p.search_vector, websearch_to_tsquery('english', %s)) DESC, "
            "strict_word_similarity(lower(%s), p.search_text) DESC, p.free_soon DESC, p.rating_bayes DESC, "
            "p.user_id LIMIT %s OFFSET %s",
            [query, query, _like_prefix(query), query, query, size, (page - 1) * size])
    else:
        cursor.execute(f"SELECT count(*) FROM {_FROM} WHERE {_LISTED}")
        count = cursor.fetchone()[0]
        cursor.execute(
            f"SELECT {_COLUMNS} FROM {_FROM} WHERE {_LISTED} "
            "ORDER BY p.free_soon DESC, p.rating_bayes DESC, p.years_experience DESC, p.user_id LIMIT %s OFFSET %s",
            [size, (page - 1) * size])
    return count, cursor.fetchall()


def _terms(cursor, ids: list[int]) -> dict[str, dict[int, list[dict]]]:
    out: dict[str, dict[int, list[dict]]] = {"skills": {}, "industries": {}, "languages": {}}
    if not ids:
        return out
    for key, sql in (
        ("skills", "SELECT m.mentorprofile_id, t.name, t.slug, t.synonyms FROM accounts_mentorprofile_skills m "
                   "JOIN accounts_skill t ON t.id = m.skill_id WHERE m.mentorprofile_id = ANY(%s) ORDER BY t.name"),
        ("industries", "SELECT m.mentorprofile_id, t.name, t.slug, t.synonyms FROM accounts_mentorprofile_industries m "
                       "JOIN accounts_industry t ON t.id = m.industry_id WHERE m.mentorprofile_id = ANY(%s) ORDER BY t.name"),
        ("languages", "SELECT m.mentorprofile_id, t.code, t.name FROM accounts_mentorprofile_languages m "
                      "JOIN accounts_language t ON t.code = m.language_id WHERE m.mentorprofile_id = ANY(%s) ORDER BY t.name"),
    ):
        cursor.execute(sql, [ids])
        for row in cursor.fetchall():
            item = ({"code": row[1], "name": row[2]} if key == "languages"
                    else {"name": row[1], "slug": row[2], "synonyms": row[3]})
            out[key].setdefault(row[0], []).append(item)
    return out


def _mentor(row: tuple, terms: dict) -> dict:
    (pk, slug, name, email, tz, headline, bio, photo, years, o15, o30, o45, o60, call_method, accepting, listed,
     rating_count, rating_sum, rating_bayes, created_at, visibility, next_free_at, response_minutes) = row
    return {
        "id": pk, "slug": slug, "url": f"/mentors/{slug}/", "name": name or email.split("@")[0], "timezone": tz,
        "headline": headline, "bio": bio, "photo": f"/media/{photo}" if photo else None,
        "skills": terms["skills"].get(pk, []), "industries": terms["industries"].get(pk, []),
        "languages": terms["languages"].get(pk, []), "years_experience": years,
        "session_lengths": [n for n, on in zip(LENGTHS, (o15, o30, o45, o60), strict=True) if on],
        "call_method": call_method, "accepting_bookings": accepting, "is_listed": listed,
        "rating_count": rating_count, "rating_average": round(rating_sum / rating_count, 2) if rating_count else None,
        "rating_bayes": rating_bayes, "created_at": _iso(created_at), "visibility": visibility, "colleague": False,
        "next_free_at": _iso(next_free_at) if next_free_at else None,
        "responds_within_a_day": response_minutes is not None and response_minutes <= 24 * 60,
    }


def _page_link(request, page: int, last: int) -> str | None:
    if page < 1 or page > last:
        return None
    params = request.GET.copy()
    if page == 1:
        params.pop("page", None)
    else:
        params["page"] = str(page)
    query = params.urlencode()
    return request.build_absolute_uri(request.path) + (f"?{query}" if query else "")


def mentors_json(request):
    size = min(int(request.GET.get("page_size") or 20), 100)
    page = int(request.GET.get("page") or 1)
    query = " ".join(request.GET.get("q", "").split())
    with connection.cursor() as cursor:
        count, rows = _page_rows(cursor, query=query, size=size, page=page)
        terms = _terms(cursor, [r[0] for r in rows])
    last = max((count + size - 1) // size, 1)
    body = {"count": count, "next": _page_link(request, page + 1, last), "previous": _page_link(request, page - 1, last),
            "results": [_mentor(r, terms) for r in rows], "did_you_mean": None}
    return HttpResponse(json.dumps(body, ensure_ascii=False, separators=(",", ":")), content_type="application/json")


_HTML = Engine(autoescape=True).from_string("""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Find a mentor</title></head><body><main>
<h1>Find a mentor</h1>
<p>{{ count }} mentor{{ count|pluralize }}{% if query %} matching “{{ query }}”{% endif %}</p>
<ul>{% for m in mentors %}<li>
<h3><a href="{{ m.url }}">{{ m.name }}</a></h3>{% if m.headline %}<p>{{ m.headline }}</p>{% endif %}
<p>{% if m.rating_count %}★ {{ m.rating_average|floatformat:1 }} ({{ m.rating_count }} review{{ m.rating_count|pluralize }}){% else %}New mentor{% endif %} · {{ m.years_experience }} yr{{ m.years_experience|pluralize }} experience · {{ m.session_lengths|join:"/" }} min</p>
<ul>{% for s in m.skills|slice:":6" %}<li>{{ s.name }}</li>{% endfor %}</ul>
<p>Speaks {% for lang in m.languages %}{{ lang.name }}{% if not forloop.last %}, {% endif %}{% endfor %}</p>
</li>{% endfor %}</ul>
</main></body></html>""")


def mentors_html(request):
    query = " ".join(request.GET.get("q", "").split())
    page = int(request.GET.get("page") or 1)
    with connection.cursor() as cursor:
        count, rows = _page_rows(cursor, query=query, size=12, page=page)
        terms = _terms(cursor, [r[0] for r in rows])
    mentors = [_mentor(r, terms) for r in rows]
    return HttpResponse(_HTML.render(Context({"count": count, "query": query, "mentors": mentors})))


_POLICY_DEFAULTS = (0, 0, 12, 60, None, None, None, 15)


def slots_json(request, mentor_id: int):
    """?start=YYYY-MM-DD&end=YYYY-MM-DD (inclusive)&duration=&tz=, read as the slots API reads them."""
    tz = request.GET.get("tz") or "UTC"
    zone = zoneinfo.ZoneInfo(tz)
    start = datetime.combine(date.fromisoformat(request.GET["start"]), time(0), tzinfo=zone)
    end = datetime.combine(date.fromisoformat(request.GET["end"]) + timedelta(days=1), time(0), tzinfo=zone)
    duration = int(request.GET.get("duration") or 30)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT u.timezone, p.accepting_bookings, p.offers_15, p.offers_30, p.offers_45, p.offers_60 FROM {_FROM} "
            f"WHERE u.id = %s AND {_LISTED}", [mentor_id])
        row = cursor.fetchone()
        if row is None:
            return JsonResponse({"detail": "No such mentor."}, status=404)
        mentor_tz, accepting, *offers = row
        mentor_zone = zoneinfo.ZoneInfo(mentor_tz or "UTC")
        cursor.execute(
            "SELECT buffer_before_minutes, buffer_after_minutes, min_notice_hours, horizon_days, max_per_day, "
            "max_per_week, weekly_budget_minutes, slot_granularity_minutes FROM booking_bookingpolicy "
            "WHERE mentor_id = %s", [mentor_id])
        p = cursor.fetchone() or _POLICY_DEFAULTS
        cursor.execute("SELECT weekday, start_time, end_time FROM booking_availabilityrule WHERE mentor_id = %s",
                       [mentor_id])
        rules = [Rule(*r) for r in cursor.fetchall()]
        first, last = start.astimezone(mentor_zone).date() - timedelta(days=2), end.astimezone(mentor_zone).date() + timedelta(days=2)
        cursor.execute(
            "SELECT start_date, end_date, start_time, end_time FROM booking_availabilityoverride "
            "WHERE mentor_id = %s AND start_date <= %s AND end_date >= %s", [mentor_id, last, first])
        overrides = [Override(*r) for r in cursor.fetchall()]
        cursor.execute(
            'SELECT start, "end", blocked_start, blocked_end FROM booking_booking WHERE mentor_id = %s '
            "AND status IN ('requested', 'confirmed') AND \"end\" > %s AND start < %s",
            [mentor_id, start - timedelta(days=9), end + timedelta(days=9)])
        bookings = [Busy(*r) for r in cursor.fetchall()]
    policy = Policy(buffer_before=p[0], buffer_after=p[1], min_notice_minutes=p[2] * 60, horizon_days=p[3],
                    max_per_day=p[4], max_per_week=p[5], weekly_budget_minutes=p[6], granularity=p[7])
    starts = free_slots(zone=mentor_tz or "UTC", rules=rules, overrides=overrides, bookings=bookings, policy=policy,
                        duration=duration, start=start, end=end, now=timezone.now()) if accepting else []
    length = timedelta(minutes=duration)
    body = {
        "mentor": {"id": mentor_id, "timezone": mentor_tz}, "timezone": tz, "duration": duration,
        "durations": [n for n, on in zip(LENGTHS, offers, strict=True) if on],
        "start": _iso(start), "end": _iso(end), "accepting_bookings": accepting,
        "slots": [{"start": _iso(s), "end": _iso(s + length), "local_start": s.astimezone(zone).isoformat(),
                   "mentor_local_start": s.astimezone(mentor_zone).isoformat()} for s in starts],
    }
    return HttpResponse(json.dumps(body, ensure_ascii=False, separators=(",", ":")), content_type="application/json")
