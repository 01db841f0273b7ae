"""Issue 11's figures for a tree: modules over 300 lines, upward imports, function-local project imports.

Usage: python scripts/layout_figures.py DIR   (DIR: a checkout, or `git archive REV | tar -x -C DIR`)
App code only: tests/, migrations/, static/, .venv and bench/results are left out.
Upward: an import from a module of a lower layer of pyproject's contract to a higher one, or of `web`
from any other app, counted without the contract's ignore list. Function-local: an import statement of
a project package inside a function body.
"""

import ast
import pathlib
import sys

LAYERS = [
    ["web", "api", "bench"],
    ["reports", "synthetic"],
    ["workbooks"],
    ["dashboards"],
    ["roadmap"],
    ["assessments"],
    ["criteria"],
    ["accounts"],
    ["communes"],
    ["jobs"],
    ["ntm"],
]
RANK = {app: len(LAYERS) - i for i, apps in enumerate(LAYERS) for app in apps}
SKIP = {"tests", "migrations", "static", ".venv", "results", "node_modules", "locale"}

root = pathlib.Path(sys.argv[1])
long_modules, upward, local = [], [], []
for path in sorted(root.rglob("*.py")):
    rel = path.relative_to(root)
    if SKIP & set(rel.parts) or rel.parts[0] not in RANK:
        continue
    text = path.read_text()
    if text.count("\n") > 300:
        long_modules.append((str(rel), text.count("\n")))
    tree = ast.parse(text)
    src = rel.parts[0]
    funcs = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    in_func = {id(n) for f in funcs for n in ast.walk(f) if n is not f}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            targets = [node.module]
        else:
            continue
        for target in targets:
            top = target.split(".")[0]
            if top not in RANK:
                continue
            if top != src and (RANK[top] > RANK[src] or (top == "web" and src != "web")):
                upward.append(f"{rel}:{node.lineno} -> {target}")
            if id(node) in in_func:
                local.append(f"{rel}:{node.lineno} -> {target}" + ("" if top == src else " (other app)"))
print(f"modules over 300 lines: {len(long_modules)}")
for name, n in sorted(long_modules, key=lambda x: -x[1]):
    print(f"  {n:5d} {name}")
print(f"upward imports: {len(upward)}")
for line in upward:
    print("  " + line)
print(f"function-local project imports: {len(local)}")
for line in local:
    print("  " + line)
