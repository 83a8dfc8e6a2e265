"""A directory page (GET /api/v1/mentors/ and /mentors/) read with SQL compiled once per process.

`mentors_search` stays the one definition of who is listed, what matches and in which order; this
module only changes how its queryset is run, because running it through the ORM was most of a
page's Python time (issue 11's profiles: compiling the search and its count ~1 ms of CPU each,
building the rows into instances another):

- The SQL of `mentors_search(...)` is compiled by the ORM once per process and *shape* (database,
  kind of viewer, sort, whether there is a text query and a name-prefix part), with stand-in
  values for the text and the viewer's id that are swapped for the request's own (the way
  accounts.selectors compiles bookable_mentors and mentor_cards). Filters other than the sort, a
  `match` sort (one CASE branch per stored match) and SQLite (whose word search has one clause
  per word) are compiled per request instead: same SQL, no cache.
- With a text query the page's rows carry the number of matches (`COUNT(*) OVER ()`): ranking
  already reads every match to pick the best 20, so counting them in the same statement saves the
  second scan the separate count made (one statement instead of two). Without one the page is an
  index scan that stops after 20 entries, and a window would read every listed mentor, so the
  count stays its own statement.
- Rows become MentorProfile instances (with their user) as the ORM's own iterator builds them,
  from the compiler's select list and converters, so a column or annotation that mentors_search
  gains arrives here without a change.

A shape whose compiled parameters hold a value that changes between two compiles (the clock, for
instance) is never cached: it is compiled per request, so nothing stale is ever reused.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.core.paginator import Paginator
from django.db import connections, router
from django.db.models import Count, Window
from django.db.models.base import ModelState
from django.db.models.fields.files import ImageFileDescriptor
from django.db.models.query import get_related_populators
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_init, pre_init

from accounts.models import MentorProfile
from accounts.selectors import (
    KIND_VIEWERS,
    NO_VIEWER,
    CompiledViewer,
    MentorFilters,
    _name_prefix_query,
    mentors_search,
    text_query_fuzzy_words,
    viewer_kind,
)

# Stand-ins while a shape is compiled, twice (A and B) so that every parameter that depends on the
# request is found by difference; text that no request sends (a NUL byte is refused by the form).
# Upper-case letters in them, so the lower-cased copy the trigram order takes is told apart from the text.
_TEXT = ("\x00Directory-text-a", "\x00Directory-text-b")
_VIEWER_IDS = (NO_VIEWER, NO_VIEWER - 1)
_FULL_COUNT = "directory_full_count"


@dataclass(frozen=True)
class _Compiled:
    sql: str  # without LIMIT/OFFSET
    params: tuple
    slots: tuple[str | None, ...]  # per parameter: "text", "prefix", "viewer" or None (keep it)
    model_span: tuple[int, int]
    init_list: tuple[str, ...]
    populators: tuple
    annotations: tuple[tuple[str, int], ...]
    converters: dict
    count_at: int | None  # the window count's column, when the rows count themselves
    count_sql: str  # the separate count (also when a counting page came back empty)
    count_slots: tuple[str | None, ...]
    count_params: tuple


def _plain(filters: MentorFilters) -> bool:
    """Whether only the sort is set: the shapes that are compiled once (discovery's and any future
    filter fall through to a per-request compile until they are taught here)."""
    default = MentorFilters(sort=filters.sort)
    return all(getattr(filters, f.name) == getattr(default, f.name) for f in dataclasses.fields(MentorFilters))


def _count_sql(qs, using: str) -> tuple[str, tuple]:
    """`SELECT COUNT(*)` over the queryset's rows, as QuerySet.count() writes it for this query (no
    ordering; annotations stay usable by the WHERE clause but are not selected)."""
    query = qs.query.chain()
    query.clear_ordering(force=True)
    query.clear_select_clause()
    query.add_annotation(Count("*"), alias="__count", select=True)
    sql, params = query.get_compiler(using).as_sql()
    return sql, tuple(params)


def _compile(qs, using: str, window: bool) -> tuple:
    count_sql, count_params = _count_sql(qs, using)
    if window:
        qs = qs.annotate(**{_FULL_COUNT: Window(Count("*"))})
    compiler = qs.query.get_compiler(using)
    sql, params = compiler.as_sql()
    select = compiler.select
    klass_info = compiler.klass_info
    fields = klass_info["select_fields"]
    span = (fields[0], fields[-1] + 1)
    init_list = tuple(s[0].target.attname for s in select[span[0]:span[1]])
    populators = tuple(get_related_populators(klass_info, select, using))
    annotations = tuple(compiler.annotation_col_map.items())
    converters = compiler.get_converters([s[0] for s in select])
    return sql, tuple(params), span, init_list, populators, annotations, converters, count_sql, count_params


def _shape_query(kind: str, sort: str, text: str, viewer_id: int):
    viewer = KIND_VIEWERS[kind]
    if viewer.pk is not None:
        viewer = CompiledViewer(viewer_id, viewer.is_authenticated, viewer.is_staff)
    return mentors_search(query=text, filters=MentorFilters(sort=sort), viewer=viewer)


def _name_start(using: str, text: str) -> str:
    """The LIKE pattern of the exact-name order's "name starts with the query as a word" (Django's
    istartswith on `f"{text} "`)."""
    return connections[using].ops.prep_for_like_query(f"{text} ") + "%"


def _words_shape_the_sql(query: str) -> bool:
    """Whether the query's words change the SQL's shape, not only its values: matched by similarity
    (a trigram match on names joins the search, and a corrected second text query)."""
    return bool(query) and bool(text_query_fuzzy_words(query))


def _stand_in(text: str, prefix: bool) -> str:
    return text if prefix else f"-{text}"  # a negated word adds no name-prefix part


@lru_cache(maxsize=64)
def _compiled_shape(using: str, kind: str, sort: str, has_text: bool, has_prefix: bool) -> _Compiled | None:
    """The shape's SQL and how to fill it, or None when it cannot be reused (see the module)."""
    compiled = []
    for text, viewer_id in zip(_TEXT, _VIEWER_IDS, strict=True):
        stand_in = _stand_in(text, has_prefix) if has_text else ""
        compiled.append((stand_in, viewer_id,
                         _compile(_shape_query(kind, sort, stand_in, viewer_id), using, window=has_text)))
    (text_a, viewer_a, a), (text_b, viewer_b, b) = compiled
    if a[0] != b[0] or a[7] != b[7]:
        return None

    def slots(params_a, params_b) -> tuple | None:
        out = []
        for x, y in zip(params_a, params_b, strict=True):
            if x == y:
                out.append(None)
            elif (x, y) == (text_a, text_b):
                out.append("text")
            elif (x, y) == (_name_prefix_query(text_a), _name_prefix_query(text_b)):
                out.append("prefix")
            elif (x, y) == (_name_start(using, text_a), _name_start(using, text_b)):
                out.append("name_start")
            elif (x, y) == (text_a.lower(), text_b.lower()):
                out.append("lower")
            elif (x, y) == (viewer_a, viewer_b):
                out.append("viewer")
            else:
                return None  # a value of its own that moves (the clock): compile per request
        return tuple(out)

    row_slots, count_slots = slots(a[1], b[1]), slots(a[8], b[8])
    if row_slots is None or count_slots is None:
        return None
    return _build(a, row_slots, count_slots, has_text)


def _build(parts: tuple, slots: tuple, count_slots: tuple, window: bool) -> _Compiled:
    sql, params, span, init_list, populators, annotations, converters, count_sql, count_params = parts
    count_at = dict(annotations).get(_FULL_COUNT) if window else None
    return _Compiled(sql=sql, params=params, slots=slots, model_span=span, init_list=init_list,
                     populators=populators, annotations=tuple(a for a in annotations if a[0] != _FULL_COUNT),
                     converters=converters, count_at=count_at, count_sql=count_sql, count_slots=count_slots,
                     count_params=count_params)


def _fill(params: tuple, slots: tuple, values: dict) -> list:
    return [value if slot is None else values[slot] for value, slot in zip(params, slots, strict=True)]


def _new_instance(model):
    def make(using: str, attnames: tuple, values) -> object:
        # What Model.from_db ends with, without __init__'s walk over every field.
        obj = model.__new__(model)
        obj.__dict__.update(zip(attnames, values, strict=True))
        state = obj._state = ModelState()
        state.adding, state.db = False, using
        return obj
    return make


@lru_cache(maxsize=32)
def _maker(model, attnames: tuple):
    """Model.from_db, or the same instance made without __init__ when nothing can tell the two
    apart: no init signals for the model, and every column's attribute a plain deferred-loading
    descriptor (an image with dimension fields, for one, recomputes them when set). Building a
    page's 40 instances through __init__ was a tenth of its Python time."""
    if pre_init.has_listeners(model) or post_init.has_listeners(model):
        return model.from_db
    for attname in attnames:
        attr = model.__dict__.get(attname) or getattr(model, attname, None)
        if not isinstance(attr, DeferredAttribute):
            return model.from_db
        if isinstance(attr, ImageFileDescriptor) and (attr.field.width_field or attr.field.height_field):
            return model.from_db
    return _new_instance(model)


def _populate(populator, make, row, from_obj) -> None:
    """RelatedPopulator.populate (the select_related user) with `make` for from_db."""
    data = populator.reorder_for_init(row) if populator.reorder_for_init else row[populator.cols_start:populator.cols_end]
    if data[populator.pk_idx] is None:
        obj = None
    else:
        obj = make(populator.db, populator.init_list, data)
        for nested in populator.related_populators:
            nested.populate(row, obj)
    populator.local_setter(from_obj, obj)
    if obj is not None:
        populator.remote_setter(obj, from_obj)


class DirectoryRows:
    """mentors_search(query, filters, viewer) as something django.core.paginator.Paginator can count
    and slice; DirectoryPaginator asks for a page and its count together."""

    def __init__(self, *, query: str, filters: MentorFilters | None, viewer):
        self.query = " ".join((query or "").split())
        self.filters = filters or MentorFilters()
        self.viewer = viewer
        self.using = router.db_for_read(MentorProfile)
        self._count: int | None = None
        self._fetched: tuple[int, int, list] | None = None
        has_text = bool(self.query)
        prefix = bool(_name_prefix_query(self.query))
        compiled = None
        if (settings.IS_POSTGRES and _plain(self.filters) and self.filters.sort != "match"
                and not _words_shape_the_sql(self.query)):
            compiled = _compiled_shape(self.using, viewer_kind(viewer), self.filters.sort, has_text, prefix)
        if compiled is None:
            qs = mentors_search(query=self.query, filters=self.filters, viewer=viewer)
            compiled = _build(_compile(qs, self.using, window=has_text), (), (), has_text)
            self.values = {}
        else:
            self.values = {"text": self.query, "prefix": _name_prefix_query(self.query),
                           "name_start": _name_start(self.using, self.query), "lower": self.query.lower(),
                           "viewer": getattr(viewer, "pk", None)}
        self.compiled = compiled

    def _params(self, params: tuple, slots: tuple) -> list:
        return _fill(params, slots, self.values) if slots else list(params)

    def count(self) -> int:
        if self._count is None:
            c = self.compiled
            with connections[self.using].cursor() as cursor:
                cursor.execute(c.count_sql, self._params(c.count_params, c.count_slots))
                self._count = cursor.fetchone()[0]
        return self._count

    def fetch(self, bottom: int, top: int) -> list[MentorProfile]:
        """Rows [bottom, top) as MentorProfile instances; with a text query, also the count."""
        if self._fetched is not None and self._fetched[0] == bottom and top <= self._fetched[1]:
            return self._fetched[2][:top - bottom]
        c = self.compiled
        with connections[self.using].cursor() as cursor:
            cursor.execute(f"{c.sql} LIMIT %s OFFSET %s", [*self._params(c.params, c.slots), top - bottom, bottom])
            rows = cursor.fetchall()
        if c.converters:
            connection = connections[self.using]
            rows = [list(row) for row in rows]
            for row in rows:
                for pos, (convs, expression) in c.converters.items():
                    for converter in convs:
                        row[pos] = converter(row[pos], expression, connection)
        if c.count_at is not None and rows:
            self._count = rows[0][c.count_at]
        start, end = c.model_span
        make_profile = _maker(MentorProfile, c.init_list)
        relations = [(populator, _maker(populator.model_cls, tuple(populator.init_list)))
                     for populator in c.populators]
        profiles = []
        for row in rows:
            profile = make_profile(self.using, c.init_list, row[start:end])
            for populator, make in relations:
                _populate(populator, make, row, profile)
            for name, pos in c.annotations:
                setattr(profile, name, row[pos])
            profiles.append(profile)
        self._fetched = (bottom, top, profiles)
        return profiles

    def __getitem__(self, item: slice) -> list[MentorProfile]:
        return self.fetch(item.start or 0, item.stop)

    def __len__(self) -> int:
        return self.count()


class DirectoryPaginator(Paginator):
    """A Paginator over DirectoryRows that reads the asked-for page before it validates the number,
    so a search's count comes with its rows (Django's counts first, then slices)."""

    def _prefetch(self, number) -> None:
        if self.object_list._count is not None:
            return
        try:
            number = int(number)
        except (TypeError, ValueError):
            return
        if number >= 1:
            bottom = (number - 1) * self.per_page
            self.object_list.fetch(bottom, bottom + self.per_page + self.orphans)

    def page(self, number):
        self._prefetch(number)
        return super().page(number)

    def get_page(self, number):
        self._prefetch(number)
        return super().get_page(number)
