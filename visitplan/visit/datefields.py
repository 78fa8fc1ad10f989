"""Date and date-time fields of the schema: written YYYY-MM-DD and YYYY-MM-DD HH:MM, local
to the visit's time zone, between the years MIN_YEAR and MAX_YEAR.

Ambiguous forms (08/12/2026), times without a date and UTC offsets get a sentence that says
how to write them instead.
"""
from __future__ import annotations

import datetime as dt
import re

from visitplan.visit.schema import Field, Invalid

# dates outside these years are typing mistakes, and the plan's arithmetic (anchors a few
# days before arrival, the follow-up after departure) must stay far from datetime's limits
MIN_YEAR, MAX_YEAR = 1900, 2200

_DATE = r"(\d{4})-(\d{1,2})-(\d{1,2})"
_TIME = r"(\d{1,2}):(\d{2})"
_AMBIGUOUS_DATE = re.compile(r"\d{1,2}[/.]\d{1,2}[/.]\d{2,4}")


def _make_date(m, value, path, ctx) -> dt.date:
    if not MIN_YEAR <= int(m.group(1)) <= MAX_YEAR:
        ctx.error(value, path, f"{str(value).strip()!r} is not in the years {MIN_YEAR} to "
                  f"{MAX_YEAR}; check the year")
        raise Invalid
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError as exc:
        ctx.error(value, path, f"{str(value).strip()!r} is not a real date ({exc})")
        raise Invalid from None


class Date(Field):
    def convert(self, value, path, ctx):
        s = str(self.scalar(value, path, ctx, "a date like 2026-12-08")).strip()
        m = re.fullmatch(_DATE, s)
        if not m:
            hint = (" (day and month could be either way round)"
                    if _AMBIGUOUS_DATE.fullmatch(s) else "")
            ctx.error(value, path, f"{s!r} is not a date written as YYYY-MM-DD{hint}")
            raise Invalid
        return _make_date(m, value, path, ctx)

    def json_schema(self):
        return self._doc({"type": "string", "pattern": r"^\d{4}-\d{1,2}-\d{1,2}$"})


class DateTime(Field):
    """A local date and time `2026-12-08 10:35` (naive; the visit's time zone applies)."""

    def convert(self, value, path, ctx):
        s = str(self.scalar(value, path, ctx, "a date and time like 2026-12-08 10:35")).strip()
        m = re.fullmatch(_DATE + r"(?:[ T]" + _TIME + r"(?::00)?)?", s)
        if not m:
            if re.fullmatch(_TIME, s):
                msg = f"{s!r} has a time but no date; write it as YYYY-MM-DD HH:MM"
            elif _AMBIGUOUS_DATE.match(s):
                msg = (f"{s!r} is ambiguous (day and month could be either way round); "
                       "write it as YYYY-MM-DD HH:MM")
            elif re.search(r"[+-]\d{2}:?\d{2}$|Z$", s):
                msg = (f"{s!r} carries a UTC offset; write local time as YYYY-MM-DD HH:MM "
                       "(the visit's timezone applies)")
            else:
                msg = f"{s!r} is not a date and time written as YYYY-MM-DD HH:MM"
            ctx.error(value, path, msg)
            raise Invalid
        day = _make_date(m, value, path, ctx)
        if m.group(4) is None:
            ctx.error(value, path, f"{s!r} has no time of day; write it as YYYY-MM-DD HH:MM")
            raise Invalid
        hour, minute = int(m.group(4)), int(m.group(5))
        if hour > 23 or minute > 59:
            ctx.error(value, path, f"{s!r} has no such time of day")
            raise Invalid
        return dt.datetime.combine(day, dt.time(hour, minute))

    def json_schema(self):
        return self._doc({"type": "string",
                          "pattern": r"^\d{4}-\d{1,2}-\d{1,2}[ T]\d{1,2}:\d{2}(:00)?$"})
