"""`visitplan status`: where a visit's preparation stands, department by department: each
task done (by whom, when), open, or late, in a staff language."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from visitplan.text.dates import format_datetime
from visitplan.text.i18n import t
from visitplan.visit.config import DEPARTMENTS


@dataclass
class TaskState:
    id: str
    department: str
    due: dt.datetime
    text: str
    state: str                  # done | open | late
    who: str | None = None
    when: str | None = None

    def as_json(self) -> dict:
        return {"task": self.id, "department": self.department, "due": self.due.isoformat(),
                "state": self.state, "done_by": self.who, "done_at": self.when,
                "text": self.text}


def task_states(plan, ticks: dict, now: dt.datetime, lang: str) -> list[TaskState]:
    """Every task of the plan with its state at `now` (an aware time)."""
    out = []
    for task in sorted(plan.tasks, key=lambda k: (DEPARTMENTS.index(k.department), k.due)):
        who, when = ticks.get(task.id, (None, None))
        state = "done" if task.id in ticks else ("late" if task.due < now else "open")
        out.append(TaskState(task.id, task.department, task.due, task.text_in(lang), state,
                             who, when))
    return out


def status_text(visit, states: list[TaskState], lang: str) -> str:
    lines = [t("status.heading", lang, title=visit.title, id=visit.id)]
    counts = {s: sum(1 for x in states if x.state == s) for s in ("done", "open", "late")}
    lines.append(t("status.counts", lang, **counts))
    department = None
    for item in states:
        if item.department != department:
            department = item.department
            lines += ["", t(f"department.{department}", lang)]
        due = format_datetime(item.due, lang, "short")
        mark = t(f"status.mark.{item.state}", lang)
        lines.append(t("status.line", lang, mark=mark, due=due, text=item.text, id=item.id))
        if item.state == "done" and item.who:
            lines.append("      " + t("status.done_by", lang, who=item.who,
                                      when=(item.when or "")[:16].replace("T", " ")))
    return "\n".join(lines) + "\n"
