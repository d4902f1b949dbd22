"""Queries compiled once per process, then run with new values (issue 8, §5).

Compiling a queryset into SQL is most of what a small query costs Django: the user each request
loads (with its person and two role subqueries) took 1.4 ms of CPU, of which the database's answer
was a few hundredths. A query every page runs is therefore built once with stand-in values, its
SQL and the compiler's description of the columns kept per database alias, and each run puts the
real values where the stand-ins were and reads the rows exactly as Django would (same model
instances, same related objects, same annotations).

Only for querysets whose SQL does not depend on the values (no `__in` of a list whose length
varies, no value that can make the query empty): `PreparedQuery` refuses, on first use, one whose
stand-ins do not each appear among its parameters.
"""

import dataclasses
from collections.abc import Callable

from django.db import router


@dataclasses.dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple
    slots: tuple  # (position in params, index of the value)
    select: list
    klass_info: dict
    annotation_col_map: dict
    col_count: int
    has_extra_select: bool
    converters: dict


class PreparedQuery:
    """`build(*values)` gives the queryset; `stand_ins` are values, one per argument, that the
    queryset carries unchanged into its parameters and that appear nowhere else in them (large
    negative ids within the column's range, say: Django answers a value out of range
    with an empty query). Calling the prepared query with real values returns the list of rows."""

    def __init__(self, build: Callable, *, stand_ins: tuple):
        if len(set(stand_ins)) != len(stand_ins):
            raise ValueError("stand-ins must differ from each other")
        self.build = build
        self.stand_ins = stand_ins
        self._queryset = None
        self._compiled: dict[str, _Compiled] = {}

    def __call__(self, *values) -> list:
        if len(values) != len(self.stand_ins):
            raise TypeError(f"expected {len(self.stand_ins)} values, got {len(values)}")
        if self._queryset is None:
            self._queryset = self.build(*self.stand_ins)
        queryset = self._queryset._chain()
        alias = queryset._db or router.db_for_read(queryset.model)
        compiled = self._compiled.get(alias) or self._compile(alias)
        params = list(compiled.params)
        for position, index in compiled.slots:
            params[position] = values[index]
        compiler = queryset.query.get_compiler(using=alias)
        compiler.select = compiled.select
        compiler.klass_info = compiled.klass_info
        compiler.annotation_col_map = compiled.annotation_col_map
        compiler.col_count = compiled.col_count
        compiler.has_extra_select = compiled.has_extra_select
        compiler.as_sql = lambda *args, **kwargs: (compiled.sql, tuple(params))
        # Which column needs which converter follows from the columns alone.
        compiler.get_converters = lambda expressions: compiled.converters
        # The queryset's iterable asks its query for a compiler: give it the one set up above.
        queryset.query.get_compiler = lambda *args, **kwargs: compiler
        queryset._db = alias
        return list(queryset)

    def _compile(self, alias: str) -> _Compiled:
        compiler = self._queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        slots = []
        for index, stand_in in enumerate(self.stand_ins):
            positions = [
                n for n, param in enumerate(params) if type(param) is type(stand_in) and param == stand_in
            ]
            if not positions:
                raise ValueError(f"stand-in {stand_in!r} is not among the query's parameters")
            slots += [(position, index) for position in positions]
        compiled = _Compiled(
            sql=sql,
            params=tuple(params),
            slots=tuple(slots),
            select=compiler.select,
            klass_info=compiler.klass_info,
            annotation_col_map=compiler.annotation_col_map,
            col_count=compiler.col_count,
            has_extra_select=compiler.has_extra_select,
            converters=compiler.get_converters(
                [column[0] for column in compiler.select[: compiler.col_count]]
            ),
        )
        self._compiled[alias] = compiled
        return compiled
