"""Figures of the house rules (issue 9): modules, the largest, modules over 400 lines, import
circles (strongly connected groups of own modules, imports inside functions counted),
imports of own modules inside functions, and jinja2.Environment( calls, for the package
of a checkout (default: this one).

    python3 benchmarks/house_metrics.py [REPO]
"""
import ast, pathlib, sys, re
root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).resolve().parent.parent) / "visitplan"
mods = {}
for p in root.rglob("*.py"):
    parts = list(p.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__": parts = parts[:-1]
    mods[".".join(parts)] = p
sizes = sorted(((p.read_text().count("\n"), str(p.relative_to(root.parent))) for p in mods.values()), reverse=True)
inside = 0; graph = {}
for m, p in mods.items():
    t = ast.parse(p.read_text())
    funcs = [n for n in ast.walk(t) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    nested = {id(x) for f in funcs for x in ast.walk(f) if x is not f}
    deps = set()
    for n in ast.walk(t):
        names = []
        if isinstance(n, ast.ImportFrom) and n.module and n.level == 0:
            for a in n.names:
                full = f"{n.module}.{a.name}"
                names.append(full if full in mods else n.module)
        elif isinstance(n, ast.Import):
            names = [a.name for a in n.names]
        for nm in names:
            if nm in mods and nm != "visitplan":
                deps.add(nm)
                if id(n) in nested: inside += 1
    graph[m] = deps
# circles (strongly connected components > 1)
index = {}; low = {}; st = []; on = set(); sccs = []; c = [0]
sys.setrecursionlimit(10000)
def sc(v):
    index[v] = low[v] = c[0]; c[0] += 1; st.append(v); on.add(v)
    for w in graph[v]:
        if w not in index: sc(w); low[v] = min(low[v], low[w])
        elif w in on: low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        comp = []
        while True:
            w = st.pop(); on.discard(w); comp.append(w)
            if w == v: break
        if len(comp) > 1: sccs.append(comp)
for v in graph:
    if v not in index: sc(v)
envs = 0
for p in mods.values():
    envs += len(re.findall(r"jinja2\.Environment\(", p.read_text()))
print(f"modules {len(mods)}; largest {sizes[0][1]} {sizes[0][0]} lines; over 400: {sum(1 for s,_ in sizes if s>400)}; "
      f"import circles (strongly connected groups) {len(sccs)}; own imports inside functions {inside}; jinja2.Environment( calls {envs}")
