"""The assessment and membership admin: results edited here go through the services; approved is read-only."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Membership, Role
from assessments import services
from assessments.models import Assessment, Status
from criteria.models import Department
from tests import factories
from tests.helpers import assessment_change_url, change_form_data, post_results

pytestmark = pytest.mark.django_db

D = datetime.date(2024, 6, 30)


@pytest.fixture
def assessment(tree):
    cs = factories.make_set(code="qd318-test")
    factories.make_numeric(cs, "3", op=">=", value="70", unit="triệu đồng")
    return services.assessment_create(commune=tree.a, criteria_set=cs, as_of=D)


def test_the_assessment_pages_open(admin_client, assessment):
    for page in [
        reverse("admin:assessments_assessment_changelist"),
        assessment_change_url(assessment),
        reverse("admin:assessments_assessment_history", args=[assessment.pk]),
    ]:
        assert admin_client.get(page).status_code == 200, page


def test_the_list_shows_the_stored_summary(admin_client, assessment):
    response = admin_client.get(reverse("admin:assessments_assessment_changelist"), {"q": "Xã A"})
    assert response.context["cl"].result_count == 1
    assert "0/3 tiêu chí" in response.text and "0/5 chỉ tiêu" in response.text


def test_the_change_page_shows_the_report_sentence(admin_client, assessment):
    response = admin_client.get(assessment_change_url(assessment))
    assert "đạt 0/3 tiêu chí, 0/5 chỉ tiêu xây dựng NTM." in response.text


def test_assessments_are_not_added_in_the_admin(admin_client, assessment):
    assert admin_client.get(reverse("admin:assessments_assessment_add")).status_code == 403
    response = admin_client.get(reverse("admin:assessments_assessment_changelist"))
    assert "Đánh giá không tạo trong trang quản trị" in response.text


def test_editing_results_recomputes_the_stored_summary(admin_client, assessment, django_user_model):
    response = post_results(admin_client, assessment, {"1.1": {"met": "true"}, "1.2": {"met": "true"}})
    assert response.status_code == 200
    assessment.refresh_from_db()
    assert (assessment.criteria_met, assessment.indicators_met, assessment.revision) == (1, 2, 2)
    result = assessment.results.get(indicator__code="1.1")
    assert result.met is True and result.updated_by == django_user_model.objects.get(username="admin")


def test_a_numeric_value_entered_in_the_admin_is_judged_against_its_target(admin_client, assessment):
    post_results(admin_client, assessment, {"3": {"value": "72.5", "met": "false"}})
    result = assessment.results.get(indicator__code="3")
    assessment.refresh_from_db()
    assert result.met is True and result.target_applied == "≥70 triệu đồng"
    assert assessment.criteria_met == 1 and "đạt 1/3 tiêu chí" in assessment.sentence("vi")


def test_an_approved_assessment_is_read_only(admin_client, assessment):
    Assessment.objects.filter(pk=assessment.pk).update(status=Status.APPROVED)
    response = admin_client.get(assessment_change_url(assessment))
    assert "quản trị bộ tiêu chí phải mở lại đánh giá (kèm lý do) trên trang của đánh giá" in response.text
    assert 'name="results-0-note"' not in response.text and 'name="_save"' not in response.text


def test_an_approved_assessment_cannot_be_changed_through_the_admin(admin_client, assessment):
    data = change_form_data(admin_client.get(assessment_change_url(assessment)))
    data |= {key.replace("note", "met"): "true" for key in data if key.endswith("-note")}
    Assessment.objects.filter(pk=assessment.pk).update(status=Status.APPROVED)
    response = admin_client.post(assessment_change_url(assessment), data, follow=True)
    assert "Thay đổi chưa được lưu." in response.text
    assessment.refresh_from_db()
    assert assessment.criteria_met == 0 and not assessment.results.filter(met=True).exists()
    assert admin_client.post(reverse("admin:assessments_assessment_delete", args=[assessment.pk])).status_code == 403


def test_membership_pages_open(admin_client, tree):
    user = factories.make_user("xa-a", unit=tree.a, role=Role.COMMUNE_STAFF)
    membership = Membership.objects.get(user=user)
    for page in [
        reverse("admin:accounts_membership_changelist"),
        reverse("admin:accounts_membership_add"),
        reverse("admin:accounts_membership_change", args=[membership.pk]),
        reverse("admin:auth_user_change", args=[user.pk]),
        reverse("admin:auth_user_add"),
    ]:
        response = admin_client.get(page)
        assert response.status_code == 200, page
    assert "Xã A" in admin_client.get(reverse("admin:auth_user_change", args=[user.pk])).text


def test_a_department_officer_needs_a_department(admin_client, tree):
    user = factories.make_user("phong")
    data = {"user": user.pk, "unit": tree.h.pk, "role": Role.DEPARTMENT_OFFICER, "_save": "Lưu"}
    response = admin_client.post(reverse("admin:accounts_membership_add"), data)
    assert response.status_code == 200 and "Cán bộ phòng, ban chuyên môn cần chọn phòng, ban." in response.text
    department = Department.objects.create(code="kt", name="Phòng Kinh tế")
    admin_client.post(reverse("admin:accounts_membership_add"), data | {"department": department.pk})
    assert Membership.objects.get(user=user).department == department


def test_the_assessment_list_takes_the_same_number_of_queries_for_more_rows(admin_client, assessment, tree):
    changelist = reverse("admin:assessments_assessment_changelist")
    with CaptureQueriesContext(connection) as one:
        admin_client.get(changelist)
    for commune in (tree.b, tree.c):
        services.assessment_create(commune=commune, criteria_set=assessment.criteria_set, as_of=D)
    with CaptureQueriesContext(connection) as three:
        admin_client.get(changelist)
    assert len(three) == len(one)


def test_a_criteria_admin_manages_memberships_only_inside_their_unit(client, tree):
    admin_h = factories.make_user("quantri-h", unit=tree.h, role=Role.CRITERIA_ADMIN, is_staff=True)
    admin_h.user_permissions.set(Permission.objects.filter(content_type__app_label="accounts"))
    inside = factories.make_user("xa-a", unit=tree.a, role=Role.COMMUNE_STAFF)
    outside = factories.make_user("xa-c", unit=tree.c, role=Role.COMMUNE_STAFF)
    client.force_login(admin_h)
    listing = client.get(reverse("admin:accounts_membership_changelist")).text
    assert "xa-a" in listing and "xa-c" not in listing
    other = Membership.objects.get(user=outside)
    assert client.get(reverse("admin:accounts_membership_change", args=[other.pk])).status_code in (302, 404)
    newcomer = factories.make_user("moi")
    data = {"user": newcomer.pk, "unit": tree.c.pk, "role": Role.COMMUNE_STAFF, "_save": "Lưu"}
    response = client.post(reverse("admin:accounts_membership_add"), data)
    assert "Đơn vị này nằm ngoài phạm vi bạn quản trị." in response.text
    assert not Membership.objects.filter(user=newcomer).exists()
    client.post(reverse("admin:accounts_membership_add"), data | {"unit": tree.b.pk})
    assert Membership.objects.get(user=newcomer).unit == tree.b
    assert Membership.objects.filter(user=inside).exists()
