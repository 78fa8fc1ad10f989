"""Warnings about what a host would forget. Each is a Problem with severity "warning"."""
from __future__ import annotations

import datetime as dt

from visitplan.errors import Problem


def advise(visit, plan, today: dt.date, config) -> list[Problem]:
    warnings: list[Problem] = []
    warnings += late_planning(visit, plan, today)
    return warnings


def late_tasks(plan, today: dt.date):
    """Tasks whose due day is already past on `today`."""
    return [t for t in plan.tasks if t.due.date() < today]


def late_planning(visit, plan, today: dt.date) -> list[Problem]:
    from visitplan.i18n import t

    late = [task for task in late_tasks(plan, today)
            if task.place != "followup" and task.due <= visit.arrival.at]
    if not late or today > visit.departure.at.date():
        return []
    lang = "en"
    shown = ", ".join(f"{task.text_in(lang).rstrip('.')} (due {task.due:%-d %b})"
                      for task in late[:3])
    more = f", and {len(late) - 3} more" if len(late) > 3 else ""
    count = t("warn.late.one" if len(late) == 1 else "warn.late.many", lang, n=len(late))
    return [visit.problem("arrival.at", f"{count}: {shown}{more}; do them today or tick "
                          "them with `visitplan done`")]
