"""One report, three shapes: the API's JSON, the CSV download and (through the same keys) the
page. All of them read the report's cells, so a hidden figure is hidden in each alike."""

from __future__ import annotations

import csv
import io

from insights.privacy import Cell
from insights.selectors import OUTCOMES, Report


def _cell(cell: Cell) -> dict:
    return cell.as_json()


def report_json(report: Report) -> dict:
    scope, p, s, r, load = report.scope, report.participation, report.satisfaction, report.reach, report.load
    return {
        "organisation": scope.organisation.slug,
        "program": scope.program.slug if scope.program else None,
        "from": scope.first_day.isoformat(),
        "to": scope.last_day.isoformat(),
        "timezone": scope.organisation.timezone,
        "min_cell": report.min_cell,
        "participation": {
            "mentees": {k: _cell(v) for k, v in p["mentees"].items()},
            "mentors": {k: _cell(v) for k, v in p["mentors"].items()},
            "sessions": {k: _cell(v) for k, v in p["totals"].items()},
            "weeks": [{"week": w["week"].isoformat(), "requested": _cell(w["requested"]),
                       **{key: _cell(w[key]) for key, _ in OUTCOMES}} for w in p["weeks"]],
            "median_days_to_first_booking": _cell(p["days_to_first_booking"]),
        },
        "satisfaction": {
            "ratings": _cell(s["ratings"]),
            "average_stars": _cell(s["average"]),
            "stars": [{"stars": x["stars"], "ratings": _cell(x["ratings"])} for x in s["stars"]],
            "expectations": [{"answer": a["answer"] or "unanswered", "ratings": _cell(a["ratings"])}
                             for a in s["expectations"]],
            "booked_again_percent": _cell(s["booked_again"]),
        },
        "reach": {
            "departments": r["departments"],
            "matrix": [{"mentee_department": row["department"], "sessions": [_cell(c) for c in row["cells"]]}
                       for row in r["matrix"]],
            "crossed_departments_percent": _cell(r["crossed_share"]),
            "level_gaps": [{"gap": g["gap"], "label": g["label"], "sessions": _cell(g["sessions"])}
                           for g in r["level_gaps"]],
            "colleagues_met": {"people": _cell(r["colleagues_met"]["people"]),
                               "bins": [{"label": b["label"], "people": _cell(b["people"])}
                                        for b in r["colleagues_met"]["bins"]]},
        },
        "mentor_load": {
            "mentors": _cell(load["mentors"]),
            "bins": [{"label": b["label"], "mentors": _cell(b["people"])} for b in load["bins"]],
            "top_tenth_share_percent": _cell(load["top_tenth_share"]),
            "gini": _cell(load["gini"]),
        },
        "topics": [{"skill": t["skill"], "sessions": _cell(t["sessions"])} for t in report.topics],
    }


def report_csv(report: Report) -> str:
    """section, figure, row, column, value: one line per published number, "<5" where hidden."""
    p, s, r, load = report.participation, report.satisfaction, report.reach, report.load
    rows: list[tuple[str, str, str, str, Cell]] = []
    for side in ("mentees", "mentors"):
        rows += [("participation", side, key, "", cell) for key, cell in p[side].items()]
    rows += [("participation", "sessions", key, "", cell) for key, cell in p["totals"].items()]
    for w in p["weeks"]:
        rows += [("participation", "sessions per week", w["week"].isoformat(), key, w[key])
                 for key in ["requested", *(k for k, _ in OUTCOMES)]]
    rows.append(("participation", "median days to first booking", "", "", p["days_to_first_booking"]))
    rows.append(("satisfaction", "ratings", "", "", s["ratings"]))
    rows.append(("satisfaction", "average stars", "", "", s["average"]))
    rows += [("satisfaction", "ratings by stars", str(x["stars"]), "", x["ratings"]) for x in s["stars"]]
    rows += [("satisfaction", "expectations", a["answer"] or "unanswered", "", a["ratings"]) for a in s["expectations"]]
    rows.append(("satisfaction", "booked again (percent)", "", "", s["booked_again"]))
    for row in r["matrix"]:
        rows += [("reach", "completed sessions by department", row["department"], mentor_dep, cell)
                 for mentor_dep, cell in zip(r["departments"], row["cells"], strict=True)]
    rows.append(("reach", "sessions across departments (percent)", "", "", r["crossed_share"]))
    rows += [("reach", "completed sessions by level gap", g["label"], "", g["sessions"]) for g in r["level_gaps"]]
    rows += [("reach", "people by colleagues met", b["label"], "", b["people"]) for b in r["colleagues_met"]["bins"]]
    rows.append(("mentor load", "mentors with completed sessions", "", "", load["mentors"]))
    rows += [("mentor load", "mentors by completed sessions", b["label"], "", b["people"]) for b in load["bins"]]
    rows.append(("mentor load", "share of the busiest tenth (percent)", "", "", load["top_tenth_share"]))
    rows.append(("mentor load", "gini", "", "", load["gini"]))
    rows += [("topics", "sessions asking about", t["skill"], "", t["sessions"]) for t in report.topics]
    out = io.StringIO()
    writer = csv.writer(out)
    scope = report.scope
    writer.writerow(["section", "figure", "row", "column", "value"])
    writer.writerow(["period", scope.organisation.timezone, scope.first_day.isoformat(), scope.last_day.isoformat(),
                     scope.program.slug if scope.program else scope.organisation.slug])
    for section, figure, row, column, cell in rows:
        writer.writerow([section, figure, _safe(row), _safe(column), cell.display])
    return out.getvalue()


def _safe(text: str) -> str:
    """Department and skill names come from people: never let a spreadsheet run one as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
