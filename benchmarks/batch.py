"""Batch benchmark for `visitplan run` (issue: cron).

Generates a folder of visits (default 200, varied guests, countries, profiles and dates),
then measures, in this one run and on this machine:

  1. a cold `run` with --jobs 1,
  2. a cold `run` with --jobs 2 (fresh state and output)  -> speed-up = (1) / (2), target >= 1.7
  3. a second `run` with nothing changed, after (2)      -> (3) / (2), target <= 2 %
  4. the peak resident memory of any single process of each run, target <= 250 MB

Usage: python benchmarks/batch.py [--visits 200] [--keep DIR]
Each run is a separate process tree started through a small wrapper that reports the
largest maxrss among its children (the visitplan process and its render workers).
"""
from __future__ import annotations

import argparse
import datetime as dt
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

GUESTS = [
    ("김민준", "Kim Minjun", "KR", "male", []), ("이서연", "Lee Seoyeon", "KR", "female", []),
    ("Thomas Müller", None, "DE", "male", []), ("Anna Schneider", None, "DE", "female",
                                                 ["vegetarian"]),
    ("Ahmad bin Ismail", None, "MY", "male", ["halal"]), ("佐藤健一", "Sato Kenichi", "JP",
                                                         "male", []),
    ("Maria Rossi", None, "IT", "female", ["no-pork"]), ("John Carter", None, "US", "male", []),
    ("王芳", "Wang Fang", "CN", "female", []), ("Ole Nordmann", None, "NO", "male", []),
]

VISIT = """title: Sourcing visit {n}
purpose: Audit and order talks
language: {lang}
staff_language: zh
timezone: Asia/Shanghai
host:
  company: Brightway Lighting Co., Ltd.
  company_local: 深圳明辉照明有限公司
  country: CN
  contact: {{name: 李伟, name_latin: Li Wei, role: Sales Manager, email: li.wei@brightway.example}}
  leader: {{name: 王建国, role: General Manager}}
guests:
{guests}
arrival: {{by: flight, number: OZ{n:03d}, at: {day} 10:35, place: Shenzhen Bao'an Airport T3, pickup: true}}
departure: {{by: flight, number: OZ{m:03d}, at: {last} 16:40, place: Shenzhen Bao'an Airport T3}}
hotel: {{name: Hilton Shenzhen Shekou, booked_by: host}}
schedule:
  - {{at: {day} 14:00, until: {day} 17:00, kind: showroom, what: Presentation and showroom, where: HQ 3F}}
  - {{at: {mid} 09:00, until: {mid} 12:00, kind: factory, what: Factory tour, where: Plant 2}}
  - {{at: {mid} 12:30, until: {mid} 13:30, kind: meal, what: Lunch, where: Canteen}}
  - {{at: {mid} 15:00, until: {mid} 17:00, kind: meeting, what: Price negotiation, where: Room A}}
gifts: {gifts}
"""


def make_visits(folder: Path, count: int) -> None:
    folder.mkdir(parents=True)
    start = dt.date(2027, 4, 5)
    for n in range(count):
        day = start + dt.timedelta(days=(n * 3) % 120)
        picked = [GUESTS[(n + k * 3) % len(GUESTS)] for k in range(1 + n % 3)]
        guests = []
        for i, (name, latin, country, gender, diet) in enumerate(picked):
            guests.append(f"  - name: {name}\n" + (f"    name_latin: {latin}\n" if latin else "")
                          + f"    country: {country}\n    gender: {gender}\n"
                          + f"    title: Buyer\n    company: Client {n}\n"
                          + f"    email: guest{n}.{i}@client{n}.example\n"
                          + (f"    diet: [{', '.join(diet)}]\n" if diet else "")
                          + ("    senior: true\n" if i == 0 else ""))
        lang = {"KR": "ko", "CN": "zh"}.get(picked[0][2], "en")
        (folder / f"visit-{n:03d}.yaml").write_text(VISIT.format(
            n=n, m=n + 500, lang=lang, guests="".join(guests), day=day,
            mid=day + dt.timedelta(days=1), last=day + dt.timedelta(days=2),
            gifts="true" if n % 2 else "false"), encoding="utf-8")


WRAPPER = """
import resource, subprocess, sys, time
t = time.perf_counter()
p = subprocess.run(sys.argv[1:], capture_output=True, text=True)
elapsed = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
sys.stdout.write(f"{elapsed} {peak} {p.returncode}\\n")
sys.stderr.write(p.stderr[-2000:])
"""


def timed_run(visitplan: list[str], config: Path, visits: Path, jobs: int) -> tuple[float, int]:
    cmd = [sys.executable, "-c", WRAPPER, *visitplan, "--config", str(config), "run",
           str(visits), "--jobs", str(jobs), "--date", "2027-03-01"]
    out = subprocess.run(cmd, capture_output=True, text=True)
    elapsed, peak_kb, code = out.stdout.split()
    if code != "0":
        raise SystemExit(f"visitplan run failed ({code}):\n{out.stderr}")
    return float(elapsed), int(peak_kb)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visits", type=int, default=200)
    parser.add_argument("--keep", type=Path, help="keep the generated files here")
    args = parser.parse_args()
    exe = shutil.which("visitplan")
    visitplan = [exe] if exe else [sys.executable, "-m", "visitplan"]
    work = args.keep or Path(tempfile.mkdtemp(prefix="visitplan-batch-"))
    visits = work / "visits"
    make_visits(visits, args.visits)
    configs = {}
    for name in ("one", "two"):
        configs[name] = work / f"{name}.yaml"
        configs[name].write_text(f"output: out-{name}\nstate: state-{name}.sqlite3\n",
                                 encoding="utf-8")
    print(f"{args.visits} visits in {visits}")
    t1, m1 = timed_run(visitplan, configs["one"], visits, 1)
    print(f"cold run, --jobs 1:        {t1:8.2f} s   peak {m1 / 1024:6.1f} MB")
    t2, m2 = timed_run(visitplan, configs["two"], visits, 2)
    print(f"cold run, --jobs 2:        {t2:8.2f} s   peak {m2 / 1024:6.1f} MB")
    t3, m3 = timed_run(visitplan, configs["two"], visits, 2)
    print(f"second run, nothing new:   {t3:8.2f} s   peak {m3 / 1024:6.1f} MB")
    print(f"speed-up --jobs 2 / --jobs 1: {t1 / t2:.2f}   (target >= 1.7)")
    print(f"unchanged / cold:             {100 * t3 / t2:.2f} %   (target <= 2 %)")
    print(f"peak memory per process:      {max(m1, m2, m3) / 1024:.1f} MB   (target <= 250 MB)")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
