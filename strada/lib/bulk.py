"""Prepared bulk writes for the hot paths (registration, imports, the audit chain): the one place
where Strada writes rows with SQL of its own instead of the ORM.

``bulk_create`` compiles its ``INSERT`` anew on every call and prepares every value through several
layers of field methods: for a registration or an import row that was most of the time spent, not
the database's. ``insert_rows`` writes the same values: table and column names come from the model's
``_meta``, every value goes through the field's own ``get_db_prep_save`` (with shortcuts, below, for
the types whose preparation is the value itself), defaults and ``auto_now``/``auto_now_add`` are
filled as the ORM fills them, and values are always bound as parameters, never put into the SQL.
There is no validation here: callers validate first, as they do before ``bulk_create``.

``add_to_counter`` is a one-statement counter (an upsert that returns the new value: on SQLite the
``BEGIN IMMEDIATE`` write lock serialises it, on PostgreSQL the row lock): the reference codes and
the head of the audit chain; ``update_row`` the prepared ``UPDATE`` of one row by primary key.
"""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.db.models.fields import AutoFieldMixin
from django.utils import timezone
from django_countries.fields import CountryField

Row = Mapping[str, Any] | models.Model
_PLANS_ATTRIBUTE = "_strada_insert_plans"


_PLAIN = {
    models.CharField: (str,),
    models.TextField: (str,),
    models.IntegerField: (int, bool),
    models.PositiveIntegerField: (int, bool),
    models.PositiveSmallIntegerField: (int, bool),
    models.SmallIntegerField: (int, bool),
    models.BigIntegerField: (int, bool),
    models.BooleanField: (bool,),
}


def _converter(field: Any, conn: Any) -> Callable[[Any], Any]:
    """The function from a value (as in an instance's ``__dict__``) to its database parameter on
    ``conn``: ``field.get_db_prep_save``, with a shortcut for the common types where it gives the
    value, or the backend's adapter of it, anyway."""
    target = field.target_field if field.is_relation else field
    prep = field.get_db_prep_save

    def general(value: Any) -> Any:
        return prep(value, conn)

    if isinstance(target, models.UUIDField):
        native = conn.features.has_native_uuid_field

        def uuid_value(value: Any) -> Any:
            if type(value) is uuid.UUID:
                return value if native else value.hex
            return None if value is None else prep(value, conn)

        return uuid_value
    simple = _PLAIN.get(type(target))
    if simple is None and isinstance(target, CountryField) and not target.multiple:
        simple = (str,)  # a country code: CountryField stores the text as it is
    if simple is not None:

        def plain(value: Any) -> Any:
            if value is None or type(value) in simple:
                return value
            return prep(value, conn)

        return plain
    if type(target) is models.DateField:

        def date_value(value: Any) -> Any:
            if type(value) is dt.date:
                return conn.ops.adapt_datefield_value(value)
            return prep(value, conn)

        return date_value
    if type(target) is models.DateTimeField:
        # Many rows share one timestamp. A plan belongs to one connection, hence to one thread.
        last: list[Any] = [None, None]

        def datetime_value(value: Any) -> Any:
            if type(value) is not dt.datetime:
                return prep(value, conn)
            if value is not last[0]:
                last[:] = [value, conn.ops.adapt_datetimefield_value(value)]
            return last[1]

        return datetime_value
    if type(target) is models.JSONField:
        empty = conn.ops.adapt_json_value([], target.encoder)  # most list fields of a row

        def json_value(value: Any) -> Any:
            if type(value) is list and not value:
                return empty
            if type(value) in (list, dict):
                return conn.ops.adapt_json_value(value, target.encoder)
            return prep(value, conn)

        return json_value
    if type(target) is models.BinaryField:

        def binary_value(value: Any) -> Any:
            return value if value is None or type(value) is bytes else prep(value, conn)

        return binary_value
    return general


class _Plan:
    """What writing a model's rows needs, worked out once per model and database vendor."""

    def __init__(self, model: type[models.Model], conn: Any) -> None:
        meta = model._meta
        self.fields = [
            f
            for f in meta.concrete_fields
            if not (f.primary_key and isinstance(f, AutoFieldMixin))  # the database numbers it
        ]
        self.attnames = [f.attname for f in self.fields]
        self.converters = [_converter(f, conn) for f in self.fields]
        self.auto_now = [
            f.attname
            for f in self.fields
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        ]
        self.defaults = {
            f.attname: f.get_default for f in self.fields if f.attname not in self.auto_now
        }
        # Defaults that are the same for every row, as parameters (a callable default such as
        # uuid4 is called per row; list and dict make the same empty value every time).
        self.fixed: dict[str, Any] = {}
        for f, convert in zip(self.fields, self.converters, strict=True):
            if f.attname in self.auto_now:
                continue
            if not f.has_default() or not callable(f.default) or f.default in (list, dict):
                self.fixed[f.attname] = convert(f.get_default())
        quote = conn.ops.quote_name
        self.table = quote(meta.db_table)
        self.columns = ", ".join(quote(f.column) for f in self.fields)
        self.marks = "(" + ", ".join(["%s"] * len(self.fields)) + ")"
        # Names from _meta, quoted by the backend; every value is a parameter.
        self.sql = f"INSERT INTO {self.table} ({self.columns}) VALUES {self.marks}"  # noqa: S608

    def params_of_instance(self, row: models.Model, now: Any) -> tuple[Any, ...]:
        """The parameters of a model instance; fills its defaults and auto_now fields as the ORM."""
        values = row.__dict__
        for name in self.auto_now:
            values[name] = now  # as the ORM's pre_save sets it on the instance
        out = []
        for name, convert in zip(self.attnames, self.converters, strict=True):
            if name not in values:
                values[name] = self.defaults[name]()
            out.append(convert(values[name]))
        return tuple(out)

    def params_of_mappings(self, rows: Sequence[Row], now: Any) -> list[tuple[Any, ...]]:
        """The parameters of each row (mappings of attribute names to values), planned once for the
        attributes of the first row: the rows of one call (an import's 1,000 clients) name the
        same attributes, so what comes from the row, what is a fixed default and what is made per
        row is decided once, not per value. A row naming other attributes gets its own plan."""
        first = rows[0]
        assert not isinstance(first, models.Model)
        keys = first.keys()
        template: list[Any] = []
        from_row: list[tuple[int, str, Callable[[Any], Any]]] = []
        made: list[tuple[int, Callable[[], Any], Callable[[Any], Any]]] = []
        for index, (name, convert) in enumerate(zip(self.attnames, self.converters, strict=True)):
            if name in self.auto_now:
                template.append(convert(now))
            elif name in keys:
                template.append(None)
                from_row.append((index, name, convert))
            elif name in self.fixed:
                template.append(self.fixed[name])
            else:
                template.append(None)
                made.append((index, self.defaults[name], convert))
        out = []
        for row in rows:
            if isinstance(row, models.Model):
                out.append(self.params_of_instance(row, now))
                continue
            if row.keys() != keys:  # a row naming other attributes: its own plan
                out += self.params_of_mappings([row], now)
                continue
            values = template.copy()
            for index, name, convert in from_row:
                values[index] = convert(row[name])
            for index, default, convert in made:
                values[index] = convert(default())
            out.append(tuple(values))
        return out


def _plan(model: type[models.Model]) -> _Plan:
    """The model's plan on this thread's connection (the wrapper itself, not the ``connection``
    proxy, whose every attribute access is a thread-local lookup). Plans live on the connection
    object, so they go when it goes, and a plan is only ever used by one thread."""
    conn = connections[DEFAULT_DB_ALIAS]
    plans = conn.__dict__.setdefault(_PLANS_ATTRIBUTE, {})
    plan = plans.get(model)
    if plan is None:
        plan = plans[model] = _Plan(model, conn)
    return plan


def _max_params() -> int:
    if connection.vendor == "sqlite":
        import sqlite3

        connection.ensure_connection()
        return int(connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER))
    return int(connection.features.max_query_params or 65535)


def insert_rows(
    model: type[models.Model], rows: Sequence[Row], *, returning: Sequence[str] = ()
) -> list[tuple[Any, ...]]:
    """Insert rows of ``model``: model instances or mappings of attribute names (``client_id``, not
    ``client``) to values. Absent attributes get the field's default; ``auto_now`` and
    ``auto_now_add`` fields get the current time (one per call), also on instances. An auto-numbered
    primary key is left to the database.

    Without ``returning``: one prepared ``executemany``. With ``returning`` (column names): multi-row
    ``INSERT … RETURNING`` statements; the returned rows, as the database gives them, are returned
    (the order of ``RETURNING`` rows is not guaranteed: return a unique column to match them up)."""
    if not rows:
        return []
    plan = _plan(model)
    now = timezone.now()
    if isinstance(rows[0], models.Model):
        params = [plan.params_of_instance(row, now) for row in rows]  # type: ignore[arg-type]
    else:
        params = plan.params_of_mappings(rows, now)
    with connection.cursor() as cursor:
        if not returning:
            cursor.executemany(plan.sql, params)
            return []
        back = ", ".join(_columns(model, returning)[1])
        per_statement = max(1, min(1000, _max_params() // len(plan.fields)))
        result: list[tuple[Any, ...]] = []
        for start in range(0, len(params), per_statement):
            chunk = params[start : start + per_statement]
            cursor.execute(
                f"INSERT INTO {plan.table} ({plan.columns}) VALUES "  # noqa: S608 (names from _meta)
                f"{', '.join([plan.marks] * len(chunk))} RETURNING {back}",
                [value for row in chunk for value in row],
            )
            result += cursor.fetchall()
        return result


def _columns(model: type[models.Model], names: Sequence[str]) -> tuple[list[Any], list[str]]:
    fields: list[Any] = [model._meta.get_field(name) for name in names]
    return fields, [connection.ops.quote_name(f.column) for f in fields]


@functools.cache
def _counter_sql(
    model: type[models.Model],
    vendor: str,
    key: tuple[str, ...],
    field: str,
    defaults: tuple[str, ...],
    also: tuple[str, ...],
) -> tuple[str, list[Any], list[Any]]:
    key_fields, key_columns = _columns(model, key)
    default_fields, default_columns = _columns(model, defaults)
    _field, (column,) = _columns(model, [field])
    _also, also_columns = _columns(model, also)
    table = connection.ops.quote_name(model._meta.db_table)
    inserted = [*key_columns, column, *default_columns]
    # Names from _meta, quoted by the backend; every value is a parameter.
    sql = (
        f"INSERT INTO {table} ({', '.join(inserted)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(inserted))}) "
        f"ON CONFLICT ({', '.join(key_columns)}) DO UPDATE SET {column} = {table}.{column} + %s "
        f"RETURNING {', '.join([column, *also_columns])}"
    )
    return sql, key_fields, default_fields


def add_to_counter(
    model: type[models.Model],
    key: Mapping[str, Any],
    field: str,
    amount: int,
    *,
    defaults: Mapping[str, Any] | None = None,
    also: Sequence[str] = (),
) -> tuple[Any, ...]:
    """Add ``amount`` to ``field`` of the row of ``model`` whose unique columns are ``key``, in one
    statement (``INSERT … ON CONFLICT DO UPDATE … RETURNING``), and return the new value followed by
    the values of the fields named in ``also``. A missing row is created with ``field`` at
    ``amount`` and the ``defaults``, which must fill every other column the table requires (the
    database checks them even when the row exists). ``key`` must be exactly the columns of a unique
    constraint (or the primary key). The row stays locked until the transaction ends (on SQLite the transaction's
    write lock already excludes every other writer)."""
    defaults = defaults or {}
    sql, key_fields, default_fields = _counter_sql(
        model, connection.vendor, tuple(key), field, tuple(defaults), tuple(also)
    )
    params = [
        *(f.get_db_prep_save(v, connection) for f, v in zip(key_fields, key.values(), strict=True)),
        amount,
        *(
            f.get_db_prep_save(v, connection)
            for f, v in zip(default_fields, defaults.values(), strict=True)
        ),
        amount,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return tuple(cursor.fetchone())


@functools.cache
def _update_sql(
    model: type[models.Model], vendor: str, names: tuple[str, ...]
) -> tuple[str, list[Any]]:
    fields, columns = _columns(model, names)
    pk = model._meta.pk
    assert pk is not None
    table = connection.ops.quote_name(model._meta.db_table)
    assignments = ", ".join(f"{c} = %s" for c in columns)
    where = connection.ops.quote_name(pk.column)
    return f"UPDATE {table} SET {assignments} WHERE {where} = %s", [*fields, pk]  # noqa: S608


def update_row(model: type[models.Model], pk: Any, values: Mapping[str, Any]) -> int:
    """``UPDATE`` the fields in ``values`` of the row whose primary key is ``pk``, as
    ``filter(pk=pk).update(**values)`` would, without compiling a query; return the rows changed."""
    sql, fields = _update_sql(model, connection.vendor, tuple(values))
    params = [
        f.get_db_prep_save(v, connection)
        for f, v in zip(fields, [*values.values(), pk], strict=True)
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.rowcount)
