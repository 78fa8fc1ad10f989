"""The proof of issue 10: a `run --send` over 500 visits of which 5 are hostile mails every
good visit's follow-up exactly once, names the 5, and exits 1.

It runs the command as a process of its own with today pinned; the documents of the 500
visits are recorded as built beforehand (their build hashes are in the state store), so the
run exercises loading, planning and sending, not PDF rendering.
"""
from __future__ import annotations

import json
import re

import datetime as dt

from cron_helpers import EXAMPLES, Site, spawn_run

from visitplan.api import Session
from visitplan.cron import build
from visitplan.cron.run import scan
from visitplan.cron.state import State
from visitplan.rules.advice import late_tasks

GOOD = 495
# the run's day: the visits are over (no task of theirs is listed in a digest any more),
# their follow-ups, set to go out on this day, are due
DAY = dt.date(2027, 1, 5)
HOSTILE = {
    "recursive-alias.yaml": "id: hostile-1\na: &a [*a]\n",
    "self-merge.yaml": "id: hostile-2\nhotel: &h {<<: *h}\n",
    "deep.yaml": "id: hostile-3\ntitle: " + "[" * 1000 + "]" * 1000 + "\n",
    "year-9999.yaml": None,          # the example with its dates moved to year 9999
    "two-problems.yaml": None,       # the example with two mistakes
}


def _visit_text(n: int) -> str:
    text = (EXAMPLES / "hanbit-korean.yaml").read_text(encoding="utf-8")
    text = re.sub(r"(?m)^  photos: .*\n", "", text)       # no photo to shrink 495 times
    text = text.replace("id: hanbit-2026-12", f"id: visit-{n:03d}")
    text = text.replace("send_on: 2026-12-11", f"send_on: {DAY.isoformat()}")
    return text.replace("minjun.kim@hanbit.example", f"guest{n:03d}@hanbit.example")


def _hostile(name: str, text: str | None) -> str:
    if text is not None:
        return text
    good = _visit_text(999)
    if name == "year-9999.yaml":
        return good.replace("id: visit-999", "id: hostile-4").replace("2026-", "9999-")
    return (good.replace("id: visit-999", "id: hostile-5")
            .replace("country: KR", "country: XX", 1).replace("gender: male", "gender: m"))


def test_500_visits_5_hostile_every_good_followup_once(tmp_path, smtp):
    site = Site(tmp_path, smtp.port)
    (site.visits / "hanbit.yaml").unlink()
    for n in range(GOOD):
        (site.visits / f"visit-{n:03d}.yaml").write_text(_visit_text(n), encoding="utf-8")
    for name, text in HOSTILE.items():
        (site.visits / name).write_text(_hostile(name, text), encoding="utf-8")
    _record_as_built(site)

    proc = spawn_run(site, DAY)
    out, err = proc.communicate(timeout=600)
    err = err.decode()
    assert proc.returncode == 1, err
    assert "Traceback" not in err
    report = json.loads(out)
    assert report["built"] == [] and len(report["unchanged"]) == GOOD
    # every good visit's follow-up went out, exactly once
    sent = {f["visit"] for f in report["followups_sent"]}
    assert sent == {f"visit-{n:03d}" for n in range(GOOD)}
    to = [r for m in smtp.received for r in m["to"] if r.startswith("guest")]
    assert len(to) == GOOD == len(set(to))
    # the five are named on stderr, with every problem of the one that has two
    for name in HOSTILE:
        assert str(site.visits / name) in err, name
    two = [line for line in err.splitlines() if "two-problems.yaml" in line]
    assert any("country" in line for line in two) and any("gender" in line for line in two)
    for e in report["errors"]:
        assert set(e) == {"visit", "file", "line", "column", "field", "message", "severity"}
    # a second run sends nothing more
    again = spawn_run(site, DAY)
    out, _ = again.communicate(timeout=600)
    assert json.loads(out)["followups_sent"] == []
    assert len([r for m in smtp.received for r in m["to"] if r.startswith("guest")]) == GOOD


def _record_as_built(site: Site) -> None:
    """Record every good visit as built with its current inputs, as a previous run would
    have, so that the run under test renders nothing."""
    session = site.session()
    found = scan(session, [site.visits])
    with State(site.state) as state:
        shared = build.shared_inputs(session)
        for _, visit in found.visits:
            if visit.id.startswith("visit-"):
                state.record_build(visit.id, _hash(session, shared, visit, state),
                                   session.config.output_dir(visit.id))


def _hash(session: Session, shared: str, visit, state) -> str:
    ticks = state.ticks(visit.id)
    late = [t.id for t in late_tasks(session.plan(visit), DAY)
            if t.id not in ticks]
    return build.input_hash(shared, visit, late, ticks)
