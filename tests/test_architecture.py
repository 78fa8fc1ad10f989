"""The house rules of the package, checked on its source: no import circles (imports
inside functions count), own modules imported at the top only, small modules that say
their job."""
from __future__ import annotations

import ast
from pathlib import Path

import house

import visitplan

PACKAGE = Path(visitplan.__file__).parent
MAX_LINES = 400


def _modules() -> dict[str, Path]:
    return house.modules(PACKAGE)


def test_no_import_circles():
    circles = house.circles(house.graph(_modules()))
    assert not circles, "import circles: " + "; ".join(" ↔ ".join(c) for c in circles)


def test_own_modules_are_imported_at_the_top():
    modules = _modules()
    inside = [f"{path.relative_to(PACKAGE.parent)}:{line} imports {name}"
              for path in modules.values()
              for name, line, nested in house.imports(path, modules) if nested]
    assert not inside, "\n".join(inside)


def test_every_module_is_small_and_says_its_job():
    for path in _modules().values():
        text = path.read_text(encoding="utf-8")
        lines = text.count("\n")
        assert lines <= MAX_LINES, f"{path.relative_to(PACKAGE.parent)}: {lines} lines"
        if path.name == "__init__.py" and not text.strip():
            continue
        assert ast.get_docstring(ast.parse(text)), f"{path.relative_to(PACKAGE.parent)}"
