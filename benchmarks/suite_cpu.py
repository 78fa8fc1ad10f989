"""CPU time of the test suite, against the suite of an earlier commit, measured in this run
(issue 9: "the suite's CPU time at least halves").

Three runs of pytest, each a process tree whose user + system CPU is read from the kernel
once it has ended (getrusage of the waited children: pytest, the visitplan processes it
starts, their render workers, Chromium):

  1. the base commit's whole suite, on the base commit's code (exported with git archive);
  2. the same tests on this checkout: the base suite's test ids found here by name (the
     files were moved into tests/<stage>/ since), like for like;
  3. this checkout's whole suite.

Prints CPU seconds, test counts, the like-for-like ratio (2 / 1) and CPU per test.

    python3 benchmarks/suite_cpu.py [--base eecf343] [--python .venv/bin/python]

The interpreter must have this checkout's test requirements (scripts/setup.sh makes one).
It takes about as long as the three runs, 6 to 8 minutes on two cores.
"""
from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def cpu_of(command: list[str], cwd: Path, env: dict) -> tuple[float, float, str]:
    """Run `command`; its CPU seconds (user + system of it and every descendant waited
    for), its wall seconds and the last line it printed."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    return cpu, wall, lines[-1] if lines else done.stderr[-500:]


def collect(python: str, cwd: Path, env: dict) -> list[str]:
    done = subprocess.run([python, "-m", "pytest", "--collect-only", "-q",
                           "-p", "no:cacheprovider"], cwd=cwd, env=env, capture_output=True,
                          text=True, check=True)
    return [line.strip() for line in done.stdout.splitlines() if "::" in line]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="eecf343", help="the commit to compare with")
    parser.add_argument("--python", default=str(REPO / ".venv" / "bin" / "python"))
    args = parser.parse_args()
    pytest = [args.python, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "base"
        base.mkdir()
        archive = subprocess.run(["git", "-C", str(REPO), "archive", args.base],
                                 capture_output=True, check=True).stdout
        archive_path = Path(tmp) / "base.tar"
        archive_path.write_bytes(archive)
        with tarfile.open(archive_path) as tar:
            tar.extractall(base, filter="data")
        base_env = {**os.environ, "PYTHONPATH": str(base)}
        here_env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}

        base_ids = collect(args.python, base, base_env)
        here_ids = collect(args.python, REPO, here_env)
        by_name: dict[str, str] = {}
        for node in here_ids:
            by_name.setdefault(node.split("::", 1)[1], node)
        same = sorted({by_name[n.split("::", 1)[1]] for n in base_ids
                       if n.split("::", 1)[1] in by_name})
        ids_file = Path(tmp) / "same.txt"
        ids_file.write_text("\n".join(same) + "\n", encoding="utf-8")

        runs = [("base suite", args.base, base, base_env, pytest, len(base_ids)),
                ("same tests", "here", REPO, here_env, pytest + [f"@{ids_file}"], len(same)),
                ("whole suite", "here", REPO, here_env, pytest, len(here_ids))]
        figures = {}
        for label, where, cwd, env, command, count in runs:
            cpu, wall, last = cpu_of(command, cwd, env)
            figures[label] = (cpu, count)
            print(f"{label:12} ({where}): {count:5d} tests, {cpu:7.1f} s CPU, "
                  f"{wall:6.1f} s wall, {cpu / count:.3f} s CPU a test   [{last}]")
    base_cpu = figures["base suite"][0]
    print(f"like for like: {figures['same tests'][0] / base_cpu:.2f} of the base suite's CPU "
          f"({len(same)} of its {len(base_ids)} tests found here by name); whole suite "
          f"{figures['whole suite'][0] / base_cpu:.2f} of it with "
          f"{figures['whole suite'][1] / len(base_ids):.1f} times the tests")
    return 0


if __name__ == "__main__":
    sys.exit(main())
