"""Benchmark of `visitplan prepare` on a three-guest, three-day visit (Korean guests, Chinese
staff): itinerary.pdf, checklist.pdf and itinerary.ics.

  1. the whole process, `visitplan prepare VISIT -o DIR` (start-up, loading, rules,
     templates, two PDFs at once, calendar, atomic write): target median < 2 s; and its
     CPU time, which a busy machine inflates less than the wall time;
  2. the same work in a fresh process, phase by phase, so the total can be read:
     import (WeasyPrint and the other lazy imports, paid once per process), load (the
     visit file), rules (the profile engine), context (documents' data, Babel), templates
     (Jinja), PDF (WeasyPrint layout, fonts subsetting, writing), calendar (.ics).

Also printed: the size of both PDFs (target: itinerary <= 150 KB) and the machine's load,
since other work on a 2-core machine shows up directly in these numbers.

    python3 benchmarks/prepare.py [--runs 5]

Exits 1 when a target is missed.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

VISIT = """\
id: bench-2026-12
title: Hanbit Electronics — LED driver sourcing visit
purpose: Audit the SMT line and agree the Q1 2027 order
language: ko
staff_language: zh
timezone: Asia/Shanghai
host:
  company: Brightway Lighting Co., Ltd.
  company_local: 深圳明辉照明有限公司
  country: CN
  contact: {name: 李伟, name_latin: Li Wei, role: Sales Manager,
            email: li.wei@brightway.example, phone: "+86 138 0000 0000"}
  leader: {name: 王建国, name_latin: Wang Jianguo, role: General Manager}
guests:
  - {name: 김민준, name_latin: Kim Minjun, title: Purchasing Director,
     company: Hanbit Electronics, country: KR, gender: male, senior: true, diet: [no-pork]}
  - {name: 이서연, name_latin: Lee Seoyeon, title: Quality Engineer,
     company: Hanbit Electronics, country: KR, gender: female}
  - {name: 박지훈, name_latin: Park Jihoon, title: Supply Chain Manager,
     company: Hanbit Electronics, country: KR, gender: male}
arrival: {by: flight, number: OZ369, from: Seoul Incheon (ICN), at: 2026-12-08 10:35,
          place: Shenzhen Bao'an Airport T3, pickup: true}
departure: {by: flight, number: OZ370, to: Seoul Incheon (ICN), at: 2026-12-10 17:40,
            place: Shenzhen Bao'an Airport T3}
hotel: {name: Hilton Shenzhen Shekou Nanhai, address: "1177 Wanghai Road, Shekou",
        booked_by: host}
schedule:
  - {at: 2026-12-08 14:00, until: 2026-12-08 17:00, kind: showroom,
     what: "Welcome, presentation, showroom", where: HQ 3F}
  - {at: 2026-12-08 18:30, until: 2026-12-08 20:30, kind: meal, what: Welcome dinner,
     where: Xin Rong Ji Nanshan}
  - {at: 2026-12-09 09:00, until: 2026-12-09 12:00, kind: factory,
     what: Factory tour — SMT line and QC lab, where: Plant 2}
  - {at: 2026-12-09 12:30, until: 2026-12-09 13:30, kind: meal, what: Lunch,
     where: Plant 2 canteen}
  - {at: 2026-12-09 15:00, until: 2026-12-09 17:00, kind: meeting, what: Price negotiation,
     where: HQ meeting room A}
  - {at: 2026-12-10 09:30, until: 2026-12-10 11:30, kind: meeting,
     what: Quality agreement and next steps, where: HQ meeting room A}
  - {at: 2026-12-10 12:00, until: 2026-12-10 13:30, kind: meal, what: Farewell lunch,
     where: HQ guest dining room}
gifts: true
"""
TODAY = "2026-12-04"


def in_process(visit_path: Path, out: Path) -> dict[str, float]:
    """One prepare in this (fresh) process, timed phase by phase."""
    phases: dict[str, float] = {}
    start = time.perf_counter()
    import babel.dates  # noqa: F401
    import icalendar  # noqa: F401
    import jinja2  # noqa: F401
    import segno  # noqa: F401
    import weasyprint  # noqa: F401

    from visitplan.api import Session
    from visitplan.documents.build import prepare
    phases["import"] = time.perf_counter() - start

    start = time.perf_counter()
    session = Session.open(None)
    visit = session.load_visit(visit_path)
    phases["load"] = time.perf_counter() - start
    timings: dict[str, float] = {}
    start = time.perf_counter()
    prepare(session, visit, out, "pdf", today=dt.date.fromisoformat(TODAY), timings=timings)
    total = time.perf_counter() - start
    phases.update(timings)
    phases["write"] = total - sum(timings.values())
    return phases


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs (default 5)")
    parser.add_argument("--phases", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("visit", nargs="?", help=argparse.SUPPRESS)
    parser.add_argument("out", nargs="?", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phases:     # the child process of the breakdown
        phases = in_process(Path(args.visit), Path(args.out))
        print(" ".join(f"{k}={v:.4f}" for k, v in phases.items()))
        return 0

    work = Path(tempfile.mkdtemp(prefix="visitplan-bench-prepare-"))
    visit = work / "bench.yaml"
    visit.write_text(VISIT, encoding="utf-8")
    env = {**os.environ, "HOME": str(work), "XDG_CONFIG_HOME": str(work / "config"),
           "XDG_STATE_HOME": str(work / "state"), "PYTHONPATH": str(REPO)}
    env = {k: v for k, v in env.items() if not k.startswith("VISITPLAN_")}
    command = [sys.executable, "-m", "visitplan", "prepare", str(visit), "-o",
               str(work / "out"), "--date", TODAY]

    walls, cpus, breakdowns = [], [], []
    subprocess.run(command, check=True, env=env, cwd=work, capture_output=True)  # warm-up
    for _ in range(args.runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(command, check=True, env=env, cwd=work, capture_output=True)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        child = subprocess.run([sys.executable, __file__, "--phases", str(visit),
                                str(work / "phases")], check=True, env=env, cwd=work,
                               capture_output=True, text=True)
        breakdowns.append({k: float(v) for k, v in
                           (pair.split("=") for pair in child.stdout.split())})

    wall = statistics.median(walls)
    print(f"visitplan prepare, 3 guests, 3 days, {args.runs} runs "
          f"(load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores)")
    print(f"  whole process: median {wall:.2f} s  (min {min(walls):.2f}, max {max(walls):.2f})"
          "  target < 2 s")
    print(f"  CPU time of it (user + system, the forked renderer included): median "
          f"{statistics.median(cpus):.2f} s")
    print("  in-process breakdown, medians:")
    keys = list(breakdowns[0])
    for key in keys:
        print(f"    {key:<10} {statistics.median(b[key] for b in breakdowns):6.3f} s")
    print(f"    {'sum':<10} {statistics.median(sum(b.values()) for b in breakdowns):6.3f} s")
    sizes = {p.name: p.stat().st_size for p in sorted((work / "out").iterdir())}
    for name, size in sizes.items():
        print(f"  {name:<15} {size / 1024:7.1f} KB")
    ok = wall < 2.0 and sizes["itinerary.pdf"] <= 150_000
    print("  targets:", "met" if ok else "MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
