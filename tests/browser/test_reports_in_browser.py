"""The official report (Nghị định 30) in Chromium, on the Can Lộc demo: the district reviewer opens the
report form from huyện Can Lộc's dashboard, fills it and downloads the PDF; the commune officer makes
the .docx of an assessment, and the form offers what was kept the next time; the form in English.
Screenshots: tests/screenshots/report-*.png; the PDF's first page, when pdftoppm is installed, too."""

import io
import re
import shutil
import subprocess

import pytest
from django.contrib.auth import get_user_model
from docx import Document as read_docx
from playwright.sync_api import expect
from pypdf import PdfReader

from assessments.models import Assessment, Status
from reports.models import ReportSettings
from tests.browser.conftest import SCREENSHOTS, log_in, shoot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DASHBOARD = "/units/pre2025/443/dashboard/"


def user(username):
    return get_user_model().objects.get(username=username)


def assert_clean(watch):
    assert watch.console_errors == []
    assert watch.failed_static == []


def first_page_png(content: bytes, name: str) -> None:
    """Render the PDF's first page next to the screenshots, for a human to look at the layout."""
    if shutil.which("pdftoppm") is None:
        return
    SCREENSHOTS.mkdir(exist_ok=True)
    source = SCREENSHOTS / f"{name}.pdf"
    source.write_bytes(content)
    subprocess.run(
        ["pdftoppm", "-r", "80", "-png", "-singlefile", "-f", "1", "-l", "1", str(source), str(SCREENSHOTS / name)],
        check=True,
    )
    source.unlink()


def test_the_district_committee_downloads_its_report_as_pdf(demo, context, live_server, page, watch):
    log_in(context, live_server, user("thamdinh.huyen"))
    page.goto(DASHBOARD)
    page.get_by_test_id("report-link").click()
    expect(page).to_have_url(re.compile(r"/units/pre2025/443/report/"))
    expect(page.get_by_label("Cơ quan, tổ chức chủ quản")).to_have_value("ỦY BAN NHÂN DÂN HUYỆN CAN LỘC")
    expect(page.get_by_label("Cơ quan, tổ chức ban hành")).to_have_value("BAN CHỈ ĐẠO CÁC CHƯƠNG TRÌNH MTQG")
    expect(page.get_by_label("Địa danh")).to_have_value("Can Lộc")
    page.get_by_label("Số văn bản").fill("125")
    page.get_by_label("Họ tên người ký").fill("Nguyễn Văn Ánh")
    page.get_by_label("PDF").check()
    shoot(page, "report-unit-form")
    with page.expect_download() as info:
        page.get_by_test_id("report-submit").click()
    download = info.value
    assert download.suggested_filename.startswith("bao-cao-pre2025-443-") and download.suggested_filename.endswith(
        ".pdf"
    )
    content = open(download.path(), "rb").read()
    assert content.startswith(b"%PDF")
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(content)).pages)
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Số: 125/BC-BCĐ",
        "Can Lộc, ngày",
        "Xã Kim Song Trường",
        "CÁC TIÊU CHÍ CÒN NHIỀU XÃ CHƯA ĐẠT",
        "TRƯỞNG BAN",
        "Nguyễn Văn Ánh",
    ):
        assert expected in text, expected
    first_page_png(content, "report-unit-pdf-page1")
    assert ReportSettings.objects.get(unit__era="pre2025", unit__code="443").number == "125"
    assert_clean(watch)


def test_the_commune_officer_makes_the_docx_and_finds_the_fields_kept(demo, context, live_server, page, watch):
    officer = user("canbo.xa")
    assessment = (
        Assessment.objects.filter(commune__name="Xã Kim Song Trường", status=Status.APPROVED).order_by("-as_of").first()
    )
    log_in(context, live_server, officer)
    page.goto(f"/assessments/{assessment.pk}/")
    page.get_by_test_id("report-link").click()
    expect(page.get_by_label("Cơ quan, tổ chức ban hành")).to_have_value("ỦY BAN NHÂN DÂN XÃ KIM SONG TRƯỜNG")
    expect(page.get_by_test_id("report-scope")).to_contain_text("30/06/2025")
    page.get_by_label("Họ tên người ký").fill("Trần Thị Bình")
    page.get_by_label("Nơi nhận").fill("Ban Chỉ đạo các CTMTQG huyện Can Lộc (b/c)\nLưu: VT")
    shoot(page, "report-commune-form")
    with page.expect_download() as info:
        page.get_by_test_id("report-submit").click()
    doc = read_docx(info.value.path())
    header = [p.text for p in doc.tables[0].rows[0].cells[1].paragraphs if p.text]
    assert header[:2] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    assert any("xã Kim Song Trường đạt 19/19 tiêu chí" in p.text for p in doc.paragraphs)
    signature = [p.text for p in doc.tables[-1].rows[0].cells[1].paragraphs if p.text]
    assert signature[-1] == "Trần Thị Bình"
    # Next time the form is filled with what was kept.
    page.reload()
    expect(page.get_by_label("Họ tên người ký")).to_have_value("Trần Thị Bình")
    shoot(page, "report-commune-form-kept")
    assert_clean(watch)


def test_the_report_form_in_english(demo, context, live_server, page, watch):
    log_in(context, live_server, user("thamdinh.huyen"))
    page.goto("/units/pre2025/443/report/")
    page.get_by_test_id("language-form").locator("button[value=en]").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_contain_text("New rural development report — Huyện Can Lộc")
    expect(page.get_by_label("Signer’s name")).to_be_visible()
    expect(page.get_by_test_id("report-submit")).to_have_text("Make the report")
    shoot(page, "report-unit-form-en")
    assert_clean(watch)
