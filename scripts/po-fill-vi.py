#!/usr/bin/env python3
"""Fill the Vietnamese catalogue after `manage.py makemessages`: the msgids are Vietnamese already.

    .venv/bin/python manage.py makemessages -l vi -l en --ignore .venv --ignore static
    .venv/bin/python scripts/po-fill-vi.py            # locale/vi/LC_MESSAGES/django.po by default

Every msgstr becomes its msgid (Vietnamese has one plural form, so msgstr[0] = msgid), fuzzy flags
and obsolete entries go, and the header gets Language, charset and Plural-Forms. Running it twice
changes nothing.
Stdlib only; tests/test_translations.py reuses `read_po` to check both catalogues.
"""

import argparse
import datetime
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_PO = Path(__file__).resolve().parent.parent / "locale" / "vi" / "LC_MESSAGES" / "django.po"
WIDTH = 79  # msgmerge's default, so a later makemessages run does not rewrap what we wrote

HEADER = {
    "Project-Id-Version": "NTM Tracker",
    "Last-Translator": "scripts/po-fill-vi.py",
    "Language-Team": "Vietnamese",
    "Language": "vi",
    "MIME-Version": "1.0",
    "Content-Type": "text/plain; charset=UTF-8",
    "Content-Transfer-Encoding": "8bit",
    "Plural-Forms": "nplurals=1; plural=0;",
}
HEADER_COMMENT = [
    "# NTM Tracker: Vietnamese catalogue. The msgids are Vietnamese, so each msgstr repeats its msgid;",
    "# regenerate with scripts/po-fill-vi.py after makemessages, do not edit by hand.",
    "# This file is distributed under the same license as NTM Tracker (GPL-3.0-or-later).",
    "#",
]

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}
_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(".*")\s*$')


@dataclass
class Entry:
    comments: list[str] = field(default_factory=list)  # raw "#", "#.", "#:", "#|" lines, in order
    flags: list[str] = field(default_factory=list)  # from the "#," line: fuzzy, python-format, …
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: list[str] = field(default_factory=list)  # one string, or one per plural form
    obsolete_lines: list[str] | None = None  # a "#~" entry is kept verbatim

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None and self.obsolete_lines is None

    @property
    def is_active(self) -> bool:
        return not self.is_header and self.obsolete_lines is None

    @property
    def key(self) -> tuple[str | None, str]:
        return self.msgctxt, self.msgid


def _unquote(literal: str) -> str:
    body = literal.strip()[1:-1]
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), body)


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t").replace("\n", "\\n") + '"'


def _width(text: str) -> int:
    return sum(0 if unicodedata.combining(ch) else 1 for ch in text)


def _parse_block(lines: list[str]) -> Entry:
    if all(line.startswith("#") for line in lines) and any(line.startswith("#~") for line in lines):
        return Entry(obsolete_lines=lines)
    entry, current, values = Entry(), None, {}
    for line in lines:
        if line.startswith("#,"):
            entry.flags += [flag.strip() for flag in line[2:].split(",") if flag.strip()]
        elif line.startswith("#"):
            entry.comments.append(line)
        elif match := _KEYWORD.match(line):
            current = match.group(1)
            values[current] = _unquote(match.group(2))
        elif line.startswith('"') and current:
            values[current] += _unquote(line)
        else:
            raise ValueError(f"cannot read PO line: {line!r}")
    entry.msgctxt = values.get("msgctxt")
    entry.msgid = values.get("msgid", "")
    entry.msgid_plural = values.get("msgid_plural")
    if entry.msgid_plural is None:
        entry.msgstr = [values.get("msgstr", "")]
    else:
        forms = sorted((int(k[7:-1]), v) for k, v in values.items() if k.startswith("msgstr["))
        entry.msgstr = [v for _, v in forms]
    return entry


def read_po(path: Path) -> list[Entry]:
    """Parse a gettext catalogue into entries; the header is the entry with an empty msgid."""
    blocks, block = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            block.append(line)
        elif block:
            blocks.append(block)
            block = []
    if block:
        blocks.append(block)
    return [_parse_block(b) for b in blocks]


def _wrap(keyword: str, text: str) -> list[str]:
    """Lay a string out as msgmerge does: one line if it fits, else "" then lines of at most WIDTH."""
    single = f"{keyword} {_quote(text)}"
    if "\n" not in text.rstrip("\n") and _width(single) <= WIDTH:
        return [single]
    lines = [f'{keyword} ""']
    for piece in re.findall(r"[^\n]*\n|[^\n]+", text):
        line = ""
        for word in re.findall(r"\S*\s*", piece):
            if line and _width(_quote(line + word)) > WIDTH:
                lines.append(_quote(line))
                line = ""
            line += word
        if line:
            lines.append(_quote(line))
    return lines


def format_entry(entry: Entry) -> str:
    if entry.obsolete_lines is not None:
        return "\n".join(entry.obsolete_lines)
    lines = [c for c in entry.comments if not c.startswith("#:") and not c.startswith("#|")]
    lines += [c for c in entry.comments if c.startswith("#:")]
    if entry.flags:
        lines.append("#, " + ", ".join(entry.flags))
    lines += [c for c in entry.comments if c.startswith("#|")]
    if entry.msgctxt is not None:
        lines += _wrap("msgctxt", entry.msgctxt)
    lines += _wrap("msgid", entry.msgid)
    if entry.msgid_plural is None:
        lines += _wrap("msgstr", entry.msgstr[0] if entry.msgstr else "")
    else:
        lines += _wrap("msgid_plural", entry.msgid_plural)
        for n, text in enumerate(entry.msgstr):
            lines += _wrap(f"msgstr[{n}]", text)
    return "\n".join(lines)


def write_po(path: Path, entries: list[Entry]) -> None:
    path.write_text("\n\n".join(format_entry(e) for e in entries) + "\n", encoding="utf-8")


def _fill_header(entry: Entry, *, touched: bool) -> None:
    fields = {}
    for line in entry.msgstr[0].splitlines():
        name, _, value = line.partition(":")
        if name.strip():
            fields[name.strip()] = value.strip()
    fields.update(HEADER)
    if touched or fields.get("PO-Revision-Date", "").startswith("YEAR"):
        fields["PO-Revision-Date"] = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M%z")
    entry.msgstr = ["".join(f"{name}: {value}\n" for name, value in fields.items())]
    # Drop the template's "SOME DESCRIPTIVE TITLE" comment block; keep any other translator comment.
    kept = [c for c in entry.comments if not re.match(r"#( |$)", c)]
    entry.comments = HEADER_COMMENT + kept
    entry.flags = [f for f in entry.flags if f != "fuzzy"]


def fill(entries: list[Entry]) -> int:
    """Make every active entry its own translation; return how many entries changed."""
    changed = 0
    for entry in entries:
        if not entry.is_active:
            continue
        wanted = [entry.msgid]  # nplurals=1: the single form is the msgid
        before = (entry.msgstr, entry.flags, entry.comments)
        entry.msgstr = wanted
        entry.flags = [f for f in entry.flags if f != "fuzzy"]
        # "#|" lines hold the previous msgid of a fuzzy match; they mean nothing once it is filled.
        entry.comments = [c for c in entry.comments if not c.startswith("#|")]
        changed += before != (entry.msgstr, entry.flags, entry.comments)
    for entry in entries:
        if entry.is_header:
            _fill_header(entry, touched=changed > 0)
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("po", nargs="?", type=Path, default=DEFAULT_PO)
    args = parser.parse_args(argv)
    entries = read_po(args.po)
    changed = fill(entries)
    # Obsolete ("#~") entries help a translator recover old work; here there is none to recover.
    kept = [e for e in entries if e.obsolete_lines is None]
    write_po(args.po, kept)
    active = sum(e.is_active for e in kept)
    print(f"{args.po}: {active} entries, {changed} filled or updated, {len(entries) - len(kept)} obsolete dropped.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
