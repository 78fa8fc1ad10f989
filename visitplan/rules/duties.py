"""One duty, said once: what `replaces:` and `same_as:` in the rule packs do to a plan.

An entry (note or task) with `replaces: [<pack>/<id>, ...]` removes those entries from the
plan whenever it applies itself, so a conditional rule (during Ramadan: serve tea and
snacks after sunset) stands instead of the rules it contradicts, not beside them.

Tasks linked by `same_as: <pack>/<task-id>` (directly or through each other) are one duty.
When several of them apply, the plan holds it once under the id of its least specific
member: the earliest due time, one owner by department precedence (OWNER_ORDER), the
wording of the most specific profile among that owner's members (text written for the
department that does it), every source profile listed, and every member's id accepted for ticking (see docs/rule-packs.md).
"""
from __future__ import annotations

import dataclasses

# how specific a profile is: the wording of a merged duty comes from the most specific one.
# Profiles not listed here (the user's own) are the most specific of all.
SPECIFICITY = {"standard": 0, "foreign-trade": 1, "korean": 2, "halal": 2, "vip": 3}
USER_SPECIFICITY = 4
# who owns a merged duty: the first of these departments among its members (admin books
# and buys, sales coordinates, HR is the factory desk, then the factory, reception, leader)
OWNER_ORDER = ("admin", "sales", "hr", "factory", "reception", "leader")


def ref(item) -> str:
    return f"{item.profile}/{item.id}"


def without_replaced(items: list) -> list:
    """The items no other item in the list replaces."""
    gone = {target for item in items for target in (getattr(item, "replaces", None) or ())}
    return [item for item in items if ref(item) not in gone]


def _rank(task, order: dict, position: dict) -> tuple:
    """Most specific last: profile specificity, then registry order, then earlier in its
    file (a profile's first statement of a duty is its main one)."""
    return (SPECIFICITY.get(task.profile, USER_SPECIFICITY), order.get(task.profile, 0),
            -position.get(ref(task), 0))


def merge(tasks: list, links: dict[str, str], order: dict, position: dict) -> list:
    """Tasks with the members of each duty merged into one. `links` maps a task's ref to
    the ref it is the same duty as; `order` is each profile's place in the registry and
    `position` each task's place in its file."""
    present = {ref(t): t for t in tasks}
    parent = {r: r for r in present}

    def root(r):
        while parent[r] != r:
            parent[r] = parent[parent[r]]
            r = parent[r]
        return r

    for source, target in links.items():
        if source in present and target in present:
            parent[root(source)] = root(target)
    groups: dict[str, list] = {}
    for r in present:
        groups.setdefault(root(r), []).append(present[r])
    merged = []
    for members in groups.values():
        members.sort(key=lambda t: _rank(t, order, position))
        base = members[0]
        first = min(members, key=lambda t: t.due)
        owner = min((t.department for t in members), key=OWNER_ORDER.index)
        wording = [t for t in members if t.department == owner][-1]
        sources = sorted({t.profile for t in members}, key=lambda p: order.get(p, 0))
        merged.append(dataclasses.replace(
            base, profile=wording.profile, department=owner, place=base.place,
            due=first.due, anchor=first.anchor, offset=first.offset, text=wording.text,
            sources=sources, aliases=tuple(t.id for t in members)))
    return merged
