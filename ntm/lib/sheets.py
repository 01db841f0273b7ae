"""Excel workbooks (.xlsx) in and out, safely.

Writing: `put`, `put_at` and `append` write a value into a cell so that text stays text. openpyxl
turns any string that begins with "=" into a live formula, so an indicator named
`=HYPERLINK("http://…","Bấm vào đây")` would run in the reader's Excel. Here a string is always
stored as a string (the value unchanged), and one that begins with =, +, - or @ is also marked
"quote prefix", so that Excel keeps it as text even after someone edits the cell.

Reading: `read_workbook` reads an uploaded workbook in one streaming pass over each sheet's XML and
stops at the first limit breached (size unzipped, rows, columns, cells), so a file within the limits
is read in bounded time and memory whatever it holds. It keeps only the cells the caller needs
(`keep_columns`), the merged ranges (which openpyxl's read-only mode does not give) and the formulas
as written (the importers refuse them cell by cell).
"""

import functools
import hashlib
import io
import struct
import zipfile
from dataclasses import dataclass
from xml.parsers import expat

from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext as _
from openpyxl.formula.translate import Translator
from openpyxl.reader.excel import ExcelReader
from openpyxl.utils.cell import column_index_from_string, coordinate_to_tuple, get_column_letter, range_boundaries
from openpyxl.utils.datetime import from_excel, from_ISO8601
from openpyxl.worksheet._reader import _cast_number
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.xml.constants import ARC_SHARED_STRINGS, SHEET_MAIN_NS


@dataclass
class Problem:
    """One thing wrong in an uploaded workbook: where (sheet, cell) and what, in the user's language."""

    sheet: str
    cell: str
    message: str

    def as_dict(self) -> dict:
        return {"sheet": self.sheet, "cell": self.cell, "message": self.message}


# Writing

FORMULA_STARTS = ("=", "+", "-", "@")


def set_text_safe(cell, value):
    """Give `cell` the value `value`; a string is stored as a string, never as a formula."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
        if value.lstrip()[:1] in FORMULA_STARTS:
            cell.quotePrefix = True
    return cell


def put(ws, row: int, column: int, value):
    """ws.cell(row, column, value), with text kept as text. Returns the cell."""
    return set_text_safe(ws.cell(row=row, column=column), value)


def put_at(ws, coordinate: str, value):
    """ws[coordinate] = value, with text kept as text. Returns the cell."""
    return set_text_safe(ws[coordinate], value)


def append(ws, values) -> int:
    """ws.append(values), with text kept as text. Returns the row written."""
    row = ws._current_row + 1
    for column, value in enumerate(values, start=1):
        put(ws, row, column, value)
    ws._current_row = row  # as ws.append leaves it, even when the last values are None
    return row


# Reading

CHUNK = 64 * 1024
# Parts other than the sheets and the shared strings (workbook, styles, theme, properties) are read
# whole by openpyxl: each is capped, far above what Excel or LibreOffice write.
OTHER_PART_MAX = 2 * 1024 * 1024
MAX_PARTS = 2000
# XML elements read per cell (c, v, f, is, t…) beyond which a file is padding, not data.
ELEMENTS_PER_CELL = 4
ELEMENTS_SLACK = 20_000
# Merged ranges, all sheets together: the template merges one row per criterion and two header ranges.
MAX_MERGED = 5_000

# Element names as expat gives them with namespace_separator="}".
_MAIN = SHEET_MAIN_NS + "}"
ROW_NAME, C_NAME, V_NAME, F_NAME, T_NAME, RPH_NAME, SI_NAME, MERGE_NAME = (
    _MAIN + tag for tag in ("row", "c", "v", "f", "t", "rPh", "si", "mergeCell")
)


class Refused(Exception):
    """The workbook as a whole is refused; str(exc) is the message for the user."""


@dataclass(frozen=True)
class Limits:
    bytes: int
    unzipped_bytes: int
    rows: int
    columns: int
    cells: int

    @classmethod
    def from_settings(cls) -> "Limits":
        return cls(
            bytes=settings.NTM_IMPORT_MAX_BYTES,
            unzipped_bytes=settings.NTM_IMPORT_MAX_UNZIPPED_BYTES,
            rows=settings.NTM_IMPORT_MAX_ROWS,
            columns=settings.NTM_IMPORT_MAX_COLUMNS,
            cells=settings.NTM_IMPORT_MAX_CELLS,
        )


def _count(number: int) -> str:
    # Grouped in threes in every language (200.000 in Vietnamese, 200,000 in English); Django's vi formats
    # do not group.
    return f"{number:,}".replace(",", formats.get_format("THOUSAND_SEPARATOR"))


def _mb(size: int) -> str:
    return formats.number_format(size / 1048576, 1)


def read_upload(fileobj, limit: int) -> tuple[bytes | None, str, int]:
    """The content (None when over `limit` bytes), its SHA-256 and its size, read in chunks."""
    sha, size, parts = hashlib.sha256(), 0, []
    if hasattr(fileobj, "seek"):
        fileobj.seek(0)
    while chunk := fileobj.read(CHUNK):
        sha.update(chunk)
        size += len(chunk)
        if size <= limit:
            parts.append(chunk)
    return (b"".join(parts) if size <= limit else None), sha.hexdigest(), size


def too_large_message(size: int, limit: int) -> str:
    return _("Tệp quá lớn (%(size)s MB); tối đa %(max)s MB.") % {"size": _mb(size), "max": _mb(limit)}


def not_a_workbook() -> Refused:
    return Refused(_("Tệp không phải là sổ tính Excel (.xlsx) đọc được."))


class SheetCell:
    __slots__ = ("row", "column", "value", "data_type")

    def __init__(self, row: int, column: int, value=None, data_type: str = "n"):
        self.row, self.column, self.value, self.data_type = row, column, value, data_type

    @property
    def coordinate(self) -> str:
        return f"{get_column_letter(self.column)}{self.row}"


class _Merged:
    def __init__(self, refs: list[str]):
        self.refs = refs

    @property
    def ranges(self) -> list[CellRange]:
        return [CellRange(ref) for ref in self.refs]


class Sheet:
    """What was kept of one sheet: the cells of the first `keep_columns` columns, the merged ranges,
    and the sheet's extent. Read like an openpyxl worksheet: ws["B3"].value, ws.cell(r, c), ws.max_row."""

    def __init__(self, title: str):
        self.title = title
        self.cells: dict[tuple[int, int], SheetCell] = {}
        self.merged_refs: list[str] = []
        self.max_row = 0
        self.max_column = 0

    def __getitem__(self, coordinate: str) -> SheetCell:
        return self.cell(*coordinate_to_tuple(coordinate))

    def cell(self, row: int, column: int) -> SheetCell:
        return self.cells.get((row, column)) or SheetCell(row, column)

    @property
    def merged_cells(self) -> _Merged:
        return _Merged(self.merged_refs)


class Book:
    def __init__(self, sheets: list[Sheet]):
        self.worksheets = sheets

    @property
    def sheetnames(self) -> list[str]:
        return [ws.title for ws in self.worksheets]

    def __getitem__(self, title: str) -> Sheet:
        for ws in self.worksheets:
            if ws.title == title:
                return ws
        raise KeyError(title)


class _Budget:
    """Counts what has been read across the whole workbook and refuses at the first limit breached."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.cells = self.elements = self.rows_before = self.merges = 0
        self.max_elements = limits.cells * ELEMENTS_PER_CELL + ELEMENTS_SLACK

    def element(self) -> None:
        self.elements += 1
        if self.elements > self.max_elements:
            raise self.too_many_cells()

    def cell(self) -> None:
        self.cells += 1
        if self.cells > self.limits.cells:
            raise self.too_many_cells()

    def merged(self) -> None:
        self.merges += 1
        if self.merges > MAX_MERGED:
            raise Refused(
                _("Sổ tính có quá nhiều vùng ô gộp (hơn %(max)s); hãy bỏ gộp ô.") % {"max": _count(MAX_MERGED)}
            )

    def too_many_cells(self) -> Refused:
        return Refused(
            _("Sổ tính có quá nhiều ô (hơn %(max)s); hãy xoá các ô, dòng, cột thừa hoặc chia thành nhiều tệp.")
            % {"max": _count(self.limits.cells)}
        )

    def row(self, sheet: Sheet, row: int) -> None:
        if self.rows_before + row > self.limits.rows:
            raise Refused(
                _("Sổ tính có quá nhiều dòng (trang “%(sheet)s” đã đến dòng %(row)s); tối đa %(max)s dòng cho cả tệp.")
                % {"sheet": sheet.title, "row": row, "max": _count(self.limits.rows)}
            )

    def column(self, sheet: Sheet, cell: SheetCell) -> None:
        if cell.column > self.limits.columns:
            raise Refused(
                _("Trang “%(sheet)s” có dữ liệu ở ô %(cell)s; tối đa %(max)s cột (đến cột %(last)s).")
                % {
                    "sheet": sheet.title,
                    "cell": cell.coordinate,
                    "max": self.limits.columns,
                    "last": get_column_letter(self.limits.columns),
                }
            )


def _entry_count(data: bytes) -> int:
    """The number of entries the zip's end record announces, read before anything else is parsed."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 66_000))
    if end < 0 or len(data) < end + 22:
        raise not_a_workbook()
    return struct.unpack("<H", data[end + 10 : end + 12])[0]


def _check_archive(data: bytes, limits: Limits) -> None:
    """Sizes from the zip's central directory, before any XML is parsed (zipfile stops reading a part
    at its declared size, so a part cannot inflate beyond what is checked here)."""
    if _entry_count(data) > MAX_PARTS:
        raise not_a_workbook()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, struct.error, OSError) as exc:
        raise not_a_workbook() from exc
    if len(infos) > MAX_PARTS:
        raise not_a_workbook()
    inflated = sum(info.file_size for info in infos)
    if inflated > limits.unzipped_bytes:
        raise Refused(
            _("Tệp quá lớn khi giải nén (%(size)s MB); tối đa %(max)s MB. Hãy xoá các trang, dòng, cột thừa.")
            % {"size": _mb(inflated), "max": _mb(limits.unzipped_bytes)}
        )
    for info in infos:
        name = info.filename
        if name.startswith("xl/worksheets/") or name == "xl/sharedStrings.xml":
            continue
        if name.endswith((".xml", ".rels")) and info.file_size > OTHER_PART_MAX:
            raise Refused(
                _("Tệp quá lớn khi giải nén (%(size)s MB); tối đa %(max)s MB. Hãy xoá các trang, dòng, cột thừa.")
                % {"size": _mb(inflated), "max": _mb(OTHER_PART_MAX)}
            )


DIGITS = "0123456789"


@functools.lru_cache(maxsize=1024)
def _column_index(letters: str) -> int:
    return column_index_from_string(letters)


class _Reader(ExcelReader):
    """openpyxl's reader for the workbook, its styles (which cells are dates) and its list of sheets;
    the shared strings and the sheets themselves are read by the streaming parser below."""

    def __init__(self, data: bytes, budget: _Budget):
        super().__init__(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
        self.budget = budget
        self.sheet_parts: list[tuple[str, str]] = []

    def read_strings(self):
        part = ARC_SHARED_STRINGS
        ct = self.package.find("application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml")
        if ct is not None:
            part = ct.PartName[1:]
        if part in self.valid_files:
            handler = _Strings(self.budget)
            _parse(self.archive, part, handler)
            self.shared_strings = handler.strings

    def read_worksheets(self):
        for sheet, rel in self.parser.find_sheets():
            if rel.target in self.valid_files and "chartsheet" not in rel.Type:
                self.sheet_parts.append((sheet.name, rel.target))
        self.parser.assign_names = _skip  # defined names (print titles…) are not read: no sheet objects to bind


def _skip() -> None:
    pass


def _refuse_dtd(*args) -> None:
    # A workbook part never declares a DTD; one that does is not read (no entity expansion at all).
    raise ValueError("DTD in a workbook part")


def _parse(archive: zipfile.ZipFile, part: str, handler) -> None:
    """Feed the part to expat in chunks: no tree is built, each element costs two calls, and the
    handler counts what it sees against the budget (refusing as soon as a limit is passed)."""
    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True
    parser.StartElementHandler, parser.EndElementHandler = handler.start, handler.end
    parser.CharacterDataHandler = handler.text
    parser.StartDoctypeDeclHandler = parser.EntityDeclHandler = _refuse_dtd
    with archive.open(part) as src:
        while chunk := src.read(CHUNK):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)


class _Text:
    """Collects the text of <t> elements (plain or in rich-text runs), leaving out phonetic readings."""

    def __init__(self):
        self.parts: list[str] | None = None  # while inside a <t> that counts
        self.found: list[str] = []
        self.phonetic = False

    def start(self, name) -> None:
        if name == T_NAME and not self.phonetic:
            self.parts = self.found
        elif name == RPH_NAME:
            self.phonetic = True

    def end(self, name) -> None:
        if name == T_NAME:
            self.parts = None
        elif name == RPH_NAME:
            self.phonetic = False

    def take(self) -> str:
        value, self.found = "".join(self.found), []
        return value


class _Strings:
    def __init__(self, budget: _Budget):
        self.budget, self.strings, self.t = budget, [], _Text()

    def start(self, name, attrs) -> None:
        self.budget.element()
        self.t.start(name)

    def text(self, data) -> None:
        if self.t.parts is not None:
            self.t.parts.append(data)

    def end(self, name) -> None:
        self.t.end(name)
        if name == SI_NAME:
            self.budget.cell()  # a workbook holds no more strings than cells
            self.strings.append(self.t.take())


class _SheetHandler:
    """One sheet, cell by cell: the value as openpyxl's own reader would give it (numbers, dates by their
    style, shared and inline strings, booleans, formulas as written), the merged ranges, the extent."""

    def __init__(self, sheet: Sheet, budget: _Budget, reader: _Reader, keep_columns: int | None):
        wb = reader.wb
        self.sheet, self.budget, self.keep_columns = sheet, budget, keep_columns
        self.strings, self.epoch = reader.shared_strings, wb.epoch
        self.dates, self.durations = wb._date_formats, wb._timedelta_formats
        self.row = self.column = self.extent = 0
        self.in_cell = False
        self.collect: list[str] | None = None
        self.value: list[str] = []
        self.formula: list[str] | None = None
        self.formula_attrs: dict = {}
        self.shared_formulas: dict[str, Translator] = {}
        self.t = _Text()

    def start(self, name, attrs) -> None:
        budget = self.budget
        budget.elements += 1
        if budget.elements > budget.max_elements:
            raise budget.too_many_cells()
        if name == C_NAME:
            self.in_cell = True
            self.cell_ref, self.cell_type, self.cell_style = attrs.get("r"), attrs.get("t", "n"), attrs.get("s")
            self.value, self.formula = [], None
        elif not self.in_cell:
            if name == ROW_NAME:
                self.row, self.column = int(attrs.get("r") or self.row + 1), 0
            elif name == MERGE_NAME:
                ref = attrs.get("ref") or ""
                self.budget.row(self.sheet, range_boundaries(ref)[3])
                self.budget.merged()
                self.sheet.merged_refs.append(ref)
        elif name == V_NAME:
            self.collect = self.value
        elif name == F_NAME:
            self.collect = self.formula = []
            self.formula_attrs = attrs
        else:
            self.t.start(name)

    def text(self, data) -> None:
        if self.collect is not None:
            self.collect.append(data)
        elif self.t.parts is not None:
            self.t.parts.append(data)

    def end(self, name) -> None:
        if name == C_NAME:
            self.in_cell = False
            self._cell()
        elif name in (V_NAME, F_NAME):
            self.collect = None
        elif self.in_cell:
            self.t.end(name)

    def _cell(self) -> None:
        budget, sheet = self.budget, self.sheet
        budget.cells += 1
        if budget.cells > budget.limits.cells:
            raise budget.too_many_cells()
        ref = self.cell_ref
        if ref:
            letters = ref.rstrip(DIGITS)
            row, column = int(ref[len(letters) :]), _column_index(letters)
        else:
            row, column = self.row, self.column + 1
        self.column = column
        if row > self.extent:
            budget.row(sheet, row)
            self.extent = row
        value, kind = self._value(row, column)
        if value is None:
            return
        cell = SheetCell(row, column, value, kind)
        if column > budget.limits.columns:
            budget.column(sheet, cell)
        if row > sheet.max_row:
            sheet.max_row = row
        if column > sheet.max_column:
            sheet.max_column = column
        if self.keep_columns is None or column <= self.keep_columns:
            sheet.cells[(row, column)] = cell

    def _value(self, row: int, column: int) -> tuple:
        if self.formula is not None:
            text = "=" + "".join(self.formula)
            if self.formula_attrs.get("t") == "shared":
                index, coordinate = self.formula_attrs.get("si"), f"{get_column_letter(column)}{row}"
                if index in self.shared_formulas:
                    text = self.shared_formulas[index].translate_formula(coordinate)
                elif text != "=":
                    self.shared_formulas[index] = Translator(text, coordinate)
            return text, "f"
        kind, raw = self.cell_type, "".join(self.value)
        if kind == "inlineStr":
            return (self.t.take() or None), "s"
        self.t.take()
        if not raw:
            return None, "n"
        if kind == "n":
            number = _cast_number(raw)
            style = int(self.cell_style or 0)
            if style in self.dates:
                try:
                    return from_excel(number, self.epoch, timedelta=style in self.durations), "d"
                except (OverflowError, ValueError):
                    return "#VALUE!", "e"
            return number, "n"
        if kind == "s":
            return self.strings[int(raw)], "s"
        if kind == "b":
            return bool(int(raw)), "b"
        if kind == "str":
            return raw, "s"
        if kind == "d":
            return from_ISO8601(raw), "d"
        return raw, kind


def _read_sheet(reader: _Reader, title: str, path: str, budget: _Budget, keep_columns: int | None) -> Sheet:
    sheet = Sheet(title)
    handler = _SheetHandler(sheet, budget, reader, keep_columns)
    _parse(reader.archive, path, handler)
    budget.rows_before += handler.extent
    return sheet


def read_workbook(data: bytes, limits: Limits | None = None, *, keep_columns: int | None = None) -> Book:
    """The workbook's worksheets in order, read within `limits` (default: the settings).

    Raises Refused with a message for the user at the first limit breached, or when the file is not a
    readable workbook. Formulas are kept as written (data_type "f"), not as their cached results."""
    limits = limits or Limits.from_settings()
    if len(data) > limits.bytes:
        raise Refused(too_large_message(len(data), limits.bytes))
    _check_archive(data, limits)
    budget = _Budget(limits)
    try:
        reader = _Reader(data, budget)
        reader.read()
        sheets = [_read_sheet(reader, title, path, budget, keep_columns) for title, path in reader.sheet_parts]
    except Refused:
        raise
    except Exception as exc:  # noqa: BLE001 - openpyxl and the XML parser raise many kinds on a bad file
        raise not_a_workbook() from exc
    return Book(sheets)
