"""One of each: a behaviour shown in several places has one implementation, and names a newcomer greps
for lead to one place."""

import ast
from collections import defaultdict
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


def python_modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "/migrations/" not in path.as_posix():
                yield path.relative_to(ROOT).as_posix(), ast.parse(path.read_text(encoding="utf-8"))


def is_dataclass_or_choices(node: ast.ClassDef) -> bool:
    decorators = {
        getattr(d, "id", getattr(d, "attr", None)) or getattr(getattr(d, "func", None), "id", None)
        for d in node.decorator_list
    }
    bases = {getattr(b, "attr", getattr(b, "id", None)) for b in node.bases}
    return "dataclass" in decorators or bool(bases & {"TextChoices", "IntegerChoices"})


def test_no_two_dataclasses_or_choices_share_a_name():
    where = defaultdict(list)
    for path, tree in python_modules():
        for node in tree.body:
            if isinstance(node, ast.ClassDef) and is_dataclass_or_choices(node):
                where[node.name].append(path)
    assert {name: paths for name, paths in where.items() if len(paths) > 1} == {}


def test_an_assessments_status_badge_is_written_in_one_template():
    badge = "web/_assessment_status.html"
    writers = [
        p.relative_to(ROOT / "templates").as_posix()
        for p in (ROOT / "templates").rglob("*.html")
        if "status == 'submitted'" in p.read_text(encoding="utf-8")
        or 'status == "submitted"' in p.read_text(encoding="utf-8")
    ]
    assert writers == [badge]


def test_links_to_documents_and_source_keys_have_one_implementation_each():
    found = defaultdict(list)
    for path, tree in python_modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and ("safe_url" in node.name or "source_key" in node.name):
                found[node.name].append(path)
    assert dict(found) == {"safe_url": ["ntm/lib/html.py"], "source_keys": ["criteria/sources.py"]}
