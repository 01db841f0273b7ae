"""Evidence files: the type is read from the content, never the name; size and type limits come from
settings; files live under MEDIA_ROOT/evidence/YYYY/MM/ with a generated name; only the commune's
staff add or remove them, while the assessment is a draft or returned."""

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assessments import services
from assessments.models import EvidenceFile, IndicatorResult
from tests.factories import make_draft, make_flow_set, make_submitted
from tests.helpers import EXE, GIF, JPEG, PDF, PNG, WEBP, odf, ole, ooxml, upload, zipped

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

BASE = "/api/v1"


@pytest.fixture
def draft(tree, cast):
    return make_draft(cast, make_flow_set(cast.department), tree.a)


@pytest.fixture
def result(draft):
    return IndicatorResult.objects.get(assessment=draft, indicator__code="1.1")


def add(result, name, content, by):
    return services.evidence_file_add(result=result, upload=upload(name, content), by=by)


def refusal(result, name, content, by):
    with pytest.raises(ValidationError) as exc_info:
        add(result, name, content, by)
    return exc_info.value


ACCEPTED = [
    ("bien-ban.pdf", PDF, "application/pdf", "pdf"),
    ("anh.png", PNG, "image/png", "png"),
    ("anh.jpg", JPEG, "image/jpeg", "jpg"),
    ("anh.gif", GIF, "image/gif", "gif"),
    ("anh.webp", WEBP, "image/webp", "webp"),
    ("bao-cao.docx", ooxml("word"), "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    ("so-lieu.xlsx", ooxml("xl"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    (
        "trinh-chieu.pptx",
        ooxml("ppt"),
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "pptx",
    ),
    ("bao-cao.doc", ole("WordDocument"), "application/msword", "doc"),
    ("so-lieu.xls", ole("Workbook"), "application/vnd.ms-excel", "xls"),
    ("bao-cao.odt", odf("application/vnd.oasis.opendocument.text"), "application/vnd.oasis.opendocument.text", "odt"),
    (
        "so-lieu.ods",
        odf("application/vnd.oasis.opendocument.spreadsheet"),
        "application/vnd.oasis.opendocument.spreadsheet",
        "ods",
    ),
]


@pytest.mark.parametrize(("name", "content", "content_type", "extension"), ACCEPTED, ids=[a[0] for a in ACCEPTED])
def test_allowed_types_are_stored_with_the_type_read_from_their_content(
    result, cast, media, name, content, content_type, extension
):
    evidence = add(result, name, content, cast.staff)
    assert (evidence.original_name, evidence.content_type, evidence.size) == (name, content_type, len(content))
    today = datetime.date.today()
    assert re.fullmatch(rf"evidence/{today:%Y/%m}/[0-9a-f]{{32}}\.{extension}", evidence.file.name)
    assert (media / evidence.file.name).read_bytes() == content
    assert evidence.uploaded_by == cast.staff and evidence.result == result


def test_the_type_follows_the_content_not_the_name(result, cast):
    evidence = add(result, "anh-chup.pdf", PNG, cast.staff)
    assert evidence.content_type == "image/png" and evidence.file.name.endswith(".png")


def test_a_program_renamed_pdf_is_refused_with_a_clear_message(result, cast, media):
    error = refusal(result, "bien-ban.pdf", EXE, cast.staff)
    assert error.code == "file_type"
    assert error.messages == [
        "Tệp “bien-ban.pdf” không thuộc loại được nhận (PDF, PNG, JPG, WEBP, GIF, DOCX, XLSX, PPTX, DOC, XLS, PPT, "
        "ODT, ODS, ODP). Loại tệp được xác định theo nội dung, không theo phần mở rộng của tên tệp."
    ]
    assert not EvidenceFile.objects.exists() and not list(media.rglob("*.*"))


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("trang.pdf", b"<html><script>alert(1)</script></html>"),
        ("nen.docx", zipped({"readme.txt": b"x"})),
        (
            "macro.docx",
            zipped({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<x/>", "word/vbaProject.bin": b"x"}),
        ),
        ("macro.xls", ole("Workbook", "_VBA_PROJECT_CUR")),
        ("cai-dat.doc", ole("SummaryInformation")),  # an installer (.msi) is an OLE file too
        ("hong.xlsx", b"PK\x03\x04 not really a zip"),
        ("macro.odt", zipped({"mimetype": b"application/vnd.oasis.opendocument.text", "Basic/Standard/m.xml": b"x"})),
    ],
    ids=["html", "plain-zip", "docm", "xls-macros", "msi", "broken-zip", "odt-macros"],
)
def test_files_of_other_kinds_are_refused(result, cast, name, content):
    assert refusal(result, name, content, cast.staff).code == "file_type"
    assert not EvidenceFile.objects.exists()


def test_an_empty_file_is_refused(result, cast):
    error = refusal(result, "trong.pdf", b"", cast.staff)
    assert error.code == "empty" and error.messages == ["Tệp “trong.pdf” rỗng."]


def test_a_file_over_the_size_limit_is_refused(result, cast, settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    error = refusal(result, "lon.pdf", PDF + b"0" * 1024, cast.staff)
    assert error.code == "too_large" and error.messages == ["Tệp “lon.pdf” lớn hơn giới hạn 1,0\xa0KB."]
    assert add(result, "vua.pdf", PDF + b"0" * (1024 - len(PDF)), cast.staff).size == 1024


def test_the_allowed_types_come_from_settings(result, cast, settings):
    settings.EVIDENCE_ALLOWED_TYPES = ["pdf"]
    error = refusal(result, "anh.png", PNG, cast.staff)
    assert "(PDF)" in error.messages[0]
    assert add(result, "a.pdf", PDF, cast.staff).content_type == "application/pdf"


def test_the_uploaders_name_is_kept_for_display_without_folders(result, cast):
    evidence = add(result, "C:\\Users\\xa\\..\\bien\x00 ban.pdf", PDF, cast.staff)
    assert evidence.original_name == "bien ban.pdf"
    assert "xa" not in evidence.file.name and ".." not in evidence.file.name


def test_removing_evidence_deletes_the_row_and_then_the_file(result, cast, media, django_capture_on_commit_callbacks):
    evidence = add(result, "a.pdf", PDF, cast.staff)
    path = media / evidence.file.name
    with django_capture_on_commit_callbacks(execute=True):
        services.evidence_file_remove(evidence=evidence, by=cast.staff)
    assert not EvidenceFile.objects.exists() and not path.exists()


@pytest.mark.parametrize("who", ["reviewer", "officer", "viewer", "admin", "outsider", "superuser"])
def test_only_commune_staff_add_evidence(result, cast, who):
    with pytest.raises(PermissionDenied):
        add(result, "a.pdf", PDF, getattr(cast, who))


def test_only_commune_staff_remove_evidence(result, cast):
    evidence = add(result, "a.pdf", PDF, cast.staff)
    with pytest.raises(PermissionDenied):
        services.evidence_file_remove(evidence=evidence, by=cast.reviewer)
    assert EvidenceFile.objects.exists()


def test_evidence_of_a_submitted_assessment_cannot_change(tree, cast):
    submitted = make_submitted(cast, make_flow_set(cast.department), tree.a)
    result = IndicatorResult.objects.get(assessment=submitted, indicator__code="1.1")
    assert refusal(result, "a.pdf", PDF, cast.staff).code == "not_editable"


# Through the API


def post_file(client, assessment, code, name, content):
    return client.post(f"{BASE}/assessments/{assessment.pk}/results/{code}/evidence/", {"file": upload(name, content)})


def test_the_api_takes_a_multipart_upload(client, draft, cast):
    client.force_login(cast.staff)
    response = post_file(client, draft, "2.1", "bien-ban.pdf", PDF)
    assert response.status_code == 201
    body = response.json()
    evidence = EvidenceFile.objects.get()
    assert body == {
        "id": evidence.pk,
        "name": "bien-ban.pdf",
        "content_type": "application/pdf",
        "size": len(PDF),
        "uploaded_by": {"username": "canbo.xa-a", "name": "canbo.xa-a"},
        "uploaded_at": body["uploaded_at"],
        "url": f"http://testserver{BASE}/assessments/{draft.pk}/evidence/{evidence.pk}/",
    }


def test_the_api_refuses_a_renamed_program_with_400(client, draft, cast):
    client.force_login(cast.staff)
    response = post_file(client, draft, "2.1", "bien-ban.pdf", EXE)
    assert response.status_code == 400
    assert response.json()["code"] == "file_type" and "theo nội dung" in response.json()["detail"]
    assert response.json()["params"]["name"] == "bien-ban.pdf"


def test_the_api_refuses_an_oversize_file_with_400(client, draft, cast, settings):
    settings.EVIDENCE_MAX_BYTES = 10
    client.force_login(cast.staff)
    response = post_file(client, draft, "2.1", "bien-ban.pdf", PDF)
    assert response.status_code == 400 and response.json()["code"] == "too_large"


def test_the_api_needs_a_file(client, draft, cast):
    client.force_login(cast.staff)
    response = client.post(f"{BASE}/assessments/{draft.pk}/results/2.1/evidence/", {})
    assert response.status_code == 400 and "file" in response.json()


def test_an_unknown_indicator_is_a_404(client, draft, cast):
    client.force_login(cast.staff)
    response = post_file(client, draft, "9.9", "a.pdf", PDF)
    assert response.status_code == 404 and response.json() == {"detail": "Đánh giá không có chỉ tiêu “9.9”."}


def test_the_api_serves_the_file_as_an_attachment_under_its_original_name(client, draft, cast):
    result = IndicatorResult.objects.get(assessment=draft, indicator__code="1.1")
    evidence = add(result, "Biên bản.pdf", PDF, cast.staff)
    client.force_login(cast.viewer)
    response = client.get(f"{BASE}/assessments/{draft.pk}/evidence/{evidence.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and "Bi%C3%AAn%20b%E1%BA%A3n.pdf" in disposition


def test_the_api_removes_evidence(client, draft, cast, django_capture_on_commit_callbacks):
    evidence = add(IndicatorResult.objects.get(assessment=draft, indicator__code="1.1"), "a.pdf", PDF, cast.staff)
    client.force_login(cast.staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.delete(f"{BASE}/assessments/{draft.pk}/evidence/{evidence.pk}/")
    assert response.status_code == 204 and not EvidenceFile.objects.exists()
