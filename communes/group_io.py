"""Reading a commune-group file (CSV or .xlsx): one line per commune, its code and its group.

Accepted group spellings: nhom1, 1, "Nhóm 1", "nhóm 1". A header line (mã / code, nhóm / group) is
optional; without one the first column is the code and the last the group. Blank lines are skipped.
"""

import csv
import io
import re

from django.utils.translation import gettext as _
from openpyxl import load_workbook

CODE_HEADERS, GROUP_HEADERS = {"mã", "ma", "code", "mã xã", "ma xa"}, {"nhóm", "nhom", "group", "nhóm xã", "nhom xa"}
_GROUP = re.compile(r"^(?:nh[oó]m\s*)?([0-9]+)$", re.IGNORECASE)


class GroupFileError(ValueError):
    pass


def _group_code(text: str) -> str:
    text = text.strip()
    match = _GROUP.match(text)
    return f"nhom{match.group(1)}" if match else text.casefold()


def _code(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value if value is not None else "").strip()
    # Spreadsheets drop leading zeros of a numeric code; commune codes have 5 digits.
    return text.zfill(5) if text.isdigit() and len(text) < 5 else text


def _rows(upload) -> list[list]:
    name = (getattr(upload, "name", "") or "").lower()
    data = upload.read()
    if name.endswith(".xlsx"):
        try:
            ws = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
        except Exception:  # noqa: BLE001 - openpyxl raises many kinds on a file that is not a workbook
            raise GroupFileError(_("Tệp không phải là sổ tính Excel (.xlsx) đọc được.")) from None
        return [list(row) for row in ws.iter_rows(values_only=True)]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise GroupFileError(_("Tệp CSV cần mã hóa UTF-8.")) from None
    dialect = ";" if text.count(";") > text.count(",") else ","
    return list(csv.reader(io.StringIO(text), delimiter=dialect))


def read_group_file(upload) -> list[tuple[int, str, str]]:
    """(line, code, group) for each non-blank line; GroupFileError when the file cannot be read."""
    rows = _rows(upload)
    code_col, group_col, start = 0, -1, 0
    if rows:
        header = [str(c or "").strip().casefold() for c in rows[0]]
        if any(h in CODE_HEADERS for h in header):
            code_col = next(i for i, h in enumerate(header) if h in CODE_HEADERS)
            group_col = next((i for i, h in enumerate(header) if h in GROUP_HEADERS), -1)
            start = 1
    out = []
    for line, row in enumerate(rows[start:], start=start + 1):
        cells = [c for c in row]
        if all(str(c if c is not None else "").strip() == "" for c in cells):
            continue
        if len(cells) < 2:
            out.append((line, _code(cells[0]), ""))
            continue
        group = cells[group_col]
        out.append((line, _code(cells[code_col]), _group_code(str(group if group is not None else ""))))
    if not out:
        raise GroupFileError(_("Tệp không có dòng nào."))
    return out
