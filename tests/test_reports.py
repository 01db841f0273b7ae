"""The official report (Nghị định 30/2020/NĐ-CP): a commune's from one assessment and a unit's from its
communes, as .docx and PDF; the office's fields kept per unit; scope; the background job of a large unit;
a query count that does not grow with the number of communes.

The cast (tests/factories.py) on `tree`: xã A and xã B of huyện H, set S (criteria 1 {1.1, 1.2},
2 {2.1 numeric ≥70%, 2.2}, 3 {3}); xã A approved with 1.2 failed (2/3 criteria, 4/5 indicators).
"""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document as read_docx
from pypdf import PdfReader

from assessments.models import Assessment, Status
from jobs.models import Job
from reports import content, pdf
from reports.models import ReportSettings
from tests import factories
from tests.factories import make_approved, make_cast, make_flow_set

pytestmark = pytest.mark.django_db

FIELDS = {
    "governing_body": "",
    "issuing_body": "ỦY BAN NHÂN DÂN XÃ THIÊN LỘC",
    "number": "12",
    "sign": "BC-UBND",
    "place": "Thiên Lộc",
    "signer_authority": "TM. ỦY BAN NHÂN DÂN",
    "signer_title": "CHỦ TỊCH",
    "signer_name": "Nguyễn Văn Ánh",
    "recipients": "BCĐ các CTMTQG huyện Can Lộc (b/c)\nLưu: VT",
    "report_date": "2026-12-04",
    "file_format": "docx",
}


@pytest.fixture
def world(tree):
    cast = make_cast(tree)
    cs = make_flow_set()
    approved = make_approved(cast, cs, tree.a)
    return type("World", (), dict(cast=cast, cs=cs, t=tree, approved=approved))


def commune_url(assessment):
    return reverse("reports:commune", args=[assessment.pk])


def unit_url(unit, **query):
    path = reverse("reports:unit", kwargs={"era": unit.era, "code": unit.code})
    return path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def docx_of(response):
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    return read_docx(io.BytesIO(response.content))


def cell_text(cell) -> list[str]:
    return [p.text for p in cell.paragraphs if p.text]


def body_text(doc) -> list[str]:
    return [p.text for p in doc.paragraphs if p.text]


def test_the_commune_report_is_a_docx_in_the_official_layout(client, world):
    client.force_login(world.cast.reviewer)
    doc = docx_of(client.post(commune_url(world.approved), FIELDS))
    section = doc.sections[0]
    # A4; margins top and bottom 20 mm, left 30 mm, right 15 mm (Word stores twentieths of a point).
    assert [round(length.mm) for length in (section.page_width, section.page_height)] == [210, 297]
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(length.mm) for length in margins] == [20, 20, 30, 15]
    assert doc.styles["Normal"].font.name == "Times New Roman"
    # Page numbers: a PAGE field centred in the header, none on the first page.
    assert section.different_first_page_header_footer
    assert "PAGE" in section.header._element.xml and section.first_page_header.paragraphs[0].text == ""

    header = doc.tables[0].rows[0].cells
    assert cell_text(header[0]) == ["ỦY BAN NHÂN DÂN XÃ THIÊN LỘC", "Số: 12/BC-UBND"]
    assert header[0].paragraphs[0].runs[0].bold
    assert cell_text(header[1]) == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Thiên Lộc, ngày 04 tháng 12 năm 2026",
    ]
    quoc_hieu, tieu_ngu, *_rest, place = [p for p in header[1].paragraphs]
    assert quoc_hieu.runs[0].bold and tieu_ngu.runs[0].bold and place.runs[0].italic

    text = body_text(doc)
    assert text[0] == "BÁO CÁO"
    assert text[1] == f"Kết quả tự đánh giá thực hiện {world.cs.name} của xã A (số liệu đến ngày 30/06/2024)"
    world.approved.refresh_from_db()
    sentence = world.approved.sentence("vi")
    assert sentence.startswith("đạt 2/3 tiêu chí, 4/5 chỉ tiêu") and "quy hoạch (chỉ tiêu 1.2)" in sentence
    assert f"Tính đến ngày 30/06/2024, xã A {sentence}" in text

    criteria = doc.tables[1]
    rows = [[c.text for c in row.cells] for row in criteria.rows]
    assert rows[0] == ["STT", "Tiêu chí, chỉ tiêu", "Chỉ tiêu, ngưỡng cần đạt", "Kết quả thực hiện", "Tự đánh giá"]
    assert ["1", "Tiêu chí số 1: Quy hoạch", "", "", "Chưa đạt"] in rows
    assert ["2", "Tiêu chí số 2: Giao thông", "", "", "Đạt"] in rows
    row_21 = next(row for row in rows if row[0] == "2.1")
    assert row_21[2:] == ["≥70%", "75%", "Đạt"]
    assert next(row for row in rows if row[0] == "1.2")[3:] == ["Chưa", "Chưa đạt"]
    assert len(rows) == 1 + 3 + 5

    closing = doc.tables[2].rows[0].cells
    assert cell_text(closing[0]) == ["Nơi nhận:", "- BCĐ các CTMTQG huyện Can Lộc (b/c);", "- Lưu: VT."]
    heading = closing[0].paragraphs[0].runs[0]
    assert heading.bold and heading.italic
    assert cell_text(closing[1]) == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "(Ký, ghi rõ họ tên)", "Nguyễn Văn Ánh"]
    assert closing[1].paragraphs[-1].runs[0].bold


def test_the_commune_report_as_pdf_carries_the_same_text(client, world):
    client.force_login(world.cast.reviewer)
    response = client.post(commune_url(world.approved), FIELDS | {"file_format": "pdf"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert 'filename="bao-cao-pre2025-18436-20261204.pdf"' in response["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 12/BC-UBND",
        "Thiên Lộc, ngày 04 tháng 12 năm 2026",
        "BÁO CÁO",
        "đạt 2/3 tiêu chí, 4/5 chỉ tiêu",
        "Tiêu chí số 2: Giao thông",
        "Nơi nhận:",
        "Nguyễn Văn Ánh",
        "(Ký, ghi rõ họ tên)",
    ):
        assert expected in text, expected


def test_a_long_pdf_numbers_its_pages_from_the_second_at_the_top():
    frame = content.frame_from(FIELDS)
    table = content.Table(headers=["STT", "Xã", "a", "b", "c", "d"], widths=[0.1, 0.3, 0.15, 0.15, 0.15, 0.15])
    table.rows = [
        content.TableRow([str(i), f"Xã số {i}", "30/06/2024", "19/19", "57/57", "Đạt chuẩn"]) for i in range(120)
    ]
    document = content.Document(frame, datetime.date(2026, 2, 1), "Kết quả", "đạt", [content.Section("I.", [], table)])
    reader = PdfReader(io.BytesIO(pdf.pdf_bytes(document)))
    assert len(reader.pages) >= 3
    first, second, third = (page.extract_text().splitlines() for page in reader.pages[:3])
    assert first[0] != "1"
    assert second[0].strip() == "2" and third[0].strip() == "3"
    # Days below 10 and months below 3 take a leading zero.
    assert "Thiên Lộc, ngày 01 tháng 02 năm 2026" in " ".join(first)


def test_the_form_offers_defaults_first_then_what_the_unit_kept(client, world):
    client.force_login(world.cast.staff)
    page = client.get(commune_url(world.approved))
    assert page.status_code == 200
    assert 'value="ỦY BAN NHÂN DÂN XÃ A"' in page.text and 'value="A"' in page.text  # place: the name less "Xã"
    client.post(commune_url(world.approved), FIELDS)
    kept = ReportSettings.objects.get(unit=world.t.a)
    assert (kept.signer_name, kept.number, kept.updated_by) == ("Nguyễn Văn Ánh", "12", world.cast.staff)
    # Next time (another user of the commune's scope): the form is filled with what was kept.
    client.force_login(world.cast.reviewer)
    page = client.get(commune_url(world.approved))
    assert 'value="Nguyễn Văn Ánh"' in page.text and 'value="ỦY BAN NHÂN DÂN XÃ THIÊN LỘC"' in page.text
    client.post(commune_url(world.approved), FIELDS | {"number": "13"})
    assert ReportSettings.objects.filter(unit=world.t.a).count() == 1
    assert ReportSettings.objects.get(unit=world.t.a).number == "13"


def test_a_form_with_a_missing_field_is_shown_again(client, world):
    client.force_login(world.cast.reviewer)
    response = client.post(commune_url(world.approved), FIELDS | {"signer_name": ""})
    assert response.status_code == 400 and 'data-testid="report-form"' in response.text
    assert not ReportSettings.objects.exists()


def test_reports_outside_the_scope_are_not_found(client, world):
    client.force_login(world.cast.outsider)  # a reviewer of huyện H2
    assert client.get(commune_url(world.approved)).status_code == 404
    assert client.post(commune_url(world.approved), FIELDS).status_code == 404
    assert client.get(unit_url(world.t.h)).status_code == 404
    assert client.post(unit_url(world.t.h), FIELDS).status_code == 404
    assert client.get(unit_url(world.t.p)).status_code == 404
    assert not ReportSettings.objects.exists()
    client.force_login(world.cast.reviewer)
    assert client.get(unit_url(world.t.a)).status_code == 404  # a commune's report is made from an assessment
    client.logout()
    assert client.get(commune_url(world.approved)).status_code == 302


def test_the_unit_report_lists_the_communes_and_what_holds_them_back(client, world):
    client.force_login(world.cast.reviewer)
    page = client.get(unit_url(world.t.h))
    assert page.status_code == 200 and 'value="BAN CHỈ ĐẠO CÁC CHƯƠNG TRÌNH MTQG"' in page.text
    assert 'value="ỦY BAN NHÂN DÂN HUYỆN H"' in page.text
    fields = FIELDS | {
        "governing_body": "ỦY BAN NHÂN DÂN HUYỆN H",
        "issuing_body": "BAN CHỈ ĐẠO CÁC CHƯƠNG TRÌNH MTQG",
        "sign": "BC-BCĐ",
        "signer_authority": "",
        "signer_title": "TRƯỞNG BAN",
        "place": "H",
    }
    doc = docx_of(client.post(unit_url(world.t.h), fields))
    header = doc.tables[0].rows[0].cells
    assert cell_text(header[0]) == ["ỦY BAN NHÂN DÂN HUYỆN H", "BAN CHỈ ĐẠO CÁC CHƯƠNG TRÌNH MTQG", "Số: 12/BC-BCĐ"]
    assert not header[0].paragraphs[0].runs[0].bold and header[0].paragraphs[1].runs[0].bold
    text = body_text(doc)
    headline = "huyện H có 2 xã thực hiện"
    assessed = (
        "1 xã đã có kết quả đánh giá được thẩm định, trong đó 0 xã đạt đủ 3 tiêu chí; bình quân đạt 2,0 tiêu chí/xã"
    )
    assert any(line.startswith("Tính đến ngày") and headline in line and assessed in line for line in text)
    communes = [[c.text for c in row.cells] for row in doc.tables[1].rows]
    assert communes[0] == ["STT", "Xã", "Ngày đánh giá", "Tiêu chí đạt", "Chỉ tiêu đạt", "Tình trạng"]
    assert communes[1:] == [
        ["1", "Xã A", "30/06/2024", "2/3", "4/5", "Chưa đạt chuẩn"],
        ["2", "Xã B", "—", "—", "—", "Chưa đánh giá"],
    ]
    holdbacks = [[c.text for c in row.cells] for row in doc.tables[2].rows]
    assert holdbacks[1:] == [["1", "Tiêu chí số 1: Quy hoạch", "1", "100,0%"]]
    assert cell_text(doc.tables[3].rows[0].cells[1]) == ["TRƯỞNG BAN", "(Ký, ghi rõ họ tên)", "Nguyễn Văn Ánh"]
    assert ReportSettings.objects.get(unit=world.t.h).sign == "BC-BCĐ"


def test_a_large_unit_report_is_built_as_a_background_job(
    client, world, settings, media, django_capture_on_commit_callbacks
):
    settings.NTM_REPORT_JOB_MIN_COMMUNES = 1  # huyện H has 2 communes
    client.force_login(world.cast.reviewer)
    assert 'data-testid="report-background"' in client.get(unit_url(world.t.h)).text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(unit_url(world.t.h), FIELDS | {"file_format": "pdf"})
    job = Job.objects.get(kind="unit_report")
    assert response.status_code == 302 and response["Location"] == reverse("jobs:detail", args=[job.pk])
    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    assert job.created_by == world.cast.reviewer and job.params["frame"]["signer_name"] == "Nguyễn Văn Ánh"
    assert job.result_file.name.endswith(".pdf")
    with job.result_file.open("rb") as handle:
        text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages)
    assert "Xã A" in text and "Nguyễn Văn Ánh" in text
    page = client.get(reverse("jobs:detail", args=[job.pk]))
    assert 'data-testid="report-summary"' in page.text and "Huyện H" in page.text
    # The job's owner only: another reviewer gets a 404 for the job and its file.
    client.force_login(world.cast.province_reviewer)
    assert client.get(reverse("jobs:file", args=[job.pk])).status_code == 404


def _district(province, n: int, cs):
    district = factories.make_unit(parent=province, code=f"9{n:02d}", name=f"Huyện {n}")
    for i in range(n):
        commune = factories.make_unit(parent=district, code=f"9{n:02d}{i:03d}", name=f"Xã {n}-{i}")
        assessment = Assessment(
            commune=commune,
            criteria_set=cs,
            as_of=datetime.date(2024, 6, 30),
            status=Status.APPROVED,
            criteria_met=2,
            criteria_total=3,
            indicators_met=4,
            indicators_total=5,
            unmet=[{"number": 1, "name": "Quy hoạch", "codes": ["1.2"], "single": False, "total": 2}],
        )
        assessment.save()
    return district


def test_the_unit_report_reads_a_fixed_number_of_queries(client, world):
    client.force_login(world.cast.superuser)
    counts = []
    for n in (3, 30):
        district = _district(world.t.p, n, world.cs)
        with CaptureQueriesContext(connection) as queries:
            response = client.post(unit_url(district), FIELDS)
        assert response.status_code == 200
        assert len(read_docx(io.BytesIO(response.content)).tables[1].rows) == n + 1
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_pages_link_to_the_reports(client, world):
    client.force_login(world.cast.reviewer)
    page = client.get(reverse("web:assessment", args=[world.approved.pk]))
    assert f'href="{commune_url(world.approved)}"' in page.text
    dashboard = client.get(reverse("dashboards:unit", kwargs={"era": "pre2025", "code": "443"}))
    assert f'href="{unit_url(world.t.h)}?' in dashboard.text


def test_in_english_the_form_and_the_document_are_english(client, world, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(world.cast.reviewer)
    page = client.get(commune_url(world.approved))
    assert "Make the report" in page.text and "signer’s name" in page.text.lower()
    doc = docx_of(client.post(commune_url(world.approved), FIELDS))
    header = doc.tables[0].rows[0].cells
    assert cell_text(header[0])[-1] == "No.: 12/BC-UBND"
    assert cell_text(header[1]) == [
        "SOCIALIST REPUBLIC OF VIETNAM",
        "Independence - Freedom - Happiness",
        "Thiên Lộc, 04/12/2026",
    ]
    text = body_text(doc)
    assert text[0] == "REPORT" and "I. OVERALL RESULT" in text
    assert [c.text for c in doc.tables[1].rows[0].cells] == [
        "No.",
        "Criterion, indicator",
        "Target",
        "Result",
        "Self-assessment",
    ]
    assert cell_text(doc.tables[2].rows[0].cells[0])[0] == "Recipients:"


def _assessment_with(tree, n: int):
    """A draft assessment of xã A on a set of n criteria with two indicators each, every result entered."""
    from assessments.models import IndicatorResult
    from criteria.models import Indicator

    cs = factories.make_set(criteria=[(i, f"Tiêu chí {i}", [f"{i}.1", f"{i}.2"]) for i in range(1, n + 1)])
    assessment = Assessment.objects.create(commune=tree.a, criteria_set=cs, as_of=datetime.date(2024, 6, 30))
    IndicatorResult.objects.bulk_create(
        IndicatorResult(assessment=assessment, indicator=indicator, met=True)
        for indicator in Indicator.objects.filter(criterion__criteria_set=cs)
    )
    return assessment


def test_the_commune_report_reads_a_fixed_number_of_queries(client, world):
    client.force_login(world.cast.reviewer)
    counts = []
    for n in (2, 12):
        assessment = _assessment_with(world.t, n)
        ReportSettings.objects.all().delete()
        with CaptureQueriesContext(connection) as queries:
            response = client.post(commune_url(assessment), FIELDS)
        assert len(docx_of(response).tables[1].rows) == 1 + 3 * n
        counts.append(len(queries))
    assert counts[0] == counts[1]
