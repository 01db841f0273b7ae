"""The report as a .docx (python-docx), in the layout of Nghị định 30/2020/NĐ-CP, Phụ lục I.

A4, margins top and bottom 20 mm, left 30 mm, right 15 mm; Times New Roman 13-14 pt. Top left the
issuing body (the governing body above it), a short line under it, then "Số: …/BC-UBND"; top right
the Quốc hiệu and tiêu ngữ, a line under them, then the place and date in italics. The title and
its subject centred, the body, then "Nơi nhận" bottom left and the signature block bottom right.
Page numbers centred at the top from page 2 (the first page shows none, as the decree says).
"""

import io

from django.utils.translation import gettext as _
from docx import Document as new_docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from reports.content import Document, Table

FONT = "Times New Roman"
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TEXT_WIDTH_MM = 210 - 30 - 15
LEFT_MM, RIGHT_MM = 68, TEXT_WIDTH_MM - 68


def docx_bytes(document: Document) -> bytes:
    doc = new_docx()
    _page(doc)
    _header_block(doc, document)
    _title(doc, document)
    for section in document.sections:
        if section.heading:
            _paragraph(doc, section.heading, bold=True, space_before=6)
        for text in section.paragraphs:
            _paragraph(doc, text, justify=True, first_line=True)
        if section.table:
            _table(doc, section.table)
    _closing(doc, document)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _page(doc) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance = Mm(10)
    style = doc.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(14)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    style.paragraph_format.space_after = Pt(0)
    # The page number: centred at the top, from page 2 on.
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_field(paragraph)


def _page_field(paragraph) -> None:
    run = paragraph.add_run()
    run.font.size = Pt(13)
    for kind, text in (("begin", None), (None, "PAGE"), ("separate", None), (None, "2"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
            run._r.append(element)
        elif text == "PAGE":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = " PAGE "
            run._r.append(element)
        else:
            element = OxmlElement("w:t")
            element.text = text
            run._r.append(element)


def _paragraph(
    container,
    text: str,
    *,
    bold=False,
    italic=False,
    size=14,
    center=False,
    justify=False,
    first_line=False,
    space_before=0,
    space_after=6,
):
    paragraph = container.add_paragraph()
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif justify:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    fmt = paragraph.paragraph_format
    fmt.space_before, fmt.space_after = Pt(space_before), Pt(space_after)
    if first_line:
        fmt.first_line_indent = Mm(10)
    if text:
        run = paragraph.add_run(text)
        run.bold, run.italic, run.font.size = bold, italic, Pt(size)
    return paragraph


def _rule(container, *, width_mm: float, cell_mm: float) -> None:
    """A short solid line, centred: an empty paragraph's bottom border between two indents."""
    paragraph = container.add_paragraph()
    fmt = paragraph.paragraph_format
    side = max((cell_mm - width_mm) / 2, 0)
    fmt.left_indent, fmt.right_indent = Mm(side), Mm(side)
    fmt.space_before, fmt.space_after = Pt(0), Pt(4)
    fmt.line_spacing = Pt(2)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)


def _borderless(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{side}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _two_columns(doc, left_mm: float, right_mm: float):
    table = doc.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _borderless(table)
    left, right = table.rows[0].cells
    left.width, right.width = Mm(left_mm), Mm(right_mm)
    # A new cell holds one empty paragraph: drop it, the blocks add their own.
    for cell in (left, right):
        cell._tc.remove(cell.paragraphs[0]._p)
    return left, right


def _header_block(doc, document: Document) -> None:
    frame = document.frame
    left, right = _two_columns(doc, LEFT_MM, RIGHT_MM)
    if frame.governing_body:
        _paragraph(left, frame.governing_body.upper(), size=13, center=True, space_after=0)
    _paragraph(left, frame.issuing_body.upper(), bold=True, size=13, center=True, space_after=0)
    _rule(left, width_mm=25, cell_mm=LEFT_MM)
    _paragraph(left, document.number_line, size=13, center=True)
    _paragraph(right, _("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), bold=True, size=12, center=True, space_after=0)
    _paragraph(right, _("Độc lập - Tự do - Hạnh phúc"), bold=True, size=13, center=True, space_after=0)
    _rule(right, width_mm=58, cell_mm=RIGHT_MM)
    _paragraph(right, document.place_date, italic=True, size=13, center=True)


def _title(doc, document: Document) -> None:
    _paragraph(doc, _("BÁO CÁO"), bold=True, size=14, center=True, space_before=12, space_after=0)
    _paragraph(doc, document.subject, bold=True, size=14, center=True, space_after=0)
    _rule(doc, width_mm=45, cell_mm=TEXT_WIDTH_MM)


def _table(doc, table: Table) -> None:
    grid = doc.add_table(rows=1, cols=len(table.headers))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    widths = [Mm(TEXT_WIDTH_MM * share) for share in table.widths]
    header = grid.rows[0]
    _repeat_header(header)
    for cell, text, width in zip(header.cells, table.headers, widths, strict=True):
        cell.width = width
        _cell_text(cell, text, bold=True, center=True)
    for row in table.rows:
        cells = grid.add_row().cells
        for index, (cell, text, width) in enumerate(zip(cells, row.cells, widths, strict=True)):
            cell.width = width
            _cell_text(cell, text, bold=row.bold, center=index != 1)
    _paragraph(doc, "", space_after=6)


def _repeat_header(row) -> None:
    element = OxmlElement("w:tblHeader")
    element.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(element)


def _cell_text(cell, text: str, *, bold=False, center=False) -> None:
    paragraph = cell.paragraphs[0]
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(text)
    run.bold, run.font.size = bold, Pt(12)


def _closing(doc, document: Document) -> None:
    frame = document.frame
    _paragraph(doc, "", space_after=6)
    left, right = _two_columns(doc, 80, TEXT_WIDTH_MM - 80)
    _paragraph(left, _("Nơi nhận:"), bold=True, italic=True, size=12, space_after=0)
    lines = frame.recipients or [_("Lưu: VT")]
    for index, line in enumerate(lines):
        end = "." if index == len(lines) - 1 else ";"
        _paragraph(left, f"- {line}{end}", size=11, space_after=0)
    if frame.signer_authority:
        _paragraph(right, frame.signer_authority.upper(), bold=True, size=14, center=True, space_after=0)
    _paragraph(right, frame.signer_title.upper(), bold=True, size=14, center=True, space_after=0)
    _paragraph(right, _("(Ký, ghi rõ họ tên)"), italic=True, size=13, center=True, space_after=60)
    _paragraph(right, frame.signer_name, bold=True, size=14, center=True, space_after=0)
