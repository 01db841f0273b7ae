"""The assessment endpoints: create, read with results, enter results, the workflow steps, their
error bodies (400 with the translated message and a code), their query counts and the schema."""

import datetime

import pytest
from django.core.management import call_command

from assessments import services
from assessments.models import Assessment, EvidenceFile, IndicatorResult, Status
from tests.factories import make_big_set, make_draft, make_submitted
from tests.helpers import PDF, upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

BASE = "/api/v1"
JSON = "application/json"


def as_user(client, user):
    client.force_login(user)
    return client


def post(client, path, body=None):
    return client.post(BASE + path, body or {}, content_type=JSON)


def patch(client, assessment, revision, *entries):
    body = {"revision": revision, "results": list(entries)}
    return client.patch(f"{BASE}/assessments/{assessment.pk}/results/", body, content_type=JSON)


def create_body(commune, cs, **extra):
    key = {"era": commune.era, "code": commune.code}
    return {"commune": key, "criteria_set": cs.code, "as_of": "2024-06-30"} | extra


def test_commune_staff_create_a_draft(client, tree, cast, cs):
    response = post(as_user(client, cast.staff), "/assessments/", create_body(tree.a, cs))
    assert response.status_code == 201
    body = response.json()
    assessment = Assessment.objects.get()
    assert body["id"] == assessment.pk and body["status"] == "draft" and body["revision"] == 1
    assert body["commune"] == {"era": "pre2025", "code": "18436", "name": "Xã A"}
    assert body["criteria_set"] == {"code": "xa-ntm-test", "name": cs.name}
    assert body["created_by"] == {"username": "canbo.xa-a", "name": "canbo.xa-a"}
    assert [r["code"] for r in body["results"]] == ["1.1", "1.2", "2.1", "2.2", "3"]
    assert body["actions"] == {"edit": True, "submit": True, "review": False, "reopen": False, "verify_criteria": []}


def test_creating_can_copy_the_latest_assessment(client, tree, cast, cs):
    make_draft(cast, cs, tree.a, as_of=datetime.date(2023, 12, 31))
    body = post(as_user(client, cast.staff), "/assessments/", create_body(tree.a, cs, copy_from_latest=True)).json()
    assert {r["code"]: r["met"] for r in body["results"]} == {
        "1.1": True,
        "1.2": False,
        "2.1": True,
        "2.2": True,
        "3": True,
    }


def test_creating_refuses_an_unknown_set_and_a_second_one_on_the_same_date(client, tree, cast, cs):
    client = as_user(client, cast.staff)
    response = post(client, "/assessments/", create_body(tree.a, cs) | {"criteria_set": "khong-co"})
    assert response.status_code == 400 and response.json() == {"criteria_set": ["Không có bộ tiêu chí mã “khong-co”."]}
    assert post(client, "/assessments/", create_body(tree.a, cs)).status_code == 201
    response = post(client, "/assessments/", create_body(tree.a, cs))
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Xã đã có đánh giá theo bộ tiêu chí này vào ngày đó.",
        "code": "duplicate",
        "params": {},
    }


def test_a_date_outside_the_communes_lifetime_is_a_400(client, tree, cast, cs):
    response = post(as_user(client, cast.staff), "/assessments/", create_body(tree.a, cs, as_of="2026-01-01"))
    assert response.status_code == 400
    assert response.json()["detail"] == "Ngày đánh giá 01/01/2026 nằm ngoài thời gian tồn tại của Xã A."


def test_the_detail_shows_results_with_their_check_and_evidence(client, tree, cast, cs):
    submitted = make_draft(cast, cs, tree.a)
    result = IndicatorResult.objects.get(assessment=submitted, indicator__code="2.1")
    evidence = services.evidence_file_add(result=result, upload=upload("bien-ban.pdf", PDF), by=cast.staff)
    services.assessment_submit(assessment=submitted, by=cast.staff)
    services.indicator_verify(result=result, state="flagged", comment="Số liệu cũ.", by=cast.officer)
    body = as_user(client, cast.officer).get(f"{BASE}/assessments/{submitted.pk}/").json()
    row = next(r for r in body["results"] if r["code"] == "2.1")
    assert {k: row[k] for k in ("name", "criterion", "kind", "unit", "target_applied", "value", "met", "note")} == {
        "name": "Chỉ tiêu 2.1",
        "criterion": 2,
        "kind": "numeric",
        "unit": "%",
        "target_applied": "≥70%",
        "value": "75",
        "met": True,
        "note": "",
    }
    assert row["verification"] | {"at": None} == {
        "state": "flagged",
        "comment": "Số liệu cũ.",
        "by": {"username": "phong.kt", "name": "phong.kt"},
        "at": None,
    }
    assert [e["id"] for e in row["evidence"]] == [evidence.pk]
    assert (body["status"], body["criteria_met"], body["indicators_met"]) == ("submitted", 2, 4)
    assert body["sentence"].startswith("đạt 2/3 tiêu chí, 4/5 chỉ tiêu xây dựng NTM.")
    assert body["actions"] == {"edit": False, "submit": False, "review": False, "reopen": False, "verify_criteria": [2]}


def test_the_detail_costs_the_same_for_a_small_and_a_national_size_set(
    client, tree, cast, cs, django_assert_num_queries
):
    big = make_big_set(19, 5)
    client = as_user(client, cast.reviewer)
    for criteria_set in (cs, big):
        as_of = datetime.date(2024, 1, 1)
        assessment = services.assessment_create(commune=tree.a, criteria_set=criteria_set, as_of=as_of)
        for result in assessment.results.all()[:3]:
            services.evidence_file_add(result=result, upload=upload("a.pdf", PDF), by=cast.staff)
        # session, user, memberships (scope and actions, read once), assessment, results, evidence
        with django_assert_num_queries(6):
            assert client.get(f"{BASE}/assessments/{assessment.pk}/").status_code == 200


def test_entering_results_recomputes_the_summary(client, tree, cast, cs):
    draft = make_draft(cast, cs, tree.a, answers={})
    response = patch(
        as_user(client, cast.staff),
        draft,
        1,
        {"code": "2.1", "value": "72.5", "note": "Báo cáo"},
        {"code": "1.1", "met": True},
        {"code": "1.2", "met": True},
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["revision"], body["criteria_met"], body["indicators_met"]) == (2, 1, 3)
    row = next(r for r in body["results"] if r["code"] == "2.1")
    assert (row["value"], row["met"], row["note"]) == ("72.5", True, "Báo cáo")
    assert row["updated_by"]["username"] == "canbo.xa-a"


def test_a_value_can_be_cleared_with_null(client, tree, cast, cs):
    draft = make_draft(cast, cs, tree.a)
    body = patch(as_user(client, cast.staff), draft, 2, {"code": "2.1", "value": None}).json()
    assert next(r for r in body["results"] if r["code"] == "2.1")["value"] is None


def test_entering_results_refuses_unknown_and_repeated_codes(client, tree, cast, cs):
    draft = make_draft(cast, cs, tree.a, answers={})
    client = as_user(client, cast.staff)
    response = patch(client, draft, 1, {"code": "9.9", "met": True})
    assert response.status_code == 400
    assert response.json() == {"detail": "Không có chỉ tiêu 9.9 trong bộ tiêu chí.", "code": "unknown", "params": {}}
    response = patch(client, draft, 1, {"code": "1.1", "met": True}, {"code": "1.1", "met": False})
    assert response.status_code == 400 and response.json() == {
        "results": ["Mỗi chỉ tiêu chỉ được nêu một lần; bị lặp: 1.1."]
    }
    assert patch(client, draft, 1).status_code == 400
    assert (
        client.patch(
            f"{BASE}/assessments/{draft.pk}/results/", {"results": [{"code": "1.1"}]}, content_type=JSON
        ).status_code
        == 400
    )


def test_a_submitted_assessment_refuses_results_with_400(client, tree, cast, cs):
    submitted = make_submitted(cast, cs, tree.a)
    response = patch(as_user(client, cast.staff), submitted, 3, {"code": "1.2", "met": True})
    assert response.status_code == 400 and response.json()["code"] == "not_editable"


def test_submitting_an_incomplete_draft_is_a_400_listing_the_missing_indicators(client, tree, cast, cs):
    draft = make_draft(cast, cs, tree.a, answers={"1.1": {"met": True}})
    response = post(as_user(client, cast.staff), f"/assessments/{draft.pk}/submit/", {"revision": 2})
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Chưa nhập kết quả cho các chỉ tiêu 1.2, 2.1, 2.2, 3; hãy nhập đủ trước khi gửi.",
        "code": "incomplete",
        "params": {"indicators": ["1.2", "2.1", "2.2", "3"], "codes": "1.2, 2.1, 2.2, 3"},
    }


def test_steps_need_a_revision_and_returns_a_reason(client, tree, cast, cs):
    submitted = make_submitted(cast, cs, tree.a)
    client = as_user(client, cast.reviewer)
    assert post(client, f"/assessments/{submitted.pk}/approve/", {}).json() == {"revision": ["Trường này là bắt buộc."]}
    response = post(client, f"/assessments/{submitted.pk}/return/", {"revision": 3, "reason": " "})
    assert response.status_code == 400 and response.json()["detail"] == "Hãy nêu lý do trả lại."


def test_a_step_refused_by_its_status_is_a_400(client, tree, cast, cs):
    draft = make_draft(cast, cs, tree.a)
    response = post(as_user(client, cast.reviewer), f"/assessments/{draft.pk}/approve/", {"revision": 2})
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Chỉ duyệt được đánh giá đang chờ thẩm định.",
        "code": "invalid_status",
        "params": {"status": "draft"},
    }


def test_a_role_refusal_is_a_403_with_a_message(client, tree, cast, cs):
    submitted = make_submitted(cast, cs, tree.a)
    response = post(as_user(client, cast.viewer), f"/assessments/{submitted.pk}/approve/", {"revision": 3})
    assert response.status_code == 403
    assert response.json() == {
        "detail": "Chỉ người thẩm định của đơn vị cấp trên mới trả lại hoặc duyệt được đánh giá này."
    }


def test_verifying_an_indicator_of_another_department_is_a_403(client, tree, cast, cs):
    submitted = make_submitted(cast, cs, tree.a)
    response = post(
        as_user(client, cast.officer),
        f"/assessments/{submitted.pk}/results/1.1/verify/",
        {"revision": 3, "state": "verified"},
    )
    assert response.status_code == 403 and response.json() == {"detail": "Chỉ tiêu này không thuộc phòng, ban của bạn."}


def test_the_whole_round_through_the_api(client, tree, cast, cs):
    staff, reviewer, officer, admin = cast.staff, cast.reviewer, cast.officer, cast.admin
    body = post(as_user(client, staff), "/assessments/", create_body(tree.a, cs)).json()
    pk = body["id"]
    entries = [{"code": c, "met": True} for c in ("1.1", "1.2", "2.2", "3")] + [{"code": "2.1", "value": "50"}]
    revision = patch(client, Assessment(pk=pk), body["revision"], *entries).json()["revision"]
    revision = post(client, f"/assessments/{pk}/submit/", {"revision": revision}).json()["revision"]
    body = post(
        as_user(client, officer),
        f"/assessments/{pk}/results/2.1/verify/",
        {"revision": revision, "state": "flagged", "comment": "Dưới ngưỡng."},
    ).json()
    body = post(
        as_user(client, reviewer),
        f"/assessments/{pk}/return/",
        {"revision": body["revision"], "reason": "Xem ý kiến phòng Kinh tế."},
    ).json()
    assert (body["status"], body["return_reason"]) == ("returned", "Xem ý kiến phòng Kinh tế.")
    body = patch(as_user(client, staff), Assessment(pk=pk), body["revision"], {"code": "2.1", "value": "71"}).json()
    file = client.post(f"{BASE}/assessments/{pk}/results/2.1/evidence/", {"file": upload("bien-ban.pdf", PDF)})
    assert file.status_code == 201
    body = post(client, f"/assessments/{pk}/submit/", {"revision": body["revision"]}).json()
    body = post(
        as_user(client, officer),
        f"/assessments/{pk}/results/2.1/verify/",
        {"revision": body["revision"], "state": "verified"},
    ).json()
    body = post(
        as_user(client, reviewer),
        f"/assessments/{pk}/approve/",
        {"revision": body["revision"], "confirm_unverified": True},
    ).json()
    assert (body["status"], body["meets_standard"], body["approved_by"]["username"]) == ("approved", True, "thamdinh.h")
    assert (
        patch(as_user(client, staff), Assessment(pk=pk), body["revision"], {"code": "1.1", "met": False}).json()["code"]
        == "not_editable"
    )
    assert client.delete(f"{BASE}/assessments/{pk}/evidence/{file.json()['id']}/").status_code == 400
    body = post(
        as_user(client, admin),
        f"/assessments/{pk}/reopen/",
        {"revision": body["revision"], "reason": "Cập nhật số liệu."},
    ).json()
    assert (body["status"], body["return_reason"], body["approved_by"]) == ("returned", "Cập nhật số liệu.", None)
    assert Assessment.objects.get(pk=pk).status == Status.RETURNED and EvidenceFile.objects.count() == 1


def test_the_schema_describes_the_assessment_endpoints(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
    text = (tmp_path / "schema.yml").read_text()
    for path in (
        "/api/v1/assessments/:",
        "/api/v1/assessments/{id}/:",
        "/api/v1/assessments/{id}/results/:",
        "/api/v1/assessments/{id}/submit/:",
        "/api/v1/assessments/{id}/return/:",
        "/api/v1/assessments/{id}/approve/:",
        "/api/v1/assessments/{id}/reopen/:",
        "/api/v1/assessments/{id}/results/{code}/verify/:",
        "/api/v1/assessments/{id}/results/{code}/evidence/:",
        "/api/v1/assessments/{id}/evidence/{evidence_pk}/:",
        "/api/v1/assessments/{id}/timeline/:",
        "/api/v1/assessments/{id}/changes/:",
    ):
        assert path in text, path
    assert "multipart/form-data" in text and "'409':" in text
