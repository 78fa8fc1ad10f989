"""Sizes of the PDFs visitplan writes, against their budgets: checklist <= 400 KB,
itinerary <= 150 KB, sign <= 60 KB (issue 12: the faces are embedded as subsets, and a
Chinese face with a real bold must not blow these).

Every example in examples/ is rendered twice, with both its guest and its staff language
set to zh, then to ko (the CJK faces are what costs), in one process: `prepare` writes the
itinerary and the checklist, `sign` the A4 sign. Printed: one row per example and
language with each PDF's size in KB, an asterisk on a size over its budget, and the faces
each PDF embeds (the PDF's font names). Figures only: nothing is asserted, the exit
status is 0 unless a render fails.

    python3 benchmarks/pdf_sizes.py [--examples DIR] [--langs zh,ko] [--fonts]
"""
from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

BUDGET_KB = {"checklist.pdf": 400, "itinerary.pdf": 150, "sign.pdf": 60}
TODAY = "2026-12-04"


def in_language(example: Path, lang: str, folder: Path) -> Path:
    """A copy of the example with its guest and staff languages set to `lang`."""
    text = example.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^language:.*$", f"language: {lang}", text)
    text = re.sub(r"(?m)^staff_language:.*$", f"staff_language: {lang}", text)
    copy = folder / f"{example.stem}-{lang}.yaml"
    for sibling in example.parent.iterdir():       # the photos a visit names
        if sibling.is_dir() and not (folder / sibling.name).exists():
            shutil.copytree(sibling, folder / sibling.name)
    copy.write_text(text, encoding="utf-8")
    return copy


def embedded_fonts(path: Path) -> list[str]:
    """The base names of the fonts a PDF embeds, without the subset tag."""
    from pypdf import PdfReader

    names = set()
    for page in PdfReader(str(path)).pages:
        fonts = (page.get("/Resources") or {}).get("/Font") or {}
        for ref in fonts.values():
            base = str(ref.get_object().get("/BaseFont", ""))
            names.add(base.lstrip("/").split("+", 1)[-1])
    return sorted(names)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=Path, default=REPO / "examples")
    parser.add_argument("--langs", default="zh,ko")
    parser.add_argument("--fonts", action="store_true", help="list the embedded faces")
    args = parser.parse_args()

    import datetime as dt

    from visitplan import api
    from visitplan.api import Session

    examples = sorted(args.examples.glob("*.yaml"))
    worst: dict[str, int] = {}
    print(f"{'example':28} {'lang':4} " + " ".join(f"{n[:-4]:>12}" for n in BUDGET_KB))
    print(f"{'budget (KB)':33} " + " ".join(f"{b:>12}" for b in BUDGET_KB.values()))
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        config = tmp / "visitplan.yaml"     # a state store of its own, no ticks
        config.write_text(f"state: {tmp / 'state.sqlite3'}\n", encoding="utf-8")
        session = Session.open(str(config))
        for example in examples:
            for lang in args.langs.split(","):
                visit = in_language(example, lang, tmp)
                out = tmp / f"{example.stem}-{lang}"
                api.prepare(session, visit, output=out, today=dt.date.fromisoformat(TODAY))
                api.sign(session, visit, output=out, size="a4")
                cells, faces = [], []
                for name, budget in BUDGET_KB.items():
                    kb = (out / name).stat().st_size / 1024
                    worst[name] = max(worst.get(name, 0), round(kb))
                    cells.append(f"{kb:11.1f}{'*' if kb > budget else ' '}")
                    if args.fonts:
                        faces.append(f"    {name}: {', '.join(embedded_fonts(out / name))}")
                print(f"{example.stem:28} {lang:4} " + " ".join(cells))
                for line in faces:
                    print(line)
    print(f"{'largest':33} " + " ".join(f"{worst[n]:>11} " for n in BUDGET_KB))
    print("* over the budget")
    return 0


if __name__ == "__main__":
    sys.exit(main())
