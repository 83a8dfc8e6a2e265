"""Directory sync: a company's HR export (CSV or JSON) becomes the organisation's memberships.

Validate, then act (the house rule). `sync_plan` reads the whole file, checks every row against the
organisation (departments, levels, managers, employee ids) and, only when nothing is wrong,
computes the plan: who is created, updated, reactivated or deactivated. `directory_sync` applies a
plan in one transaction, after planning it again under a lock on the organisation, so what is
written is what the same file means now; a second run of the same file plans nothing.

The file (columns or keys): email (required), name, department, level, title, location,
manager_email, employee_id, active. A column that is present is authoritative (an empty cell
clears the field); a column that is absent leaves the field as it is. Departments match by name
or slug, levels by code or name, all case-insensitively; an unknown one is a problem reported by
line and field, never created. `active` is true/false/yes/no/1/0/active/inactive (empty: active).

Departures (a row marked inactive, or a member missing from the file with deactivate_missing;
organisation admins missing from the file are kept, since program managers are often not in the
HR export): the membership is deactivated, the person's account is locked unless they are still
an active member of another organisation (accounts.services.users_deactivate: sign-in refused, API
tokens deleted; staff accounts are never locked), and their future live bookings are cancelled
through the booking service, which mails the other side once (all their bookings when the account
is locked, only this organisation's program bookings otherwise). History stays. Reactivation
unlocks the account again.

This module composes accounts (new accounts, sign-in) and booking (cancellations), so it sits
outside the orgs core that the import contract keeps free of other apps; the membership writes
themselves are orgs.services.sync.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from accounts import services as account_services
from accounts.importing import directory_users_create
from mentorship.parsers import json_depth_exceeds
from mentorship.text import single_line_error
from orgs.errors import OrgError
from orgs.models import Department, Level, Membership, Organisation
from orgs.selectors_members import nav_organisations_forget
from orgs.services import sync as writes
from sessions.models import LIVE_STATUSES, Booking
from sessions.services.bookings import bookings_cancel_for_departure

FIELDS = ("email", "name", "department", "level", "title", "location", "manager_email", "employee_id", "active")
# Spellings HR systems use for our column names (after lower-casing and turning spaces and dashes
# into underscores).
ALIASES = {"manager": "manager_email", "employee": "employee_id", "employee_number": "employee_id",
           "job_title": "title", "full_name": "name", "status": "active"}
TRUE = {"true", "yes", "y", "1", "active"}
FALSE = {"false", "no", "n", "0", "inactive"}
MAX_ROWS = 100_000
MAX_BYTES = 20 * 1024 * 1024
LOOKUP_BATCH = 1000  # emails per IN (...) when looking people up (SQLite's variable limit)
_validate_email = EmailValidator()


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the file: where (a line, or "file"), which field, and what."""

    where: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}, {self.field}: {self.message}"


@dataclass
class Record:
    where: str
    values: dict[str, Any]


@dataclass
class Row:
    """A valid row: the person and the values of the columns the file has."""

    where: str
    email: str
    active: bool
    given: dict[str, Any]  # field -> clean value (department/level as objects or None)


@dataclass
class Change:
    kind: str  # create, update, reactivate, deactivate
    email: str
    name: str = ""
    where: str = ""
    details: list[str] = field(default_factory=list)
    reason: str = ""  # why a deactivation
    account: str = ""  # what happens to the account ("new account", "account locked", ...)
    fields: dict[str, Any] = field(default_factory=dict)  # membership fields to write
    manager_email: str | None = None  # None: leave the manager alone; "": clear it
    membership_id: int | None = None
    user_id: int | None = None

    def line(self) -> str:
        mark = {"create": "+", "update": "~", "reactivate": "^", "deactivate": "-"}[self.kind]
        head = f"{mark} {self.email}" + (f" ({self.name})" if self.name else "")
        parts = [p for p in (self.reason, self.account, *self.details) if p]
        return f"{head}" + (f" [{self.where}]" if self.where else "") + (": " + "; ".join(parts) if parts else "")


@dataclass
class SyncPlan:
    organisation: Organisation
    deactivate_missing: bool
    format: str = ""
    rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    creates: list[Change] = field(default_factory=list)
    updates: list[Change] = field(default_factory=list)
    reactivations: list[Change] = field(default_factory=list)
    deactivations: list[Change] = field(default_factory=list)
    unchanged: int = 0
    skipped_inactive: int = 0  # marked inactive and not a member: nothing to do
    kept_admins: list[str] = field(default_factory=list)
    sessions_to_cancel: int = 0
    # Filled in when applied.
    applied: bool = False
    accounts_created: int = 0
    accounts_locked: int = 0
    accounts_unlocked: int = 0
    sessions_cancelled: int = 0
    # Internal: who keeps their account though they leave (active elsewhere), for the cancellations.
    _leavers_locked: dict[int, str] = field(default_factory=dict)
    _leavers_kept: dict[int, str] = field(default_factory=dict)

    @property
    def new_accounts(self) -> int:
        return sum(1 for c in self.creates if c.account == "new account")

    @property
    def changes(self) -> list[Change]:
        return [*self.creates, *self.updates, *self.reactivations, *self.deactivations]

    @property
    def size(self) -> int:
        return len(self.creates) + len(self.updates) + len(self.reactivations) + len(self.deactivations)

    @property
    def counts(self) -> dict[str, int]:
        return {"rows": self.rows, "create": len(self.creates), "update": len(self.updates),
                "reactivate": len(self.reactivations), "deactivate": len(self.deactivations),
                "unchanged": self.unchanged, "new_accounts": self.new_accounts,
                "sessions_to_cancel": self.sessions_to_cancel, "accounts_locked": self.accounts_locked,
                "accounts_unlocked": self.accounts_unlocked, "sessions_cancelled": self.sessions_cancelled}

    @property
    def digest(self) -> str:
        """Fingerprint of what applying would do: the preview page sends it back with the
        confirmation, and a plan that differs (the directory changed meanwhile) is not applied."""
        text = "\n".join([str(self.deactivate_missing), *sorted(c.line() for c in self.changes)])
        return hashlib.sha256(text.encode()).hexdigest()

    def summary(self) -> str:
        if self.problems:
            return f"{len(self.problems)} problem(s) in the file; nothing was changed."
        verbs = ("created", "updated", "reactivated", "deactivated") if self.applied else (
            "to create", "to update", "to reactivate", "to deactivate")
        parts = [f"{self.rows} row(s) read",
                 f"{len(self.creates)} {verbs[0]} ({self.new_accounts} new account(s))",
                 f"{len(self.updates)} {verbs[1]}",
                 f"{len(self.reactivations)} {verbs[2]}",
                 f"{len(self.deactivations)} {verbs[3]}",
                 f"{self.unchanged} unchanged"]
        text = f"{self.organisation.name}: " + ", ".join(parts) + "."
        if self.applied:
            text += f" {self.sessions_cancelled} future session(s) cancelled."
        elif self.sessions_to_cancel:
            text += f" {self.sessions_to_cancel} future session(s) will be cancelled."
        if self.kept_admins:
            text += f" {len(self.kept_admins)} organisation admin(s) missing from the file kept."
        return text

    def lines(self, limit: int | None = None) -> list[str]:
        out = [c.line() for c in self.changes]
        if limit is not None and len(out) > limit:
            out = [*out[:limit], f"... and {len(out) - limit} more"]
        return out


# --- reading the file ------------------------------------------------------------------------------

def _column(name: str) -> str:
    key = re.sub(r"[\s\-]+", "_", name.strip().lower())
    return ALIASES.get(key, key)


def _guess_format(content: bytes, filename: str) -> str:
    lower = filename.lower()
    if lower.endswith(".json"):
        return "json"
    if lower.endswith(".csv"):
        return "csv"
    head = content.lstrip()[:1]
    return "json" if head in (b"[", b"{") else "csv"


def sync_file_read(*, content: bytes, fmt: str | None = None, filename: str = "") -> tuple[list[Record], list[Problem], str]:
    """The file's records (each with where it came from) and the problems of its form."""
    fmt = fmt or _guess_format(content, filename)
    if len(content) > MAX_BYTES:
        return [], [Problem("file", "file", f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.")], fmt
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return [], [Problem("file", "file", f"Not UTF-8 text (byte {exc.start}). Export the file as UTF-8.")], fmt
    if not text.strip():
        return [], [Problem("file", "file", "The file is empty.")], fmt
    records, problems = (_read_json if fmt == "json" else _read_csv)(text)
    if len(records) > MAX_ROWS:
        problems.append(Problem("file", "file", f"More than {MAX_ROWS} rows; split the file."))
    return records, problems, fmt


def _read_csv(text: str) -> tuple[list[Record], list[Problem]]:
    problems: list[Problem] = []
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except csv.Error as exc:
        return [], [Problem("line 1", "file", f"Not a CSV file: {exc}.")]
    columns = [_column(h) for h in header]
    for raw, column in zip(header, columns, strict=True):
        if column not in FIELDS:
            problems.append(Problem("line 1", raw.strip() or "(empty)",
                                    f"Unknown column. The columns are: {', '.join(FIELDS)}."))
    for column in {c for c in columns if columns.count(c) > 1}:
        problems.append(Problem("line 1", column, "This column appears twice."))
    if "email" not in columns:
        problems.append(Problem("line 1", "email", "The file needs an email column."))
    if problems:
        return [], problems
    records: list[Record] = []
    start = reader.line_num + 1
    try:
        for cells in reader:
            where, start = f"line {start}", reader.line_num + 1
            if not any(c.strip() for c in cells):
                continue
            if len(cells) > len(columns):
                problems.append(Problem(where, "file", f"{len(cells)} values but {len(columns)} columns."))
                continue
            records.append(Record(where, {c: (cells[i] if i < len(cells) else "") for i, c in enumerate(columns)}))
    except csv.Error as exc:
        problems.append(Problem(f"line {reader.line_num}", "file", f"Not readable as CSV: {exc}."))
    return records, problems


def _read_json(text: str) -> tuple[list[Record], list[Problem]]:
    if json_depth_exceeds(text, 4):
        return [], [Problem("file", "file", "Nested too deeply: the file is a list of flat records.")]
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return [], [Problem(f"line {exc.lineno}", "file", f"Not valid JSON: {exc.msg} (column {exc.colno}).")]
    if isinstance(data, dict) and set(data) == {"people"}:
        items, opening = data["people"], re.search(r'"people"\s*:\s*\[', text)
        start = opening.end() - 1 if opening else -1
    else:
        items, start = data, text.find("[")
    if not isinstance(items, list):
        return [], [Problem("file", "file", 'Expected a list of records, or {"people": [...]}.')]
    lines = _element_lines(text, start, len(items))
    records: list[Record] = []
    problems: list[Problem] = []
    for i, item in enumerate(items):
        where = f"record {i + 1} (line {lines[i]})" if lines else f"record {i + 1}"
        if not isinstance(item, dict):
            problems.append(Problem(where, "record", "Each record is an object with an email."))
            continue
        values: dict[str, Any] = {}
        for key, value in item.items():
            column = _column(key)
            if column not in FIELDS:
                problems.append(Problem(where, key, f"Unknown key. The keys are: {', '.join(FIELDS)}."))
            elif column in values:
                problems.append(Problem(where, column, "This key appears twice."))
            elif value is None:
                values[column] = ""
            elif isinstance(value, bool):
                if column == "active":
                    values[column] = "true" if value else "false"
                else:
                    problems.append(Problem(where, column, "Must be text, not true or false."))
            elif isinstance(value, int) and column == "employee_id":
                values[column] = str(value)
            elif isinstance(value, str):
                values[column] = value
            else:
                problems.append(Problem(where, column, "Must be text."))
        records.append(Record(where, values))
    return records, problems


def _element_lines(text: str, start: int, count: int) -> list[int]:
    """The line each element of the array opening at `start` begins on (the file is valid JSON);
    [] when the array cannot be found, and the records are then named by position only."""
    if start < 0 or start >= len(text) or text[start] != "[":
        return []
    decoder = json.JSONDecoder()
    separators = re.compile(r"[\s,]*")
    pos, line, lines = start + 1, text.count("\n", 0, start + 1) + 1, []
    try:
        while len(lines) < count:
            gap = separators.match(text, pos).end()
            line += text.count("\n", pos, gap)
            lines.append(line)
            _, end = decoder.raw_decode(text, gap)
            line += text.count("\n", gap, end)
            pos = end
    except (ValueError, AttributeError):
        return []
    return lines


# --- validating the rows ---------------------------------------------------------------------------

@dataclass
class _Org:
    """The organisation as the plan needs it, read in a fixed number of queries."""

    departments: dict[str, Department]
    levels: dict[str, Level]
    members: dict[str, dict]  # email -> membership values
    users: dict[str, int]  # email -> user id, for file emails with no membership


def _org_state(organisation: Organisation, emails: list[str]) -> _Org:
    departments: dict[str, Department] = {}
    for d in Department.objects.filter(organisation=organisation):
        departments[d.name.lower()] = departments[d.slug.lower()] = d
    levels: dict[str, Level] = {}
    for lv in Level.objects.filter(organisation=organisation):
        if lv.name:
            levels[lv.name.lower()] = lv
        levels[lv.code.lower()] = lv
    members = {row["email"]: row for row in Membership.objects.filter(organisation=organisation).annotate(
        email=Lower("user__email"), manager_email=Lower("manager__user__email")).values(
        "pk", "user_id", "email", "user__name", "user__is_active", "user__is_staff", "user__is_superuser", "role",
        "department_id", "level_id", "title", "location", "employee_id", "is_active", "manager_email")}
    outside = [e for e in emails if e not in members]
    users: dict[str, int] = {}
    User = get_user_model()
    for start in range(0, len(outside), LOOKUP_BATCH):
        users.update(User.objects.annotate(email_ci=Lower("email"))
                     .filter(email_ci__in=outside[start:start + LOOKUP_BATCH]).values_list("email_ci", "pk"))
    return _Org(departments, levels, members, users)


def _text(value: Any, limit: int, field_name: str, where: str, problems: list[Problem]) -> str:
    value = " ".join(str(value).split()) if not single_line_error(value) else value
    if message := single_line_error(value):
        problems.append(Problem(where, field_name, message))
    elif len(value) > limit:
        problems.append(Problem(where, field_name, f"At most {limit} characters ({len(value)} given)."))
    return value


def _email(value: str, where: str, field_name: str, problems: list[Problem], valid: set[str]) -> str:
    email = value.strip().lower()
    if email in valid:  # managers repeat: Django's validator is the costliest check per row
        return email
    try:
        _validate_email(email)
    except ValidationError:
        problems.append(Problem(where, field_name, f"“{value.strip()}” is not an email address."))
        return ""
    if len(email) > 254:
        problems.append(Problem(where, field_name, "At most 254 characters."))
        return ""
    valid.add(email)
    return email


def _known(options: dict, value: str, noun: str, org: Organisation, where: str, field_name: str,
           problems: list[Problem]):
    found = options.get(value.lower())
    if found is None:
        names = sorted({str(o) for o in options.values()})
        known = ", ".join(names) if names else "none yet: add them on the organisation's admin page first"
        problems.append(Problem(where, field_name, f"“{value}” is not {noun} of {org.name} (known: {known})."))
    return found


def _rows(records: list[Record], organisation: Organisation, state: _Org, problems: list[Problem]) -> list[Row]:
    rows: list[Row] = []
    seen_email: dict[str, str] = {}
    seen_id: dict[str, str] = {}
    valid: set[str] = set()
    for record in records:
        where, raw = record.where, record.values
        before = len(problems)
        email = raw.get("email", "")
        if not str(email).strip():
            problems.append(Problem(where, "email", "An email address is required."))
            continue
        email = _email(email, where, "email", problems, valid)
        if not email:
            continue
        if email in seen_email:
            problems.append(Problem(where, "email", f"{email} is also on {seen_email[email]}."))
            continue
        seen_email[email] = where
        given: dict[str, Any] = {}
        if "name" in raw:
            given["name"] = _text(raw["name"], 120, "name", where, problems)
        for name in ("title", "location"):
            if name in raw:
                given[name] = _text(raw[name], 120, name, where, problems)
        if "employee_id" in raw:
            employee_id = given["employee_id"] = _text(raw["employee_id"], 64, "employee_id", where, problems)
            if employee_id and employee_id in seen_id:
                problems.append(Problem(where, "employee_id", f"{employee_id} is also on {seen_id[employee_id]}."))
            elif employee_id:
                seen_id[employee_id] = where
        for name, options, noun in (("department", state.departments, "a department"),
                                    ("level", state.levels, "a level")):
            if name in raw:
                value = _text(raw[name], 120, name, where, problems)
                given[name] = _known(options, value, noun, organisation, where, name, problems) if value else None
        if "manager_email" in raw:
            manager = str(raw["manager_email"]).strip()
            given["manager_email"] = _email(manager, where, "manager_email", problems, valid) if manager else ""
            if given["manager_email"] == email:
                problems.append(Problem(where, "manager_email", "A person cannot be their own manager."))
        active = True
        if "active" in raw:
            value = str(raw["active"]).strip().lower()
            if value in FALSE:
                active = False
            elif value and value not in TRUE:
                problems.append(Problem(where, "active", f"“{raw['active']}” is not one of: true, false, yes, no, "
                                                         "1, 0, active, inactive (empty means active)."))
        if len(problems) == before:
            rows.append(Row(where, email, active, given))
    return rows


def _cross_checks(rows: list[Row], state: _Org, actor, problems: list[Problem]) -> None:
    in_file = {r.email: r for r in rows}
    # Employee ids are unique in the organisation: one held by a member the file does not list.
    holders = {m["employee_id"]: email for email, m in state.members.items() if m["employee_id"]}
    for row in rows:
        employee_id = row.given.get("employee_id")
        holder = holders.get(employee_id) if employee_id else None
        if holder and holder != row.email and (holder not in in_file or "employee_id" not in in_file[holder].given):
            problems.append(Problem(row.where, "employee_id", f"{employee_id} belongs to {holder}, who keeps it."))
    # Managers: in the file or already in the organisation, and no one is their own manager's manager.
    graph: dict[str, str] = {e: m["manager_email"] or "" for e, m in state.members.items()}
    for row in rows:
        manager = row.given.get("manager_email")
        if manager and manager not in in_file and manager not in state.members:
            problems.append(Problem(row.where, "manager_email",
                                    f"{manager} is neither in this file nor a member of the organisation."))
        if manager is not None:
            graph[row.email] = manager
    # Each walk stops at a person already known to lead nowhere circular, so a long chain of
    # managers costs one walk, not one per person.
    settled: set[str] = set()
    order = {r.email: i for i, r in enumerate(rows)}
    for row in rows:
        path: list[str] = []
        on_path: set[str] = set()
        node = row.email
        while node and node not in settled and node not in on_path:
            path.append(node)
            on_path.add(node)
            node = graph.get(node, "")
        if node and node in on_path:
            cycle = path[path.index(node):]
            # Reported once, on the cycle's first line in the file (or on the row that leads into a
            # circle the organisation already had).
            first = min((e for e in cycle if e in in_file), key=order.__getitem__, default=row.email)
            problems.append(Problem(in_file[first].where, "manager_email",
                                    "Managers go round in a circle: " + " -> ".join([*cycle, cycle[0]]) + "."))
        settled.update(path)
    if actor is not None and getattr(actor, "email", None):
        own = in_file.get(actor.email.lower())
        if own is not None and not own.active:
            problems.append(Problem(own.where, "active", "You cannot deactivate yourself; ask another admin."))


# --- planning ----------------------------------------------------------------------------------------

def _label(obj) -> str:
    return str(obj) if obj is not None else "(none)"


def _diff(row: Row, member: dict, state: _Org, change: Change) -> None:
    by_id = {d.pk: d for d in state.departments.values()}
    levels = {lv.pk: lv for lv in state.levels.values()}
    for name in ("department", "level"):
        if name in row.given:
            new = row.given[name]
            old_id = member[f"{name}_id"]
            if (new.pk if new else None) != old_id:
                old = (by_id if name == "department" else levels).get(old_id)
                change.fields[f"{name}_id"] = new.pk if new else None
                change.details.append(f"{name} {_label(old)} -> {_label(new)}")
    for name in ("title", "location", "employee_id"):
        if name in row.given and row.given[name] != member[name]:
            change.fields[name] = row.given[name]
            change.details.append(f"{name.replace('_', ' ')} “{member[name]}” -> “{row.given[name]}”")
    if "manager_email" in row.given and row.given["manager_email"] != (member["manager_email"] or ""):
        change.manager_email = row.given["manager_email"]
        change.details.append(f"manager {member['manager_email'] or '(none)'} -> {change.manager_email or '(none)'}")


def _created(row: Row, state: _Org) -> Change:
    change = Change("create", row.email, name=row.given.get("name", ""), where=row.where,
                    user_id=state.users.get(row.email))
    change.account = "existing account" if change.user_id else "new account"
    for name in ("department", "level"):
        if row.given.get(name) is not None:
            change.fields[f"{name}_id"] = row.given[name].pk
            change.details.append(f"{name} {row.given[name]}")
    for name in ("title", "location", "employee_id"):
        if row.given.get(name):
            change.fields[name] = row.given[name]
            change.details.append(f"{name.replace('_', ' ')} “{row.given[name]}”")
    if row.given.get("manager_email"):
        change.manager_email = row.given["manager_email"]
        change.details.append(f"manager {change.manager_email}")
    return change


def _departures(plan: SyncPlan, state: _Org) -> None:
    """Who keeps their account (staff, or active in another organisation) and how many future
    sessions the departures cancel; three queries whatever the number of leavers."""
    leaving = {c.user_id: c for c in plan.deactivations}
    if not leaving:
        return
    elsewhere = set(Membership.objects.filter(user_id__in=list(leaving), is_active=True)
                    .exclude(organisation=plan.organisation).values_list("user_id", flat=True))
    org_name = plan.organisation.name
    for user_id, change in leaving.items():
        member = state.members[change.email]
        reason = f"{member['user__name'] or change.email.split('@')[0]} has left {org_name}."
        if member["user__is_staff"] or member["user__is_superuser"]:
            change.account = "account kept (staff)"
            plan._leavers_kept[user_id] = reason
        elif user_id in elsewhere:
            change.account = "account kept (active in another organisation)"
            plan._leavers_kept[user_id] = reason
        else:
            change.account = "account locked" if member["user__is_active"] else ""
            plan._leavers_locked[user_id] = reason
    live = Booking.objects.filter(status__in=LIVE_STATUSES, start__gt=timezone.now())
    locked, kept = list(plan._leavers_locked), list(plan._leavers_kept)
    plan.sessions_to_cancel = (
        (live.filter(Q(mentor_id__in=locked) | Q(mentee_id__in=locked)).count() if locked else 0)
        + (live.filter(Q(mentor_id__in=kept) | Q(mentee_id__in=kept), program__organisation=plan.organisation)
           .count() if kept else 0))


def sync_plan(*, organisation: Organisation, content: bytes, fmt: str | None = None, filename: str = "",
              deactivate_missing: bool = False, actor=None) -> SyncPlan:
    """Read and check the whole file, then plan its changes; writes nothing.

    With any problem the plan has only `problems` (every one of them, by line and field). A fixed
    number of queries whatever the size of the file (people are looked up 1,000 emails a query).
    """
    records, problems, fmt = sync_file_read(content=content, fmt=fmt, filename=filename)
    plan = SyncPlan(organisation=organisation, deactivate_missing=deactivate_missing, format=fmt, rows=len(records))
    if problems:
        plan.problems = problems
        return plan
    emails = [str(r.values.get("email", "")).strip().lower() for r in records]
    state = _org_state(organisation, [e for e in emails if e])
    rows = _rows(records, organisation, state, problems)
    if not problems:
        _cross_checks(rows, state, actor, problems)
    if problems:
        plan.problems = problems
        return plan
    for row in rows:
        member = state.members.get(row.email)
        if member is None:
            if row.active:
                plan.creates.append(_created(row, state))
            else:
                plan.skipped_inactive += 1
            continue
        change = Change("update", row.email, name=member["user__name"], where=row.where,
                        membership_id=member["pk"], user_id=member["user_id"])
        _diff(row, member, state, change)
        if row.active and not member["is_active"]:
            change.kind = "reactivate"
            change.account = "" if member["user__is_active"] else "account unlocked"
            plan.reactivations.append(change)
        elif not row.active and member["is_active"]:
            change.kind, change.reason = "deactivate", "marked inactive"
            plan.deactivations.append(change)
        elif change.details:
            plan.updates.append(change)
        else:
            plan.unchanged += 1
    if deactivate_missing:
        in_file = {r.email for r in rows}
        for email, member in state.members.items():
            if email in in_file or not member["is_active"]:
                continue
            if member["role"] == Membership.Role.ADMIN:
                plan.kept_admins.append(email)
                continue
            plan.deactivations.append(Change("deactivate", email, name=member["user__name"], reason="missing from the file",
                                             membership_id=member["pk"], user_id=member["user_id"]))
    _departures(plan, state)
    return plan


# --- applying ------------------------------------------------------------------------------------------

def directory_sync(*, organisation: Organisation, content: bytes, fmt: str | None = None, filename: str = "",
                   deactivate_missing: bool = False, dry_run: bool = False, actor=None,
                   expected_digest: str | None = None, progress: Callable[[int], None] | None = None,
                   now: datetime | None = None) -> SyncPlan:
    """Plan the file and, unless it is a dry run or has problems, apply the plan: all of it in one
    transaction or nothing. `expected_digest` (the preview's plan) refuses to apply a plan that
    differs from the one that was shown (409 sync_plan_changed)."""
    now = now or timezone.now()
    with transaction.atomic():
        if not dry_run:
            # Two syncs of one organisation at once would each plan against what the other is changing.
            Organisation.objects.select_for_update().filter(pk=organisation.pk).values_list("pk", flat=True).first()
        plan = sync_plan(organisation=organisation, content=content, fmt=fmt, filename=filename,
                         deactivate_missing=deactivate_missing, actor=actor)
        if plan.problems or dry_run:
            return plan
        if expected_digest is not None and plan.digest != expected_digest:
            raise OrgError("The directory changed since the preview; review the new preview before applying.",
                           code="sync_plan_changed")
        _apply(plan, progress=progress or (lambda n: None), now=now)
    return plan


def _apply(plan: SyncPlan, *, progress: Callable[[int], None], now: datetime) -> None:
    org = plan.organisation
    new_people = {c.email: c.name for c in plan.creates if c.user_id is None}
    if new_people:
        verified = org.domains.filter(verified_at__isnull=False).values_list("domain", flat=True)
        ids = directory_users_create(people=new_people, timezone_name=org.timezone, verified_domains=list(verified))
        for change in plan.creates:
            change.user_id = change.user_id or ids[change.email]
        plan.accounts_created = len(ids)
    created = writes.memberships_bulk_create(
        organisation=org, now=now,
        people=[{"user_id": c.user_id, **c.fields} for c in plan.creates])
    for change in plan.creates:
        change.membership_id = created[change.user_id]
    progress(len(plan.creates))

    changed = [c for c in (*plan.updates, *plan.reactivations, *plan.deactivations) if c.fields]
    writes.memberships_bulk_update(organisation=org, changes={c.membership_id: c.fields for c in changed})
    progress(len(plan.updates))
    writes.memberships_activate(organisation=org, membership_ids=[c.membership_id for c in plan.reactivations])
    progress(len(plan.reactivations))
    writes.memberships_deactivate(organisation=org, membership_ids=[c.membership_id for c in plan.deactivations],
                                  now=now)

    with_manager = [c for c in plan.changes if c.manager_email is not None]
    if with_manager:
        ids_by_email = dict(Membership.objects.filter(organisation=org).annotate(email=Lower("user__email"))
                            .values_list("email", "pk"))
        writes.memberships_managers_set(organisation=org, managers={
            c.membership_id: ids_by_email[c.manager_email] if c.manager_email else None for c in with_manager})

    plan.accounts_locked = len(account_services.users_deactivate(user_ids=list(plan._leavers_locked)))
    plan.accounts_unlocked = len(account_services.users_reactivate(
        user_ids=[c.user_id for c in plan.reactivations]))
    cancelled = bookings_cancel_for_departure(reasons=plan._leavers_locked, now=now)
    cancelled += bookings_cancel_for_departure(reasons=plan._leavers_kept, only_programs_of=org.pk, now=now)
    plan.sessions_cancelled = len(cancelled)
    # Whoever joined, came back or left sees the navigation's organisations change on their next page.
    nav_organisations_forget(user_ids=[c.user_id for c in (*plan.creates, *plan.reactivations, *plan.deactivations)])
    progress(len(plan.deactivations))
    plan.applied = True


# --- uploads waiting between the preview and the confirmation ---------------------------------------

UPLOAD_MAX_AGE = timedelta(days=1)
_DIGEST = re.compile(r"^[0-9a-f]{64}$")


def _upload_path(organisation: Organisation, digest: str) -> Path:
    return Path(settings.ORGS_SYNC_UPLOAD_ROOT) / str(organisation.pk) / digest


def sync_upload_keep(*, organisation: Organisation, content: bytes) -> str:
    """Keep an admin's uploaded file until they confirm its preview; returns its SHA-256, which the
    confirmation names. The server applies the file it kept, re-checked, never one sent again."""
    digest = hashlib.sha256(content).hexdigest()
    path = _upload_path(organisation, digest)
    path.parent.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - UPLOAD_MAX_AGE.total_seconds()
    for old in path.parent.iterdir():
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    temporary = path.with_suffix(".part")
    temporary.write_bytes(content)
    temporary.replace(path)
    return digest


def sync_upload_get(*, organisation: Organisation, digest: str) -> bytes:
    """The kept file, checked against its hash (409 sync_upload_missing when gone or altered)."""
    path = _upload_path(organisation, digest) if _DIGEST.match(digest or "") else None
    content = path.read_bytes() if path is not None and path.is_file() else None
    if content is None or hashlib.sha256(content).hexdigest() != digest:
        raise OrgError("The uploaded file is no longer here; upload it again.", code="sync_upload_missing")
    return content


def sync_upload_discard(*, organisation: Organisation, digest: str) -> None:
    if _DIGEST.match(digest or ""):
        _upload_path(organisation, digest).unlink(missing_ok=True)
