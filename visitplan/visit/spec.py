"""What a visit file may say: the schema of a visit, from which `check` validates and
`visitplan schema` exports JSON Schema for editors.

Limits that keep one visit from costing the machine too much live here too: at most 100
guests and MAX_SCHEDULE_ITEMS schedule items (the stay's length is limited by the model,
against the configuration's `max_stay_days`).
"""
from __future__ import annotations

from visitplan.visit.fields import (DIETS, Country, Email, Language, Line, check_diet,
                                    check_id, check_timezone)
from visitplan.visit.datefields import Date, DateTime
from visitplan.visit.schema import Bool, Check, Enum, List, Obj, Str

# a full week of a busy programme has about 40 items; 200 is five times that
MAX_SCHEDULE_ITEMS = 200
SIGN_SIZES = ("a4", "a3")

SCHEDULE_KINDS = ("showroom", "factory", "meeting", "meal", "sightseeing", "transfer", "free")
TRAVEL_MODES = ("flight", "train", "car", "other")

def _person(required=("name",), what="person"):
    return Obj({
        "name": Line(f"the {what}'s name as written in their own script"),
        "name_latin": Line("the name in Latin letters, as in the passport"),
        "role": Line("job title"),
        "email": Email(),
        "phone": Line(max_len=40),
    }, required=required)


def host_schema(required=("company",)) -> Obj:
    return Obj({
        "company": Line("the host company's name in Latin letters"),
        "company_local": Line("the host company's name in its own script"),
        "address_local": Line("the company's street address in the local script, as a "
                              "taxi driver reads it", max_len=500),
        "country": Country("the host's country; guests from elsewhere make it foreign trade"),
        # names may come from the configuration's host:, so the merge checks them
        "contact": _person(required=(), what="contact"),
        "leader": _person(required=(), what="leader"),
    }, required=required, description="the hosting company")


GUEST = Obj({
    "name": Line("the guest's name in their own script (Hangul, Chinese or Latin)"),
    "name_latin": Line("the name in Latin letters as in the passport, surname first for "
                       "Korean and Chinese names"),
    "title": Line("job title"),
    "company": Line(),
    "country": Country("ISO 3166-1 alpha-2"),
    "gender": Enum(("male", "female")),
    "senior": Bool("the most senior guest leads introductions and serving order"),
    "vip": Bool("true applies the vip profile"),
    "email": Email(),
    "phone": Line(max_len=40),
    "diet": List(Check(check_diet, "a diet", json={"type": "string", "pattern":
                 "^(" + "|".join(DIETS) + "|allergy:.+)$"}), allow_single=True),
}, required=("name", "country"))


def _travel(arrival: bool) -> Obj:
    fields = {
        "by": Enum(TRAVEL_MODES),
        "number": Line("flight or train number", max_len=40),
        "from" if arrival else "to": Line("where from" if arrival else "where to"),
        "at": DateTime("local date and time, YYYY-MM-DD HH:MM"),
        "place": Line("airport, station or address"),
    }
    if arrival:
        fields["pickup"] = Bool("true when the host meets the guests")
    return Obj(fields, required=("at",))


VISIT = Obj({
    "id": Check(check_id, "an id", "default: the file name without extension"),
    "title": Line(),
    "purpose": Str(multiline=True),
    "profiles": List(Line(max_len=60), allow_single=True,
                     description="profiles besides those applied automatically"),
    "language": Language("guest-facing documents"),
    "staff_language": Language("staff documents", staff=True),
    "timezone": Check(check_timezone, "an IANA time zone", "the visit's IANA time zone"),
    "host": host_schema(required=()),
    "guests": List(GUEST, min_items=1, max_items=100),
    "arrival": _travel(True),
    "departure": _travel(False),
    "hotel": Obj({"name": Line(), "address": Line(max_len=500),
                  "booked_by": Enum(("host", "guest"))}, required=("name",)),
    "schedule": List(Obj({
        "at": DateTime(), "until": DateTime(), "kind": Enum(SCHEDULE_KINDS),
        "what": Line(max_len=500), "where": Line(), "notes": Str(multiline=True),
    }, required=("at", "kind", "what")), max_items=MAX_SCHEDULE_ITEMS),
    "gifts": Bool("the host gives gifts"),
    "sign": Obj({"size": Enum(SIGN_SIZES, "paper size of the pickup sign"),
                 "group": Bool("one sign page for the whole group")},
                description="pickup sign settings; default: the configuration's sign:"),
    "value": Obj({"current": Enum(("high", "low")), "potential": Enum(("high", "low"))},
                 description="customer value (current / potential); high/high applies vip"),
    "minutes": Obj({
        "summary": Str(multiline=True, max_len=20000),
        "decisions": List(Str(multiline=True), allow_single=True),
        "next_steps": List(Obj({"what": Line(max_len=500), "owner": Line(),
                                "due": Date()}, required=("what",))),
        "photos": List(Line(max_len=500), allow_single=True,
                       description="paths relative to the visit file"),
    }, required=("summary",), description="filled in after the visit; `followup` needs it"),
    "followup": Obj({
        "to": List(Email(), allow_single=True, description="default: the guests' emails"),
        "cc": List(Email(), allow_single=True),
        "send_on": Date("default: the day after departure"),
    }),
}, required=("title", "timezone", "guests", "arrival", "departure"))


def json_schema() -> dict:
    schema = VISIT.json_schema()
    schema.update({"$schema": "https://json-schema.org/draft/2020-12/schema",
                   "title": "visitplan visit file"})
    return schema
