"""The explanation behind a state badge, as a page, as the fragment the badges' dialog loads, and through
the API: within the user's scope, in both languages, at a fixed number of queries; and the badges of
the entry form, the review page, the commune page link to it."""

import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from assessments import services
from assessments.models import VerificationState
from criteria.models import Criterion, Indicator
from tests import factories
from tests.factories import make_approved, make_draft, make_flow_set, make_submitted
from tests.helpers import PDF, upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


@pytest.fixture
def verified(tree, cast, cs):
    """A submitted assessment of xã A: 2.1 (75 ≥ 70%) with a file, verified by the department."""
    draft = make_draft(cast, cs, tree.a)
    result = draft.results.get(indicator__code="2.1")
    services.evidence_file_add(result=result, upload=upload("bien-ban-duong.pdf", PDF), by=cast.staff)
    submitted = services.assessment_submit(assessment=draft, by=cast.staff)
    services.indicator_verify(
        result=submitted.results.get(indicator__code="2.1"), state=VerificationState.VERIFIED, by=cast.officer
    )
    return submitted


def page(pk, code=None, number=None):
    if number is not None:
        return reverse("web:why_criterion", kwargs={"pk": pk, "number": number})
    return reverse("web:why_indicator", kwargs={"pk": pk, "code": code})


def api(pk, code=None, number=None):
    if number is not None:
        return reverse("api:why_criterion", kwargs={"pk": pk, "number": number})
    return reverse("api:why_indicator", kwargs={"pk": pk, "code": code})


def squeezed(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# The page


def test_the_indicator_page_says_value_target_basis_source_evidence_and_verification(client, cast, verified):
    Indicator.objects.filter(criteria_set=verified.criteria_set, code="2.1").update(sources="S1")
    client.force_login(cast.viewer)
    response = client.get(page(verified.pk, "2.1"))
    html = squeezed(response)
    assert response.status_code == 200 and "<html" in html
    assert 'data-testid="why" data-kind="indicator" data-state="met" data-code="2.1"' in html
    assert "Giá trị 75% so với mức ≥70%: đạt." in html
    assert "Ngưỡng chung của chỉ tiêu, áp dụng cho mọi xã." in html
    assert "Vùng: Bắc Trung Bộ · năm đánh giá 2024" in html
    assert "tài liệu: <span" in html and ">S1</span>" in html
    assert "Chưa kiểm chứng" in html
    assert "bien-ban-duong.pdf" in html
    assert "Phòng Kinh tế - Hạ tầng: đã xác nhận — phong.kt, lúc" in html
    assert reverse("web:assessment", kwargs={"pk": verified.pk}) in html


def test_an_unknown_indicator_says_why(client, tree, cast, cs):
    draft = make_draft(cast, cs, tree.a, answers={})
    client.force_login(cast.staff)
    html = squeezed(client.get(page(draft.pk, "2.1")))
    assert 'data-reason="no_value"' in html
    assert "Chưa xác định được: Xã chưa nhập giá trị của chỉ tiêu này." in html
    assert "Giải thích theo kết quả đã lưu" in html  # a draft: what is typed and not saved is not counted


def test_the_criterion_page_states_the_rule_and_lists_each_indicator(client, tree, cast, cs):
    draft = make_draft(cast, cs, tree.a)  # 1.1 met, 1.2 not
    client.force_login(cast.viewer)
    html = squeezed(client.get(page(draft.pk, number=1)))
    assert 'data-kind="criterion" data-state="not_met" data-number="1"' in html
    assert "Quy tắc: tiêu chí đạt khi tất cả 2 chỉ tiêu của nó đều đạt." in html
    assert re.findall(r'data-testid="why-line" data-code="([\d.]+)" data-state="(\w+)"', html) == [
        ("1.1", "met"),
        ("1.2", "not_met"),
    ]
    assert f'href="{page(draft.pk, "1.2")}" hx-get="{page(draft.pk, "1.2")}"' in html


def test_htmx_gets_only_the_explanation(client, tree, cast, cs):
    draft = make_draft(cast, cs, tree.a)
    client.force_login(cast.viewer)
    for url in (page(draft.pk, "2.1"), page(draft.pk, number=2)):
        response = client.get(url, headers={"HX-Request": "true"})
        html = response.content.decode()
        assert response.status_code == 200 and "<html" not in html and 'data-testid="why"' in html


def test_the_page_in_english(client, tree, cast, cs):
    draft = make_draft(cast, cs, tree.a, answers={})
    client.force_login(cast.viewer)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = unescape(squeezed(client.get(page(draft.pk, "2.1"))))
    assert "Not determined: The commune has not entered the indicator's value." in html
    html = squeezed(client.get(page(draft.pk, number=2)))
    assert "Rule: a criterion is met when all of its 2 indicators are met." in html


@pytest.mark.parametrize("who", ["outsider", "staff_c"])
def test_someone_outside_the_scope_gets_a_404_on_every_path(client, tree, cast, cs, who):
    draft = make_draft(cast, cs, tree.a)
    client.force_login(getattr(cast, who))
    for url in (page(draft.pk, "2.1"), page(draft.pk, number=2), api(draft.pk, "2.1"), api(draft.pk, number=2)):
        assert client.get(url).status_code == 404, url
        assert client.get(url, headers={"HX-Request": "true"}).status_code == 404, url


def test_anonymous_users_are_sent_to_sign_in(client, tree, cast, cs):
    draft = make_draft(cast, cs, tree.a)
    response = client.get(page(draft.pk, "2.1"))
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert client.get(api(draft.pk, "2.1")).status_code in (401, 403)


def test_unknown_codes_and_numbers_are_404(client, tree, cast, cs):
    draft = make_draft(cast, cs, tree.a)
    client.force_login(cast.viewer)
    for url in (
        page(draft.pk, "9.9"),
        page(draft.pk, number=9),
        api(draft.pk, "9.9"),
        api(draft.pk, number=9),
        page(draft.pk + 1000, "2.1"),
    ):
        assert client.get(url).status_code == 404, url


def test_the_explanation_is_read_only(client, tree, cast, cs):
    draft = make_draft(cast, cs, tree.a)
    client.force_login(cast.staff)
    assert client.post(page(draft.pk, "2.1")).status_code == 405
    assert client.post(api(draft.pk, "2.1")).status_code == 405


# Query counts: the same for one indicator or many, no file or many, one variant or many


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_explanations_cost_a_fixed_number_of_queries(client, tree, cast, django_assert_max_num_queries):
    small = make_flow_set(cast.department)
    big = factories.make_set(
        criteria=[
            (1, "Quy hoạch", ["1.1"]),
            (2, "Giao thông", [f"2.{n}" for n in range(1, 13)]),
            (3, "Thu nhập", ["3"]),
        ]
    )
    ladder = [{"year": y, "value": 50 + y - 2020} for y in range(2021, 2026)]
    factories.make_numeric(big, "2.1", value="70", variants=ladder)
    one = make_draft(cast, small, tree.a, answers={"2.1": {"value": "75"}})
    many = make_draft(cast, big, tree.a, answers={"2.1": {"value": "75"}})
    for n in range(3):
        services.evidence_file_add(
            result=many.results.get(indicator__code="2.1"), upload=upload(f"f{n}.pdf", PDF), by=cast.staff
        )
    Indicator.objects.filter(criteria_set__in=[small, big], code="2.1").update(sources="S1, S2, S3")
    client.force_login(cast.viewer)
    for kind in ("page", "api"):
        link = page if kind == "page" else api
        assert _count(client, link(one.pk, "2.1")) == _count(client, link(many.pk, "2.1")), kind
        assert _count(client, link(one.pk, number=2)) == _count(client, link(many.pk, number=2)), kind
    with django_assert_max_num_queries(12):
        client.get(page(many.pk, "2.1"))


# The API


def test_the_api_explains_an_indicator(client, cast, verified):
    client.force_login(cast.reviewer)
    data = client.get(api(verified.pk, "2.1")).json()
    assert {k: data[k] for k in ("code", "state", "value", "target", "target_applied", "year", "reason_code")} == {
        "code": "2.1",
        "state": "met",
        "value": "75.000",
        "target": "≥70%",
        "target_applied": "≥70%",
        "year": 2024,
        "reason_code": "",
    }
    assert data["target_basis"] == ["Ngưỡng chung của chỉ tiêu, áp dụng cho mọi xã."]
    assert data["commune"] == {"region": "btb", "commune_group": ""}
    assert data["source"]["verified"] is False
    assert [f["name"] for f in data["evidence"]["files"]] == ["bien-ban-duong.pdf"]
    assert (data["verification"]["state"], data["verification"]["by"]) == ("verified", "phong.kt")


def test_the_api_explains_a_criterion_in_english(client, tree, cast, cs):
    draft = make_draft(cast, cs, tree.a, answers={"2.2": {"met": True}})
    client.force_login(cast.staff)
    response = client.get(api(draft.pk, number=2), headers={"Accept-Language": "en"})
    data = response.json()
    assert response["Content-Language"] == "en"
    assert (data["state"], data["met"], data["not_met"], data["unknown"]) == ("unknown", ["2.2"], [], ["2.1"])
    assert data["reason_code"] == "indicators_unknown"
    assert data["indicators"][0]["reason"] == "The commune has not entered the indicator's value."


# The badges link to it


def test_the_entry_forms_badges_open_their_explanations(client, tree, cast, cs):
    draft = make_draft(cast, cs, tree.a)
    client.force_login(cast.staff)
    html = squeezed(client.get(reverse("web:assessment_edit", kwargs={"pk": draft.pk})))
    assert f'href="{page(draft.pk, number=1)}" hx-get="{page(draft.pk, number=1)}" hx-target="#why-modal-body"' in html
    assert re.search(
        rf'<a href="{page(draft.pk, "2.1")}"[^>]*data-bs-target="#why-modal"[^>]*> ?'
        r'<span id="ind-2-1-state">',
        html,
    )
    assert 'id="why-modal"' in html and "web/why.js" in html


def test_the_review_pages_badges_open_their_explanations(client, tree, cast, cs):
    submitted = make_submitted(cast, cs, tree.a)
    client.force_login(cast.reviewer)
    html = squeezed(client.get(reverse("web:assessment", kwargs={"pk": submitted.pk})))
    for url in (page(submitted.pk, number=n) for n in (1, 2, 3)):
        assert f'href="{url}"' in html
    for code in ("1.1", "1.2", "2.1", "2.2", "3"):
        assert f'href="{page(submitted.pk, code)}"' in html


def test_the_commune_pages_badges_open_their_explanations(client, tree, cast, cs):
    approved = make_approved(cast, cs, tree.a)
    client.force_login(cast.viewer)
    html = squeezed(client.get(reverse("web:unit", kwargs={"era": tree.a.era, "code": tree.a.code})))
    assert re.search(rf'<a href="{page(approved.pk, number=2)}"[^>]*data-why-criterion><span class="badge', html)
    assert f'<a href="{page(approved.pk, "2.1")}"' in html


def test_the_dialog_is_not_on_pages_for_anonymous_users(client):
    assertNotContains(client.get(reverse("login")), 'id="why-modal"')


def test_the_criterion_link_inside_an_indicators_explanation_stays_in_the_dialog(client, tree, cast, cs):
    draft = make_draft(cast, cs, tree.a)
    client.force_login(cast.viewer)
    response = client.get(page(draft.pk, "2.1"), headers={"HX-Request": "true"})
    assertContains(response, f'href="{page(draft.pk, number=2)}" hx-get="{page(draft.pk, number=2)}"')
    assertNotContains(response, 'data-bs-toggle="modal"')  # a toggle inside the open dialog would close it
    assert Criterion.objects.filter(criteria_set=cs).count() == 3
