"""Start-up benchmark: how much slower `visitplan --help` is than importing click alone.

Runs, in the same Python environment, after a warm-up:

  - `visitplan --help` (the console script on PATH when there is one, else
    `python -m visitplan --help`), and
  - `python -c "import click"`,

alternately, --runs times each (default 15), and prints the median wall time of each and
their ratio. Target: ratio <= 1.5, i.e. nothing heavy (WeasyPrint, Jinja2, Babel, PIL, ...)
is imported before a command needs it. With --importtime it also lists the slowest imports
of `python -X importtime -m visitplan --help`, to find what to make lazy.

    python3 benchmarks/startup.py [--runs 15] [--importtime]

Exits 1 when the target is missed.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGET = 1.5


def environment() -> tuple[list[str], str, dict]:
    """The --help command, the Python of the same environment, and the process environment."""
    env = dict(os.environ)
    script = shutil.which("visitplan")
    if script:
        with open(script, "rb") as fh:
            first = fh.readline().decode(errors="replace").strip()
        python = first[2:].strip() if first.startswith("#!") else sys.executable
        if not Path(python.split()[0]).is_file():
            python = sys.executable
        return [script, "--help"], python.split()[0], env
    probe = subprocess.run([sys.executable, "-c", "import visitplan"], capture_output=True,
                           cwd=tempfile.gettempdir())
    if probe.returncode != 0:   # not installed: run it from the source tree
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO),
                                                          env.get("PYTHONPATH")]))
    return [sys.executable, "-m", "visitplan", "--help"], sys.executable, env


def timed(command: list[str], env: dict, cwd: str) -> float:
    start = time.perf_counter()
    result = subprocess.run(command, env=env, cwd=cwd, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{result.stderr.decode(errors='replace')}")
    return elapsed


def slowest_imports(python: str, env: dict, cwd: str, count: int = 15) -> list[str]:
    result = subprocess.run([python, "-X", "importtime", "-m", "visitplan", "--help"],
                            env=env, cwd=cwd, capture_output=True, text=True)
    rows = []
    for line in result.stderr.splitlines():
        # "import time:  self [us] | cumulative | imported package"
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        own, cumulative, name = line[len("import time:"):].split("|")
        rows.append((int(cumulative), int(own), name.rstrip()))
    rows.sort(reverse=True)
    return [f"{cum / 1000:8.1f} ms  {own / 1000:7.1f} ms  {name}" for cum, own, name in
            rows[:count]]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--importtime", action="store_true",
                        help="also list the slowest imports at start-up")
    args = parser.parse_args()

    help_command, python, env = environment()
    click_command = [python, "-c", "import click"]
    with tempfile.TemporaryDirectory() as cwd:   # no ./visitplan.yaml can interfere
        for _ in range(2):   # warm-up: disk cache, .pyc files
            timed(help_command, env, cwd)
            timed(click_command, env, cwd)
        helps, clicks = [], []
        for _ in range(args.runs):   # alternate, so a busy moment hits both alike
            helps.append(timed(help_command, env, cwd))
            clicks.append(timed(click_command, env, cwd))
        help_median, click_median = statistics.median(helps), statistics.median(clicks)
        ratio = help_median / click_median
        print(f"python: {python}")
        shown = " ".join([Path(help_command[0]).name, *help_command[1:]])
        print(f"{shown}: median {help_median * 1000:.1f} ms over {args.runs} runs "
              f"(min {min(helps) * 1000:.1f}, max {max(helps) * 1000:.1f})")
        print(f"python -c \"import click\": median {click_median * 1000:.1f} ms "
              f"(min {min(clicks) * 1000:.1f}, max {max(clicks) * 1000:.1f})")
        print(f"ratio: {ratio:.2f} (target <= {TARGET})")
        print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        if args.importtime or ratio > TARGET:
            print("\nslowest imports of `visitplan --help` (cumulative, self, module):")
            for row in slowest_imports(python, env, cwd):
                print("  " + row)
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
