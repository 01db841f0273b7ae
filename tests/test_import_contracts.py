"""Dependencies run one way: the import-linter contracts of pyproject.toml hold, no app imports another
app's views or template tags, and no function-local import hides a cycle, between apps or inside one."""

import ast
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = [
    "ntm",
    "communes",
    "criteria",
    "accounts",
    "jobs",
    "assessments",
    "roadmap",
    "dashboards",
    "workbooks",
    "reports",
    "api",
    "web",
    "synthetic",
    "bench",
]
LOCAL_IMPORTS_ALLOWED = {
    # A script, not a module: it imports the models after django.setup() in main().
    "bench/run.py",
}


def modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" not in relative:
                yield relative, ast.parse(path.read_text(encoding="utf-8"))


def imported_names(node) -> list[str]:
    if isinstance(node, ast.ImportFrom) and node.level > 0:
        return ["." * node.level + (node.module or "")]
    if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
        return [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    return []


def function_local_imports(tree):
    for function in ast.walk(tree):
        if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for node in ast.walk(function):
                yield from ((node.lineno, name) for name in imported_names(node))


def test_the_import_contracts_hold():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint_imports)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


def test_the_layers_contract_catches_a_lower_app_importing_a_higher_one(tmp_path):
    # The contract bites: the same configuration, run on a copy of the apps where communes imports dashboards.
    for app in APPS:
        shutil.copytree(ROOT / app, tmp_path / app, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    with open(tmp_path / "communes" / "services.py", "a", encoding="utf-8") as f:
        f.write("\nfrom dashboards import figures  # a lower app importing a higher one\n")
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint_imports), "--no-cache"], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode != 0
    assert "communes.services -> dashboards.figures" in result.stdout


def test_no_app_imports_another_apps_views_or_template_tags():
    found = []
    for path, tree in modules():
        app = path.split("/")[0]
        for node in ast.walk(tree):
            for name in imported_names(node):
                parts = name.split(".")
                if (
                    parts[0] in APPS
                    and parts[0] != app
                    and len(parts) > 1
                    and (parts[1].startswith("views") or parts[1] == "templatetags")
                ):
                    found.append(f"{path}:{node.lineno} imports {name}")
    assert found == []


def test_no_function_local_import_of_another_app():
    found = []
    for path, tree in modules():
        app = path.split("/")[0]
        if path in LOCAL_IMPORTS_ALLOWED or "/management/commands/" in path or path.endswith("/apps.py"):
            continue
        for line, name in function_local_imports(tree):
            top = name.split(".")[0]
            if top in APPS and top != app and top != "ntm":
                found.append(f"{path}:{line} imports {name} inside a function")
    assert found == []


def test_no_function_local_import_inside_an_app_either():
    # Modules that call one another are wired explicitly (jobs.apps: services, tasks and runner; the
    # receivers that call services live in assessments.signals); an AppConfig.ready() importing its own
    # modules is the Django idiom, and bench/run.py is a script.
    found = []
    for path, tree in modules():
        if path in LOCAL_IMPORTS_ALLOWED:
            continue
        for function in ast.walk(tree):
            if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            if path.endswith("/apps.py") and function.name == "ready":
                continue
            for node in ast.walk(function):
                for name in imported_names(node):
                    if name.startswith(".") or name.split(".")[0] in APPS:
                        found.append(f"{path}:{node.lineno} imports {name} inside {function.name}()")
    assert found == []
