"""Conditions of the rule packs: the keys `applies_when:` and `when:` may test, their
schema, how each is checked against a visit, and how one is shown to the user."""
from __future__ import annotations

import re

from visitplan.rules.holidays_check import hijri_spans, stay_days
from visitplan.visit.fields import DIETS, LANGUAGES, check_country
from visitplan.visit.model import SCHEDULE_KINDS, TRAVEL_MODES, Guest, Visit
from visitplan.visit.schema import Check, List, Obj, did_you_mean


def _bool(text):
    low = text.lower()
    if low in ("true", "yes", "on"):
        return True
    if low in ("false", "no", "off"):
        return False
    raise ValueError(f"{text!r} is not true or false")


def _one_of(choices):
    def check(text):
        if text in choices:
            return text
        raise ValueError(f"{text!r} is not one of {', '.join(choices)}"
                         + did_you_mean(text, list(choices)))
    return check


def _count(text):
    m = re.fullmatch(r"(>=|<=|>|<|==)?\s*(\d+)", text)
    if not m:
        raise ValueError(f"{text!r} is not a count like 3, '>=6' or '<=2'")
    return (m.group(1) or "=="), int(m.group(2))


def _diet(text):
    return text if text == "allergy" else _one_of(DIETS)(text)


_CONDITION_VALUES = {
    "gifts": _bool, "arrival.pickup": _bool, "hotel": _bool, "host.leader": _bool,
    "ramadan": _bool,
    "arrival.by": _one_of(TRAVEL_MODES), "departure.by": _one_of(TRAVEL_MODES),
    "hotel.booked_by": _one_of(("host", "guest")),
    "value.current": _one_of(("high", "low")), "value.potential": _one_of(("high", "low")),
    "schedule": _one_of(SCHEDULE_KINDS), "language": _one_of(LANGUAGES),
    "guests.count": _count,
    "guest.country": check_country, "guest.foreign": _bool, "guest.diet": _diet,
    "guest.gender": _one_of(("male", "female")), "guest.senior": _bool, "guest.vip": _bool,
}
_MULTI = {"arrival.by", "departure.by", "schedule", "language", "guest.country", "guest.diet"}


def _condition_value(key):
    check = _CONDITION_VALUES[key]
    item = Check(check, f"a value for {key}")
    return List(item, allow_single=True) if key in _MULTI else item


CONDITION = Obj({key: _condition_value(key) for key in _CONDITION_VALUES},
                description="all keys must hold; guest.* keys for the same guest")


def describe(condition: dict) -> str:
    """A condition as the user would write it: `guest.country: KR, gifts: true`."""
    def show(value):
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, tuple):
            return ("" if value[0] == "==" else value[0]) + str(value[1])
        if isinstance(value, list):
            return "[" + ", ".join(show(v) for v in value) + "]"
        return str(value)
    return ", ".join(f"{key}: {show(value)}" for key, value in condition.items())


def _listed(value):
    return value if isinstance(value, list) else [value]


def _guest_holds(guest: Guest, visit: Visit, key: str, want) -> bool:
    if key == "guest.country":
        return guest.country in _listed(want)
    if key == "guest.foreign":
        return (guest.country != visit.host.country) == want
    if key == "guest.diet":
        diets = {"allergy" if d.startswith("allergy:") else d for d in guest.diet}
        return bool(diets & set(_listed(want)))
    if key == "guest.gender":
        return guest.gender == want
    if key == "guest.senior":
        return guest.senior == want
    if key == "guest.vip":
        return guest.vip == want
    raise KeyError(key)


def in_ramadan(visit: Visit) -> bool:
    """True when a day of the stay falls in Ramadan (Umm al-Qura calendar)."""
    return any(span.key == "ramadan" for span in hijri_spans(*stay_days(visit)))


def _visit_holds(visit: Visit, key: str, want) -> bool:
    if key == "gifts":
        return visit.gifts == want
    if key == "host.leader":
        return (visit.host.leader is not None) == want
    if key == "ramadan":
        return in_ramadan(visit) == want
    if key == "arrival.pickup":
        return visit.arrival.pickup == want
    if key == "hotel":
        return (visit.hotel is not None) == want
    if key == "arrival.by":
        return visit.arrival.by in _listed(want)
    if key == "departure.by":
        return visit.departure.by in _listed(want)
    if key == "hotel.booked_by":
        return visit.hotel is not None and visit.hotel.booked_by == want
    if key in ("value.current", "value.potential"):
        return visit.value.get(key.split(".")[1]) == want
    if key == "schedule":
        return bool(visit.kinds() & set(_listed(want)))
    if key == "language":
        return visit.language in _listed(want)
    if key == "guests.count":
        op, n = want
        count = len(visit.guests)
        return {"==": count == n, ">=": count >= n, "<=": count <= n,
                ">": count > n, "<": count < n}[op]
    raise KeyError(key)


def holds(condition: dict | None, visit: Visit) -> bool:
    """True when every key of the condition holds (guest.* keys for one and the same guest)."""
    if not condition:
        return True
    guest_keys = {k: v for k, v in condition.items() if k.startswith("guest.")}
    if not all(_visit_holds(visit, k, v) for k, v in condition.items() if k not in guest_keys):
        return False
    if guest_keys:
        return any(all(_guest_holds(g, visit, k, v) for k, v in guest_keys.items())
                   for g in visit.guests)
    return True

