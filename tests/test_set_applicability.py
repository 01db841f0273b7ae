"""One rule for which criteria set applies to which commune and date (criteria.applicability), obeyed
by the create service and so by the entry page, the API, export_template and import_assessments
(command and web upload); and the approve confirmation, obeyed by the page and the API alike."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import Membership, Role
from assessments import services
from assessments.models import Assessment, Status, VerificationState
from communes.models import Era, Level, Region
from tests import factories
from tests.factories import make_cast, make_flow_set, make_submitted
from tests.helpers import fill, only_job, sheet_of, upload_workbook
from workbooks import layout as L
from workbooks import services as workbooks

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

D = datetime.date(2024, 6, 30)
# Every indicator of make_flow_set, as typed in the workbook (2.1 is a percentage).
FILLED = {"1.1": ("Đạt", None), "1.2": ("Đạt", None), "2.1": (75, None), "2.2": ("Đạt", None), "3": ("Đạt", None)}
JSON = "application/json"


@pytest.fixture
def world(tree):
    cast = make_cast(tree)
    ha_nam = factories.make_unit(code="35", name="Tỉnh Hà Nam", region=Region.DBSH)
    x = factories.make_unit(parent=factories.make_unit(parent=ha_nam, code="347"), code="13300", name="Xã X")
    ninh_binh = factories.make_unit(code="37", name="Tỉnh Ninh Bình mới", era=Era.CURRENT)
    y = factories.make_unit(parent=ninh_binh, code="13301", name="Xã Y", level=Level.COMMUNE)
    return type(
        "World",
        (),
        dict(
            cast=cast,
            x=x,
            y=y,
            staff_x=factories.make_user("canbo.xa-x", unit=x, role=Role.COMMUNE_STAFF),
            # A pre-2025 provincial set of province P (code 42), where xã A is.
            ht=make_flow_set(
                cast.department,
                code="tinh-p-ntm-2022-2025",
                name="Bộ tiêu chí tỉnh P",
                province=tree.p,
                period_start=2022,
                period_end=2025,
            ),
            nat=make_flow_set(
                cast.department,
                code="xa-ntm-2021-2025",
                name="Bộ tiêu chí xã NTM 2021-2025",
                period_start=2021,
                period_end=2025,
            ),
            open_ended=make_flow_set(cast.department, code="khong-giai-doan", name="Bộ không ghi giai đoạn"),
            later=make_flow_set(cast.department, code="xa-ntm-2026-2030", period_start=2026, period_end=2030),
        ),
    )


def _refused(code, **kw):
    with pytest.raises(ValidationError) as caught:
        services.assessment_create(**kw)
    assert caught.value.error_list[0].code == code
    assert not Assessment.objects.exists()
    return " ".join(caught.value.messages)


# The rule, in the service


def test_a_provincial_set_is_refused_for_a_commune_of_another_province(tree, world):
    message = _refused("set_other_province", commune=world.x, criteria_set=world.ht, as_of=D)
    assert message == "Bộ tiêu chí “Bộ tiêu chí tỉnh P” là bộ của Tỉnh P, không áp dụng cho Xã X."
    assert services.assessment_create(commune=tree.a, criteria_set=world.ht, as_of=D).pk


def test_a_provincial_set_follows_lineage_to_the_communes_formed_in_2025(tree, world):
    late_2025 = datetime.date(2025, 10, 1)
    _refused("set_other_province", commune=world.y, criteria_set=world.ht, as_of=late_2025)
    assert services.assessment_create(commune=tree.n, criteria_set=world.ht, as_of=late_2025).pk  # N came from A


def test_an_as_of_date_outside_the_sets_period_is_refused(tree, world):
    message = _refused("set_out_of_period", commune=tree.a, criteria_set=world.nat, as_of=datetime.date(2019, 1, 1))
    assert message == (
        "Ngày đánh giá 01/01/2019 nằm ngoài giai đoạn áp dụng của bộ tiêu chí "
        "“Bộ tiêu chí xã NTM 2021-2025” (01/01/2021 đến 31/12/2025)."
    )


def test_an_absurd_date_is_refused_even_for_a_set_without_a_period(tree, world):
    message = _refused(
        "set_out_of_period", commune=tree.a, criteria_set=world.open_ended, as_of=datetime.date(1800, 1, 1)
    )
    assert "chỉ áp dụng từ ngày 16/04/2009" in message


def test_a_set_of_another_era_is_refused(tree, world):
    message = _refused("set_other_era", commune=tree.a, criteria_set=world.later, as_of=datetime.date(2026, 3, 1))
    assert message.startswith("Bộ tiêu chí giai đoạn 2026-2030 không áp dụng cho Xã A")


# The API


def _api_create(client, user, commune, cs, as_of):
    client.force_login(user)
    body = {"commune": {"era": commune.era, "code": commune.code}, "criteria_set": cs.code, "as_of": as_of}
    return client.post("/api/v1/assessments/", body, content_type=JSON)


def test_the_api_refuses_another_provinces_set_with_the_message(client, world):
    response = _api_create(client, world.staff_x, world.x, world.ht, "2024-06-30")
    assert response.status_code == 400
    assert response.json()["code"] == "set_other_province"
    assert response.json()["detail"] == "Bộ tiêu chí “Bộ tiêu chí tỉnh P” là bộ của Tỉnh P, không áp dụng cho Xã X."
    assert not Assessment.objects.exists()


@pytest.mark.parametrize(("set_name", "as_of"), [("nat", "2019-01-01"), ("open_ended", "1800-01-01")])
def test_the_api_refuses_a_date_outside_the_period(client, tree, world, set_name, as_of):
    response = _api_create(client, world.cast.staff, tree.a, getattr(world, set_name), as_of)
    assert response.status_code == 400
    assert response.json()["code"] == "set_out_of_period"
    assert not Assessment.objects.exists()


def test_the_api_answers_in_english_too(client, tree, world):
    client.force_login(world.cast.staff)
    body = {"commune": {"era": "pre2025", "code": "18436"}, "criteria_set": world.nat.code, "as_of": "2019-01-01"}
    response = client.post("/api/v1/assessments/", body, content_type=JSON, HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["detail"].startswith("The as-of date 01/01/2019 is outside the period of the criteria set")


# The entry page


def test_the_create_page_refuses_a_date_outside_the_period(client, tree, world):
    client.force_login(world.cast.staff)
    url = reverse("web:assessment_create", kwargs={"era": tree.a.era, "code": tree.a.code})
    response = client.post(url, {"criteria_set": world.nat.pk, "as_of": "2019-01-01"})
    assert response.status_code == 200
    assert "nằm ngoài giai đoạn áp dụng của bộ tiêu chí" in response.content.decode()
    assert not Assessment.objects.exists()


def test_the_create_page_does_not_offer_nor_take_another_provinces_set(client, world):
    client.force_login(world.staff_x)
    url = reverse("web:assessment_create", kwargs={"era": world.x.era, "code": world.x.code})
    assert world.ht not in set(client.get(url).context["form"].fields["criteria_set"].queryset)
    response = client.post(url, {"criteria_set": world.ht.pk, "as_of": "2024-06-30"})
    assert "Bộ tiêu chí này không áp dụng cho xã." in response.content.decode()
    assert not Assessment.objects.exists()


def test_the_create_page_offers_a_provincial_set_to_a_commune_formed_from_its_communes(client, tree, world):
    Membership.objects.create(user=world.cast.staff, unit=tree.n, role=Role.COMMUNE_STAFF)
    client.force_login(world.cast.staff)
    url = reverse("web:assessment_create", kwargs={"era": tree.n.era, "code": tree.n.code})
    assert world.ht in set(client.get(url).context["form"].fields["criteria_set"].queryset)


# export_template and import_assessments


def test_export_template_refuses_another_provinces_set(tmp_path, world):
    with pytest.raises(CommandError, match="không áp dụng cho Xã X"):
        call_command(
            "export_template",
            "--set",
            world.ht.code,
            "--unit",
            "pre2025/13300",
            "--as-of",
            "2024-06-30",
            "-o",
            str(tmp_path / "x.xlsx"),
        )
    assert not (tmp_path / "x.xlsx").exists()


def test_export_template_refuses_a_date_outside_the_period(tmp_path, world):
    with pytest.raises(CommandError, match="nằm ngoài giai đoạn áp dụng"):
        call_command(
            "export_template",
            "--set",
            world.nat.code,
            "--unit",
            "pre2025/18436",
            "--as-of",
            "2019-01-01",
            "-o",
            str(tmp_path / "x.xlsx"),
        )


def _workbook(tree, cs, date=None, commune=None):
    wb = workbooks.template_for(cs, tree.a, D)
    ws = sheet_of(wb, tree.a)
    fill(ws, FILLED)
    if date:
        ws[L.DATE_CELL] = date
    if commune:
        ws[L.ERA_CELL], ws[L.COMMUNE_CODE_CELL] = commune.era, commune.code
    return wb


def _import(tmp_path, wb, user):
    path = tmp_path / "ket-qua.xlsx"
    wb.save(path)
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing written"):
        call_command("import_assessments", str(path), "--user", user.username, stderr=err, stdout=io.StringIO())
    assert not Assessment.objects.exists()
    return err.getvalue()


def test_import_refuses_a_date_outside_the_period_at_the_date_cell(tmp_path, tree, world):
    err = _import(tmp_path, _workbook(tree, world.nat, date=datetime.datetime(2019, 1, 1)), world.cast.staff)
    assert f"18436 Xã A!{L.DATE_CELL}: Ngày đánh giá 01/01/2019 nằm ngoài giai đoạn áp dụng" in err


def test_import_refuses_another_provinces_set_at_the_set_cell(tmp_path, tree, world):
    err = _import(tmp_path, _workbook(tree, world.ht, commune=world.x), world.staff_x)
    assert f"!{L.SET_CODE_CELL}: Bộ tiêu chí “Bộ tiêu chí tỉnh P” là bộ của Tỉnh P, không áp dụng cho Xã X." in err


def test_the_web_upload_refuses_a_date_outside_the_period(client, tree, world):
    client.force_login(world.cast.staff)
    upload_workbook(client, _workbook(tree, world.nat, date=datetime.datetime(2019, 1, 1)))
    assert not Assessment.objects.exists()
    page = client.get(only_job().get_absolute_url()).content.decode()
    assert "nằm ngoài giai đoạn áp dụng của bộ tiêu chí" in page


# Approving with indicators a department has not verified


def _submitted(tree, world):
    return make_submitted(world.cast, world.nat, tree.a)  # criterion 2 (2.1, 2.2) is the department's


def test_the_service_asks_for_confirmation_naming_the_unverified_and_flagged(tree, world):
    submitted = _submitted(tree, world)
    flagged = submitted.results.get(indicator__code="2.2")
    services.indicator_verify(
        result=flagged, state=VerificationState.FLAGGED, comment="Thiếu biên bản.", by=world.cast.officer
    )
    with pytest.raises(ValidationError) as caught:
        services.assessment_approve(assessment=submitted, by=world.cast.reviewer)
    error = caught.value.error_list[0]
    assert (error.code, error.params["unchecked"], error.params["flagged"]) == ("needs_confirmation", ["2.1"], ["2.2"])
    assert " ".join(caught.value.messages) == (
        "Còn chỉ tiêu chưa rà soát: 2.1; cần xem lại: 2.2. Hãy xác nhận đã xem các chỉ tiêu này để vẫn duyệt."
    )
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED
    approved = services.assessment_approve(assessment=submitted, by=world.cast.reviewer, confirm_unverified=True)
    assert approved.status == Status.APPROVED


def test_no_confirmation_is_needed_once_every_indicator_is_verified(tree, world):
    submitted = _submitted(tree, world)
    for code in ("2.1", "2.2"):
        services.indicator_verify(
            result=submitted.results.get(indicator__code=code), state=VerificationState.VERIFIED, by=world.cast.officer
        )
    assert services.assessment_approve(assessment=submitted, by=world.cast.reviewer).status == Status.APPROVED


def test_the_api_approve_needs_confirm_unverified(client, tree, world):
    submitted = _submitted(tree, world)
    client.force_login(world.cast.reviewer)
    url = f"/api/v1/assessments/{submitted.pk}/approve/"
    response = client.post(url, {"revision": submitted.revision}, content_type=JSON)
    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["params"]["unchecked"]) == ("needs_confirmation", ["2.1", "2.2"])
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED
    response = client.post(url, {"revision": submitted.revision, "confirm_unverified": True}, content_type=JSON)
    assert response.status_code == 200 and response.json()["status"] == "approved"


def test_the_schema_documents_confirm_unverified(tmp_path):
    call_command("spectacular", "--file", str(tmp_path / "schema.yml"))
    text = (tmp_path / "schema.yml").read_text()
    assert "confirm_unverified" in text and "needs_confirmation" in text


def test_the_page_passes_its_tick_to_the_service(client, tree, world):
    submitted = _submitted(tree, world)
    client.force_login(world.cast.reviewer)
    url = reverse("web:assessment_approve", kwargs={"pk": submitted.pk})
    assert client.post(url, {"revision": submitted.revision}).status_code == 400
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED
    client.post(url, {"revision": submitted.revision, "confirm": "on"})
    submitted.refresh_from_db()
    assert submitted.status == Status.APPROVED


def test_the_template_page_refuses_a_date_outside_the_period(client, tree, world):
    client.force_login(world.cast.staff)
    url = reverse("workbooks:template", args=[tree.a.era, tree.a.code])
    response = client.post(url, {"criteria_set": world.nat.pk, "as_of": "2019-01-01"})
    assert response.status_code == 200
    assert "nằm ngoài giai đoạn áp dụng của bộ tiêu chí" in response.content.decode()


def test_the_template_job_of_a_large_unit_is_refused_before_it_starts(client, tree, world, monkeypatch):
    from jobs.models import Job
    from workbooks.services import background

    monkeypatch.setattr(background, "DIRECT_MAX_COMMUNES", 2)  # province P has three communes
    client.force_login(world.cast.province_reviewer)
    url = reverse("workbooks:template", args=[tree.p.era, tree.p.code])
    response = client.post(url, {"criteria_set": world.nat.pk, "as_of": "2019-01-01"})
    assert "nằm ngoài giai đoạn áp dụng của bộ tiêu chí" in response.content.decode()
    assert not Job.objects.exists()


def test_the_bulk_writer_of_demo_data_obeys_the_rule_too(world):
    from assessments.bulk import AssessmentSpec, assessments_bulk_create

    with pytest.raises(ValidationError) as caught:
        assessments_bulk_create([AssessmentSpec(commune=world.x, criteria_set=world.ht, as_of=D, answers={})])
    assert caught.value.error_list[0].code == "set_other_province"
    assert not Assessment.objects.exists()
