"""The gettext catalogues: complete, in step with the code, and compiled (tests/conftest.py compiles them)."""

import datetime
import importlib.util
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from accounts.models import Role
from assessments.rollup import CriterionShape, sentence, summarize
from ntm.lib.dates import short_date

BASE_DIR = Path(settings.BASE_DIR)
LANGUAGES = [code for code, _name in settings.LANGUAGES]
# Not source code: the same directories the Makefile's makemessages skips, plus runtime output.
NOT_SOURCE = {".venv", "static", "locale", "media", "var", "staticfiles", "node_modules"}
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}|</?[a-zA-Z][^>]*>")


def _po_tools():
    spec = importlib.util.spec_from_file_location("po_fill_vi", BASE_DIR / "scripts" / "po-fill-vi.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


po = _po_tools()


def _catalogue(language):
    return po.read_po(BASE_DIR / "locale" / language / "LC_MESSAGES" / "django.po")


def _entries(language):
    return [e for e in _catalogue(language) if e.is_active]


def _header(language):
    text = next(e for e in _catalogue(language) if e.is_header).msgstr[0]
    return dict(line.split(": ", 1) for line in text.splitlines() if ": " in line)


def _label(entry):
    return f"{entry.msgctxt} | {entry.msgid}" if entry.msgctxt else entry.msgid


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_entry_has_a_translation_in_every_plural_form(language):
    nplurals = int(re.search(r"nplurals=(\d+)", _header(language)["Plural-Forms"]).group(1))
    untranslated = [
        _label(e)
        for e in _entries(language)
        if not all(e.msgstr) or (e.msgid_plural is not None and len(e.msgstr) != nplurals)
    ]
    assert untranslated == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_entry_is_fuzzy(language):
    assert [_label(e) for e in _catalogue(language) if "fuzzy" in e.flags] == []


@pytest.mark.parametrize(
    "language, plural_forms", [("vi", "nplurals=1; plural=0;"), ("en", "nplurals=2; plural=(n != 1);")]
)
def test_the_header_names_the_language_charset_and_plural_forms(language, plural_forms):
    header = _header(language)
    assert (header["Language"], header["Content-Type"], header["Plural-Forms"]) == (
        language,
        "text/plain; charset=UTF-8",
        plural_forms,
    )


def test_the_vietnamese_catalogue_repeats_each_msgid():
    assert [_label(e) for e in _entries("vi") if e.msgstr != [e.msgid]] == []


def test_english_translations_keep_the_placeholders_and_html_of_the_msgid():
    changed = []
    for entry in _entries("en"):
        sources = [entry.msgid] + [entry.msgid_plural] * (len(entry.msgstr) - 1)
        for source, text in zip(sources, entry.msgstr, strict=False):
            if Counter(PLACEHOLDER.findall(source)) != Counter(PLACEHOLDER.findall(text)):
                changed.append(f"{_label(entry)} → {text}")
    assert changed == []


@pytest.fixture(scope="module")
def msgids_in_code(tmp_path_factory):
    """Every (msgctxt, msgid) that `makemessages` extracts today, from a scratch tree, not the real catalogues."""
    scratch = tmp_path_factory.mktemp("makemessages")
    tree = scratch / "src"
    (tree / "locale").mkdir(parents=True)
    for child in BASE_DIR.iterdir():
        if child.name not in NOT_SOURCE and not child.name.startswith("."):
            (tree / child.name).symlink_to(child)
    # The project's settings point LOCALE_PATHS at the real locale/; this module points it at the scratch one.
    (scratch / "scratch_settings.py").write_text(
        f"from {settings.SETTINGS_MODULE} import *  # noqa: F403\nLOCALE_PATHS = [{str(tree / 'locale')!r}]\n"
    )
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "scratch_settings",
        "PYTHONPATH": os.pathsep.join([str(scratch), str(BASE_DIR), os.environ.get("PYTHONPATH", "")]),
    }
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "--all", "--keep-pot", "--symlinks", "--verbosity", "0"],
        cwd=tree,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return {e.key for e in po.read_po(tree / "locale" / "django.pot") if e.is_active}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_catalogue_holds_every_msgid_the_code_uses(msgids_in_code, language):
    in_catalogue = {e.key for e in _entries(language)}
    missing = sorted((ctxt or "", msgid) for ctxt, msgid in msgids_in_code - in_catalogue)
    assert missing == [], (
        f"{len(missing)} msgid(s) missing from locale/{language}: run `manage.py makemessages -l vi -l en "
        "--ignore .venv --ignore static`, then scripts/po-fill-vi.py, and translate the English ones"
    )


def test_the_english_catalogue_translates_a_role_label():
    with translation.override("en"):
        assert str(Role.COMMUNE_STAFF.label) == "Commune officer"


def test_the_english_catalogue_writes_the_report_sentence_with_plurals():
    shape = [CriterionShape(1, "Quy hoạch", ("1.1", "1.2")), CriterionShape(2, "Giao thông", ("2.1", "2.2", "2.3"))]
    # 2.3 has no result, so criterion 2 is not wholly failed and lists its codes; 2.4 has a value but no
    # applicable target: undetermined, listed apart (issue 12, item 4).
    shape[1] = CriterionShape(2, "Tiêu chí giao thông", ("2.1", "2.2", "2.3", "2.4"))
    summary = summarize(
        shape,
        {"1.1": True, "1.2": True, "2.1": False, "2.2": False, "2.3": None, "2.4": None},
        undetermined={"2.4"},
        level="ntm_nang_cao",
    )
    assert sentence(summary, "en") == (
        "meets 1/2 criteria, 2/6 indicators of advanced NTM. Criteria and indicators of advanced NTM not met: "
        "Giao thông (indicators 2.1, 2.2, 2.3). 1 indicator cannot be judged yet (no applicable threshold): 2.4. "
        "1 indicator has no result yet."
    )


def test_the_english_catalogue_gives_its_own_date_format():
    day = datetime.date(2022, 3, 8)
    with translation.override("en"):
        english = short_date(day)
    with translation.override("vi"):
        vietnamese = short_date(day)
    assert (english, vietnamese) == ("8 Mar 2022", "08/03/2022")


def _fresh_catalogue(path):
    path.write_text(
        '# SOME DESCRIPTIVE TITLE.\n#\n#, fuzzy\nmsgid ""\nmsgstr ""\n"Language: \\n"\n'
        '"Content-Type: text/plain; charset=CHARSET\\n"\n"Plural-Forms: nplurals=1; plural=0;\\n"\n\n'
        '#: a.py:1\n#, fuzzy, python-format\n#| msgid "cũ %(n)s"\nmsgid "%(n)s tiêu chí"\n'
        'msgid_plural "%(n)s tiêu chí"\nmsgstr[0] "cũ %(n)s"\nmsgstr[1] ""\n\n'
        '#: b.py:2\nmsgid ""\n"Một câu dài "\n"hai dòng."\nmsgstr ""\n\n#~ msgid "bỏ"\n#~ msgstr "bỏ"\n',
        encoding="utf-8",
    )


def test_the_fill_script_makes_each_msgid_its_own_translation_and_drops_obsolete_ones(tmp_path):
    path = tmp_path / "django.po"
    _fresh_catalogue(path)
    po.main([str(path)])
    entries = po.read_po(path)
    header = entries[0]
    assert "Language: vi\n" in header.msgstr[0] and "charset=UTF-8" in header.msgstr[0]
    assert [(e.msgstr, e.flags) for e in entries[1:]] == [
        (["%(n)s tiêu chí"], ["python-format"]),
        (["Một câu dài hai dòng."], []),
    ]
    assert "fuzzy" not in header.flags and "#|" not in path.read_text(encoding="utf-8")


def test_the_fill_script_changes_nothing_when_run_again(tmp_path):
    path = tmp_path / "django.po"
    _fresh_catalogue(path)
    po.main([str(path)])
    once = path.read_text(encoding="utf-8")
    po.main([str(path)])
    assert path.read_text(encoding="utf-8") == once
