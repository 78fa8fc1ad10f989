"""Figures of the house rules (issue 9): modules, the largest, modules over 400 lines, import
circles (strongly connected groups of own modules, imports inside functions counted),
imports of own modules inside functions, and jinja2.Environment( calls, for the package
of a checkout (default: this one). The import graph is read by tests/house.py, the same
code the house-rule tests use.

    python3 benchmarks/house_metrics.py [REPO]
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(HERE / "tests"))

import house  # noqa: E402


def main() -> None:
    package = Path(sys.argv[1] if len(sys.argv) > 1 else HERE) / "visitplan"
    modules = house.modules(package)
    sizes = sorted(((p.read_text(encoding="utf-8").count("\n"), p.relative_to(package.parent))
                    for p in modules.values()), reverse=True)
    inside = sum(nested for p in modules.values() for _, _, nested in house.imports(p, modules))
    circles = house.circles(house.graph(modules))
    environments = sum(p.read_text(encoding="utf-8").count("jinja2.Environment(")
                       for p in modules.values())
    print(f"modules {len(modules)}; largest {sizes[0][1]} {sizes[0][0]} lines; over 400: "
          f"{sum(1 for lines, _ in sizes if lines > 400)}; import circles (strongly connected "
          f"groups) {len(circles)}; own imports inside functions {inside}; "
          f"jinja2.Environment( calls {environments}")


if __name__ == "__main__":
    main()
