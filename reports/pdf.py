"""The report as a PDF (reportlab, pure Python), in the same layout as the .docx (reports.word).

Times New Roman is not free to ship, and Debian's Liberation Serif 1.07 has no Vietnamese letters
(ơ, ư, ạ, ộ …), so the PDF uses DejaVu Serif, vendored in reports/fonts/ with its licence: the
PDF reads the same on a closed intranet, in CI and on any server. The sizes are those of the .docx
less about one point, as DejaVu Serif runs wider than Times. Page numbers are centred at the top
from page 2.
"""

import io
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import HRFlowable, Paragraph, SimpleDocTemplate, Spacer, TableStyle
from reportlab.platypus import Table as PdfTable

from reports.content import Document, Table

CONTENT_TYPE = "application/pdf"
FONT_DIR = Path(__file__).resolve().parent / "fonts" / "dejavu-2.37"
FAMILY = "NTMSerif"
TOP, BOTTOM, LEFT, RIGHT = 20 * mm, 20 * mm, 30 * mm, 15 * mm
TEXT_WIDTH = A4[0] - LEFT - RIGHT
LEFT_COLUMN = 68 * mm
GAP = 3 * mm


@cache
def _fonts() -> str:
    faces = {
        "": "DejaVuSerif",
        "-Bold": "DejaVuSerif-Bold",
        "-Italic": "DejaVuSerif-Italic",
        "-BoldItalic": "DejaVuSerif-BoldItalic",
    }
    for suffix, file in faces.items():
        pdfmetrics.registerFont(TTFont(f"{FAMILY}{suffix}", FONT_DIR / f"{file}.ttf"))
    pdfmetrics.registerFontFamily(
        FAMILY, normal=FAMILY, bold=f"{FAMILY}-Bold", italic=f"{FAMILY}-Italic", boldItalic=f"{FAMILY}-BoldItalic"
    )
    return FAMILY


def _style(size=13, *, bold=False, italic=False, align=TA_LEFT, first_line=0, after=0, before=0) -> ParagraphStyle:
    name = FAMILY + ("-BoldItalic" if bold and italic else "-Bold" if bold else "-Italic" if italic else "")
    return ParagraphStyle(
        f"s{size}{bold}{italic}{align}{first_line}{after}{before}",
        fontName=name,
        fontSize=size,
        leading=size * 1.25,
        alignment=align,
        firstLineIndent=first_line,
        spaceAfter=after,
        spaceBefore=before,
    )


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text), style)


def _fitting(text: str, size: float, width: float, bold=True, italic=False) -> float:
    """The largest size up to `size` at which `text` fits on one line of `width`."""
    font = FAMILY + ("-BoldItalic" if bold and italic else "-Bold" if bold else "-Italic" if italic else "")
    while size > 8 and pdfmetrics.stringWidth(text, font, size) > width:
        size -= 0.5
    return size


def pdf_bytes(document: Document) -> bytes:
    _fonts()
    out = io.BytesIO()
    template = SimpleDocTemplate(
        out,
        pagesize=A4,
        topMargin=TOP,
        bottomMargin=BOTTOM,
        leftMargin=LEFT,
        rightMargin=RIGHT,
        title=f"{_('BÁO CÁO')} {document.subject}",
        author=document.frame.issuing_body,
    )
    story = _header_block(document) + _title(document)
    for section in document.sections:
        if section.heading:
            story.append(_p(section.heading, _style(13, bold=True, before=6, after=4)))
        for text in section.paragraphs:
            story.append(_p(text, _style(13, align=TA_JUSTIFY, first_line=10 * mm, after=6)))
        if section.table:
            story += [_table(section.table), Spacer(1, 6)]
    story += _closing(document)
    template.build(story, onLaterPages=_page_number, canvasmaker=Canvas)
    return out.getvalue()


def _page_number(canvas, doc) -> None:
    canvas.saveState()
    canvas.setFont(FAMILY, 12)
    canvas.drawCentredString(A4[0] / 2 + (LEFT - RIGHT) / 2, A4[1] - 12 * mm, str(doc.page))
    canvas.restoreState()


def _columns(left: list, right: list, left_width: float) -> PdfTable:
    table = PdfTable([[left, right]], colWidths=[left_width, TEXT_WIDTH - left_width])
    table.setStyle(
        TableStyle(
            [
                # CENTER places the short rules (narrower than the cell); each paragraph keeps its own alignment.
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (0, 0), GAP),  # the left block keeps clear of the right one
            ]
        )
    )
    return table


def _rule(width: float) -> HRFlowable:
    return HRFlowable(width=width, thickness=0.6, color=colors.black, spaceBefore=5, spaceAfter=5, hAlign="CENTER")


def _header_block(document: Document) -> list:
    frame = document.frame
    right_width = TEXT_WIDTH - LEFT_COLUMN
    left = []
    if frame.governing_body:
        text = frame.governing_body.upper()
        left.append(_p(text, _style(_fitting(text, 12, LEFT_COLUMN - GAP, bold=False), align=TA_CENTER)))
    issuing = frame.issuing_body.upper()
    left += [
        _p(issuing, _style(12, bold=True, align=TA_CENTER)),
        _rule(25 * mm),
        _p(document.number_line, _style(12, align=TA_CENTER)),
    ]
    motto, motto_line = _("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), _("Độc lập - Tự do - Hạnh phúc")
    right = [
        _p(motto, _style(_fitting(motto, 12, right_width - 2), bold=True, align=TA_CENTER)),
        _p(motto_line, _style(12, bold=True, align=TA_CENTER)),
        _rule(min(pdfmetrics.stringWidth(motto_line, f"{FAMILY}-Bold", 12), right_width)),
        _p(
            document.place_date,
            _style(
                _fitting(document.place_date, 12, right_width - 2, bold=False, italic=True),
                italic=True,
                align=TA_CENTER,
            ),
        ),
    ]
    return [_columns(left, right, LEFT_COLUMN)]


def _title(document: Document) -> list:
    return [
        Spacer(1, 10),
        _p(_("BÁO CÁO"), _style(14, bold=True, align=TA_CENTER)),
        _p(document.subject, _style(13, bold=True, align=TA_CENTER)),
        _rule(45 * mm),
        Spacer(1, 6),
    ]


def _table(table: Table) -> PdfTable:
    head = _style(11, bold=True, align=TA_CENTER)
    data = [[_p(text, head) for text in table.headers]]
    bold_rows = []
    for index, row in enumerate(table.rows, 1):
        cells = []
        for column, text in enumerate(row.cells):
            style = _style(11, bold=row.bold, align=TA_LEFT if column == 1 else TA_CENTER)
            cells.append(_p(text, style))
        data.append(cells)
        if row.bold:
            bold_rows.append(index)
    grid = PdfTable(data, colWidths=[TEXT_WIDTH * share for share in table.widths], repeatRows=1)
    commands = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    commands += [("BACKGROUND", (0, i), (-1, i), colors.Color(0.93, 0.93, 0.93)) for i in bold_rows]
    grid.setStyle(TableStyle(commands))
    return grid


def _closing(document: Document) -> list:
    frame = document.frame
    left = [_p(_("Nơi nhận:"), _style(11, bold=True, italic=True))]
    lines = frame.recipients or [_("Lưu: VT")]
    for index, line in enumerate(lines):
        end = "." if index == len(lines) - 1 else ";"
        left.append(_p(f"- {line}{end}", _style(10)))
    right = []
    if frame.signer_authority:
        right.append(_p(frame.signer_authority.upper(), _style(12, bold=True, align=TA_CENTER)))
    right += [
        _p(frame.signer_title.upper(), _style(12, bold=True, align=TA_CENTER)),
        _p(_("(Ký, ghi rõ họ tên)"), _style(12, italic=True, align=TA_CENTER)),
        Spacer(1, 22 * mm),
        _p(frame.signer_name, _style(13, bold=True, align=TA_CENTER)),
    ]
    return [Spacer(1, 10), _columns(left, right, 78 * mm)]
