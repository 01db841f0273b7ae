"""The official report's content as plain data, which reports.docx and reports.pdf both lay out.

Two reports: one commune's, from one assessment (the criteria and indicators, each with the target
applied, the value and the self-assessment), and a unit's (a district of the pre-2025 tree, a
province of the current one, or any unit above communes), from its communes' latest approved
assessments as the dashboards count them. Both carry the roll-up sentence the product writes
everywhere else (assessments.rollup), so the signed document says what the pages say.
"""

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from assessments import rollup
from communes.models import Level
from criteria.display import indicator_target
from ntm.lib import numbers
from ntm.lib.numbers import plain_number

# The kind words a unit's name starts with; the place before the date is the name without them.
_KIND_PREFIXES = ("thành phố", "thị trấn", "thị xã", "đặc khu", "phường", "huyện", "quận", "tỉnh", "xã")


@dataclass
class Frame:
    """The fields the office fills (reports.models.ReportSettings), as the document writes them."""

    governing_body: str = ""
    issuing_body: str = ""
    number: str = ""
    sign: str = "BC-UBND"
    place: str = ""
    signer_authority: str = ""
    signer_title: str = ""
    signer_name: str = ""
    recipients: list[str] = field(default_factory=list)


@dataclass
class TableRow:
    cells: list[str]
    bold: bool = False  # a criterion's row in the commune report


@dataclass
class Table:
    headers: list[str]
    widths: list[float]  # shares of the text width, summing to 1
    rows: list[TableRow] = field(default_factory=list)
    label: str = ""  # what the tests and the docx's table title call it


@dataclass
class Section:
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    table: Table | None = None


@dataclass
class Document:
    frame: Frame
    date: datetime.date
    subject: str  # trích yếu: what the report is about, under "BÁO CÁO"
    sentence: str  # the roll-up sentence
    sections: list[Section] = field(default_factory=list)

    @property
    def number_line(self) -> str:
        """ "Số: 12/BC-UBND", or with no number yet "Số:      /BC-UBND" (filled by hand when registered)."""
        number = self.frame.number.strip() or "\u00a0" * 6
        return _("Số: %(number)s/%(sign)s") % {"number": number, "sign": self.frame.sign.strip()}

    @property
    def place_date(self) -> str:
        return place_and_date(self.frame.place, self.date)


def place_and_date(place: str, day: datetime.date) -> str:
    """ "Can Lộc, ngày 04 tháng 02 năm 2026": days below 10 and months below 3 take a leading zero (NĐ 30)."""
    values = {
        "place": place,
        "day": f"{day.day:02d}",
        "month": f"{day.month:02d}" if day.month < 3 else str(day.month),
        "year": day.year,
    }
    return _("%(place)s, ngày %(day)s tháng %(month)s năm %(year)s") % values


def place_of(unit) -> str:
    """ "Thiên Lộc" for "Xã Thiên Lộc": the name without its kind word."""
    name = unit.name.strip()
    lowered = name.lower()
    for prefix in _KIND_PREFIXES:
        if lowered.startswith(prefix + " "):
            return name[len(prefix) + 1 :].strip()
    return name


def in_sentence(name: str) -> str:
    """ "xã Thiên Lộc" for "Xã Thiên Lộc": inside a sentence the kind word is written in lower case."""
    lowered = name.lower()
    if any(lowered.startswith(prefix + " ") for prefix in _KIND_PREFIXES):
        return name[:1].lower() + name[1:]
    return name


def default_frame(unit) -> dict:
    """What the form offers the first time, from the unit and its parent (the office corrects it once)."""
    parent = unit.parent
    if unit.level == Level.COMMUNE:
        return {
            "governing_body": "",
            "issuing_body": f"ỦY BAN NHÂN DÂN {unit.name.upper()}",
            "sign": "BC-UBND",
            "signer_authority": "TM. ỦY BAN NHÂN DÂN",
            "signer_title": "CHỦ TỊCH",
            "recipients": "\n".join(
                ([f"Ban Chỉ đạo các CTMTQG {in_sentence(parent.name)} (b/c)"] if parent else [])
                + ["Đảng ủy, HĐND xã", "Lưu: VT"]
            ),
            "place": place_of(unit),
            "number": "",
            "signer_name": "",
        }
    return {
        "governing_body": f"ỦY BAN NHÂN DÂN {unit.name.upper()}",
        "issuing_body": "BAN CHỈ ĐẠO CÁC CHƯƠNG TRÌNH MTQG",
        "sign": "BC-BCĐ",
        "signer_authority": "",
        "signer_title": "TRƯỞNG BAN",
        "recipients": "\n".join(
            [
                f"Ban Chỉ đạo các CTMTQG {in_sentence(parent.name)} (b/c)"
                if parent
                else "Văn phòng Điều phối NTM Trung ương (b/c)"
            ]
            + ["Thành viên Ban Chỉ đạo", "UBND các xã", "Lưu: VT"]
        ),
        "place": place_of(unit),
        "number": "",
        "signer_name": "",
    }


def frame_from(values: dict) -> Frame:
    recipients = values.get("recipients") or ""
    if isinstance(recipients, str):
        recipients = [line.strip(" -;.") for line in recipients.splitlines() if line.strip(" -;.")]
    return Frame(
        governing_body=values.get("governing_body", ""),
        issuing_body=values.get("issuing_body", ""),
        number=values.get("number", ""),
        sign=values.get("sign", ""),
        place=values.get("place", ""),
        signer_authority=values.get("signer_authority", ""),
        signer_title=values.get("signer_title", ""),
        signer_name=values.get("signer_name", ""),
        recipients=list(recipients),
    )


# One commune


def self_assessment(met: bool | None, has_value: bool) -> str:
    if met is True:
        return _("Đạt")
    if met is False:
        return _("Chưa đạt")
    return _("Chưa xác định") if has_value else _("Chưa có kết quả")


def _result_value(result) -> str:
    indicator = result.indicator
    if indicator.kind == "numeric":
        if result.value is None:
            return "—"
        unit = indicator.unit or ""
        return f"{plain_number(result.value)}{'' if unit in ('', '%') else ' '}{unit}"
    if result.met is True:
        return pgettext("kết quả chỉ tiêu đạt/chưa đạt", "Có")
    if result.met is False:
        return pgettext("kết quả chỉ tiêu đạt/chưa đạt", "Chưa")
    return "—"


def criteria_table(rows) -> Table:
    """One row per criterion (bold, its own verdict), then one per indicator: STT, name, target, value, verdict.

    `rows`: assessments.selectors.review.criteria_rows of the assessment's results.
    """
    table = Table(
        headers=[
            _("STT"),
            _("Tiêu chí, chỉ tiêu"),
            _("Chỉ tiêu, ngưỡng cần đạt"),
            _("Kết quả thực hiện"),
            _("Tự đánh giá"),
        ],
        widths=[0.08, 0.40, 0.20, 0.16, 0.16],
        label="criteria",
    )
    for row in rows:
        criterion = row.criterion
        verdict = self_assessment(row.met, any(r.value is not None for r in row.results))
        table.rows.append(
            TableRow(
                [
                    str(criterion.number),
                    _("Tiêu chí số %(number)s: %(name)s") % {"number": criterion.number, "name": criterion.name},
                    "",
                    "",
                    verdict,
                ],
                bold=True,
            )
        )
        for result in row.results:
            indicator = result.indicator
            target = result.target_applied or indicator_target(indicator) or "—"
            has_value = result.value is not None
            table.rows.append(
                TableRow(
                    [
                        indicator.code,
                        indicator.name,
                        target,
                        _result_value(result),
                        self_assessment(result.met, has_value),
                    ]
                )
            )
    return table


def commune_document(assessment, rows, frame: Frame, day: datetime.date) -> Document:
    commune = assessment.commune
    subject = _("Kết quả tự đánh giá thực hiện %(set)s của %(commune)s (số liệu đến ngày %(date)s)") % {
        "set": assessment.criteria_set.name,
        "commune": in_sentence(commune.name),
        "date": assessment.as_of.strftime("%d/%m/%Y"),
    }
    sentence = rollup.sentence(assessment.summary)
    opening = _("Ủy ban nhân dân %(commune)s báo cáo kết quả tự đánh giá mức độ đạt %(set)s như sau:") % {
        "set": assessment.criteria_set.name,
        "commune": in_sentence(commune.name),
    }
    summary = _("Tính đến ngày %(date)s, %(commune)s %(sentence)s") % {
        "date": assessment.as_of.strftime("%d/%m/%Y"),
        "commune": in_sentence(commune.name),
        "sentence": sentence,
    }
    document = Document(frame, day, subject, sentence)
    document.sections = [
        Section("", [opening]),
        Section(_("I. KẾT QUẢ CHUNG"), [summary]),
        Section(_("II. KẾT QUẢ THỰC HIỆN TỪNG TIÊU CHÍ, CHỈ TIÊU"), [], criteria_table(rows)),
    ]
    return document


# A unit's communes


def commune_status(row) -> str:
    if not row.summary:
        return _("Chưa đánh giá")
    if row.status == "met":
        return rollup.status_label(row.rollup_summary) or _("Đạt chuẩn")
    return _("Chưa đạt chuẩn")


def communes_table(rows) -> Table:
    table = Table(
        headers=[_("STT"), _("Xã"), _("Ngày đánh giá"), _("Tiêu chí đạt"), _("Chỉ tiêu đạt"), _("Tình trạng")],
        widths=[0.08, 0.26, 0.17, 0.13, 0.13, 0.23],
        label="communes",
    )
    for index, row in enumerate(rows, 1):
        s = row.summary
        if s:
            criteria = f"{s['criteria_met']}/{s['criteria_total']}"
            indicators = f"{s['indicators_met']}/{s['indicators_total']}"
            as_of = s["as_of"].strftime("%d/%m/%Y")
        else:
            criteria = indicators = as_of = "—"
        table.rows.append(TableRow([str(index), row.commune.name, as_of, criteria, indicators, commune_status(row)]))
    return table


def holdbacks_table(holdbacks) -> Table:
    """The criteria that hold communes back, most failed first (dashboards.figures.holdbacks), failing ones only."""
    table = Table(
        headers=[_("STT"), _("Tiêu chí"), _("Số xã chưa đạt"), _("Tỷ lệ")],
        widths=[0.08, 0.56, 0.18, 0.18],
        label="holdbacks",
    )
    for index, item in enumerate([h for h in holdbacks if h.failing], 1):
        name = _("Tiêu chí số %(number)s: %(name)s") % {"number": item.key, "name": item.name}
        share = f"{numbers.one_decimal(item.share * 100)}%"
        table.rows.append(TableRow([str(index), name, numbers.grouped(item.failing), share]))
    return table


def unit_document(area, board, holdbacks, frame: Frame, day: datetime.date) -> Document:
    """`board`: dashboards.data.dashboard_for of the area; `holdbacks`: figures.holdbacks' criteria."""
    criteria_set, headline, as_of = board.criteria_set, board.headline, board.query["as_of"]
    values = {
        "set": criteria_set.name,
        "unit": in_sentence(area.name),
        "date": as_of.strftime("%d/%m/%Y"),
        "communes": numbers.grouped(headline.communes),
        "assessed": numbers.grouped(headline.assessed),
        "reaching": numbers.grouped(headline.reaching),
        "total": criteria_set_total(board),
        "average": numbers.one_decimal(headline.average) if headline.average is not None else "—",
    }
    subject = _("Kết quả thực hiện %(set)s trên địa bàn %(unit)s (số liệu đến ngày %(date)s)") % values
    sentence = (
        _(
            "Tính đến ngày %(date)s, %(unit)s có %(communes)s xã thực hiện %(set)s; %(assessed)s xã đã có kết quả "
            "đánh giá được thẩm định, trong đó %(reaching)s xã đạt đủ %(total)s tiêu chí; bình quân đạt %(average)s "
            "tiêu chí/xã."
        )
        % values
    )
    if board.set_note:
        sentence = f"{sentence[:-1]} ({board.set_note})."
    document = Document(frame, day, subject, sentence)
    opening = _(
        "Ban Chỉ đạo các Chương trình mục tiêu quốc gia %(unit)s báo cáo kết quả thực hiện %(set)s "
        "trên địa bàn như sau:"
    ) % {"set": criteria_set.name, "unit": in_sentence(area.name)}
    failing = holdbacks_table(holdbacks)
    none_failing = [] if failing.rows else [_("Không có tiêu chí nào có xã chưa đạt.")]
    document.sections = [
        Section("", [opening]),
        Section(_("I. KẾT QUẢ CHUNG"), [sentence]),
        Section(
            _("II. KẾT QUẢ CỦA TỪNG XÃ"),
            [_("Theo kết quả đánh giá đã được thẩm định mới nhất của mỗi xã:")],
            communes_table(board.all_rows),
        ),
        Section(_("III. CÁC TIÊU CHÍ CÒN NHIỀU XÃ CHƯA ĐẠT"), none_failing, failing if failing.rows else None),
    ]
    return document


def criteria_set_total(board) -> str:
    totals = {row.summary["criteria_total"] for row in board.all_rows if row.summary}
    return "/".join(str(t) for t in sorted(totals)) or "—"
