"""The house rules of the package, checked on its source: no import circles (imports
inside functions count), own modules imported at the top only, small modules that say
their job."""
from __future__ import annotations

import ast
from pathlib import Path

import visitplan

PACKAGE = Path(visitplan.__file__).parent
MAX_LINES = 400


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _imports(path: Path, modules: dict[str, Path]):
    """(own module imported, line, inside a function?) for every import in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    functions = [n for n in ast.walk(tree)
                 if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    nested = {id(node) for f in functions for node in ast.walk(f) if node is not f}
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                names.append(full if full in modules else node.module)
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        for name in names:
            if name in modules and name != "visitplan":
                yield name, node.lineno, id(node) in nested


def test_no_import_circles():
    modules = _modules()
    graph = {m: {n for n, _, _ in _imports(p, modules)} for m, p in modules.items()}
    seen, stack, circles = set(), [], []

    def visit(node):
        if node in stack:
            circles.append(stack[stack.index(node):] + [node])
            return
        if node in seen:
            return
        seen.add(node)
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            visit(nxt)
        stack.pop()

    for node in sorted(graph):
        visit(node)
    assert not circles, "import circles: " + "; ".join(" → ".join(c) for c in circles)


def test_own_modules_are_imported_at_the_top():
    modules = _modules()
    inside = [f"{path.relative_to(PACKAGE.parent)}:{line} imports {name}"
              for path in modules.values() for name, line, nested in _imports(path, modules)
              if nested]
    assert not inside, "\n".join(inside)


def test_every_module_is_small_and_says_its_job():
    for path in _modules().values():
        text = path.read_text(encoding="utf-8")
        lines = text.count("\n")
        assert lines <= MAX_LINES, f"{path.relative_to(PACKAGE.parent)}: {lines} lines"
        if path.name == "__init__.py" and not text.strip():
            continue
        assert ast.get_docstring(ast.parse(text)), f"{path.relative_to(PACKAGE.parent)}"
