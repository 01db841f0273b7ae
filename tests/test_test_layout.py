"""One home per thing in tests/: fixtures shared by several modules in a conftest.py, make_* factories in
tests/factories.py, other helpers in tests/helpers.py. A module that imports a test module re-collects
the fixtures (and any test) it imports, and ruff reports each fixture argument as a redefinition (F811);
a module that declares a fixture of its conftest's name silently replaces the shared one."""

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def parsed(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"))


def is_test_module(name: str) -> bool:
    return name.rsplit(".", 1)[-1].startswith("test_")


def imported_modules(path: Path, tree: ast.Module) -> list[tuple[int, str]]:
    """Every module `path` imports, relative imports made absolute, with `from PACKAGE import MODULE`
    counted as an import of PACKAGE.MODULE."""
    package = ".".join(path.relative_to(TESTS.parent).with_suffix("").parts[:-1])
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            found.append((node.lineno, module))
            found += [(node.lineno, f"{module}.{alias.name}") for alias in node.names]
    return found


def fixtures_declared(tree: ast.Module) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for decorator in node.decorator_list:
                target = decorator.func if isinstance(decorator, ast.Call) else decorator
                if ast.unparse(target) in ("pytest.fixture", "fixture"):
                    names.add(node.name)
    return names


def plugin_modules(tree: ast.Module) -> list[str]:
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "pytest_plugins" for t in node.targets):
            return ast.literal_eval(node.value)
    return []


def test_no_module_under_tests_imports_a_test_module():
    offences = [
        f"{path.relative_to(TESTS.parent)}:{line} imports {module}"
        for path in sorted(TESTS.rglob("*.py"))
        for line, module in imported_modules(path, parsed(path))
        if module.startswith("tests.") and is_test_module(module)
    ]
    assert offences == []


def test_the_scan_sees_every_way_of_importing_a_test_module():
    sources = [
        "from tests.test_a import x",
        "from tests.browser.test_b import x",
        "from .test_c import x",
        "from . import test_d",
        "from tests import test_e",
        "import tests.test_f",
    ]
    path = TESTS / "browser" / "test_example.py"
    seen = [
        module
        for source in sources
        for _line, module in imported_modules(path, ast.parse(source))
        if module.startswith("tests.") and is_test_module(module)
    ]
    assert seen == [
        "tests.test_a",
        "tests.browser.test_b",
        "tests.browser.test_c",
        "tests.browser.test_d",
        "tests.test_e",
        "tests.test_f",
    ]


def test_no_test_module_declares_a_fixture_of_its_conftests_name():
    offences = []
    for conftest in sorted(TESTS.rglob("conftest.py")):
        tree = parsed(conftest)
        shared = fixtures_declared(tree)
        for plugin in plugin_modules(tree):
            shared |= fixtures_declared(parsed(TESTS.parent.joinpath(*plugin.split(".")).with_suffix(".py")))
        for path in sorted(conftest.parent.rglob("test_*.py")):
            offences += [
                f"{path.relative_to(TESTS.parent)}: {name}" for name in fixtures_declared(parsed(path)) & shared
            ]
    assert offences == []


def test_factories_live_in_one_module():
    assert sorted(p.name for p in TESTS.rglob("factories*.py")) == ["factories.py"]
