"""Rule packs described for people: the list of profiles, and one profile's notes and tasks
with their lead times, the duty a task shares with another pack (`same_as`) and what an
entry stands in for (`replaces`), as text or as data for JSON, in a staff language."""
from __future__ import annotations

from visitplan.rules.engine import describe
from visitplan.text.i18n import lead_time, t


def listing_data(registry: dict, lang: str) -> list[dict]:
    return [{"name": p.name, "title": p.title[lang], "source": p.source,
             "builtin": p.builtin, "applies_when": p.applies_when}
            for p in registry.values()]


def listing_text(registry: dict, lang: str) -> str:
    width = max(len(n) for n in registry)
    return "\n".join(f"{pack.name:<{width}}  {pack.title[lang]}"
                     + ("" if pack.builtin else "  " + t("label.your_own", lang))
                     for pack in registry.values())


def pack_data(pack, lang: str) -> dict:
    return {"name": pack.name, "title": pack.title[lang], "source": pack.source,
            "summary": pack.summary.get(lang, ""), "applies_when": pack.applies_when,
            "notes": [{"id": n.id, "topic": n.topic, "when": n.when, "text": n.text[lang],
                       "replaces": list(n.replaces or [])}
                      for n in pack.notes],
            "tasks": [{"id": k.id, "department": k.department, "place": k.place,
                       "anchor": k.anchor, "offset": k.offset.text, "when": k.when,
                       "lead_time": lead_time(k.anchor, k.offset, lang),
                       "text": k.text[lang], "same_as": k.same_as,
                       "replaces": list(k.replaces or [])} for k in pack.tasks]}


def pack_text(pack, lang: str) -> str:
    out = [t("label.pack_heading", lang, title=pack.title[lang], name=pack.name)]
    if pack.summary:
        out.append(pack.summary[lang])
    if pack.source:
        out.append(t("label.source_line", lang, source=pack.source))
    conditions = " | ".join(describe(c) for c in pack.applies_when)
    out.append(t("label.applies_when_line", lang,
                 conditions=conditions or t(_always(pack), lang)))
    if pack.notes:
        out += ["", t("label.notes", lang)]
        for note in pack.notes:
            out.append("  " + t("label.note_line", lang, topic=t("topic." + note.topic, lang),
                                text=note.text[lang]) + _condition(note.when, lang))
            out += _links(note, lang, "  ")
    if pack.tasks:
        out += ["", t("label.tasks", lang)]
        for task in pack.tasks:
            out.append("  " + t("label.task_line", lang, id=task.id,
                                department=t("department." + task.department, lang),
                                place=_place(task, lang),
                                lead=lead_time(task.anchor, task.offset, lang)))
            out.append("      " + task.text[lang] + _condition(task.when, lang))
            out += _links(task, lang, "      ")
    return "\n".join(out)


def _always(pack) -> str:
    """`standard` applies to every visit; any other pack without conditions only when a
    visit lists it."""
    return "label.every_visit" if pack.name == "standard" else "label.only_when_listed"


def _links(entry, lang: str, indent: str) -> list[str]:
    """The lines naming the duty a task is one with (same_as) and the entries it stands in
    for when it applies (replaces)."""
    out = []
    if getattr(entry, "same_as", None):
        out.append(indent + t("label.same_as", lang, ref=entry.same_as))
    if entry.replaces:
        out.append(indent + t("label.replaces", lang,
                              refs=t("doc.list_sep", lang).join(entry.replaces)))
    return out


def _place(task, lang: str) -> str:
    """Where a task is done; a pickup whose condition names how the guests come reads
    接机, 接站 or 接车 rather than 接机/接站."""
    if task.place == "pickup":
        by = (task.when or {}).get("arrival.by")
        by = by[1] if isinstance(by, tuple) else by
        if by in ("flight", "train", "car"):
            return t(f"place.pickup.{by}", lang)
    return t("place." + task.place, lang)


def _condition(when, lang: str) -> str:
    if not when:
        return ""
    return t("label.condition_suffix", lang, condition=describe(when))
