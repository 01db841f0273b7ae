"""Every assessment endpoint × every role × an assessment inside and outside the role's scope.

Inside its scope a role gets its answer (200/201/204) or, for a step it may not take, a 403; outside
its scope every endpoint is a 404 with the same body as for an assessment that does not exist, and
nothing changes. The cast's scope is huyện H (xã A); the outsider is a reviewer of huyện H2 (xã C).
"""

import datetime

import pytest

from assessments import services
from assessments.models import Assessment, EvidenceFile, IndicatorResult
from tests.factories_flow import (
    PDF, make_approved, make_cast, make_draft, make_flow_set, make_submitted, staff_of, upload,
)

pytestmark = pytest.mark.django_db

BASE = "/api/v1"
ROLES = ["staff", "reviewer", "officer", "viewer", "admin", "outsider", "superuser"]
JSON = "application/json"


def _with_evidence(cast, cs, commune):
    draft = make_draft(cast, cs, commune)
    result = IndicatorResult.objects.get(assessment=draft, indicator__code="1.1")
    services.evidence_file_add(result=result, upload=upload("a.pdf", PDF), by=staff_of(cast, commune))
    return draft


def _evidence_url(assessment):
    return f"{BASE}/assessments/{assessment.pk}/evidence/{EvidenceFile.objects.get(result__assessment=assessment).pk}/"


def _url(suffix):
    return lambda a: f"{BASE}/assessments/{a.pk}/{suffix}"


# name: (state to build, method, url of the assessment, body, status for each role inside its scope)
OK_FOR_ALL = dict.fromkeys(ROLES, 200)
ONLY = lambda ok, **roles: {role: roles.get(role, 403) for role in ROLES} | ok  # noqa: E731
ENDPOINTS = {
    "retrieve": (make_draft, "get", _url(""), None, OK_FOR_ALL),
    "timeline": (make_draft, "get", _url("timeline/"), None, OK_FOR_ALL),
    "changes": (make_draft, "get", _url("changes/"), None, OK_FOR_ALL),
    "results": (make_draft, "patch", _url("results/"), {"revision": 2, "results": [{"code": "1.2", "met": True}]},
                ONLY({"staff": 200})),
    "submit": (make_draft, "post", _url("submit/"), {"revision": 2}, ONLY({"staff": 200})),
    "return": (make_submitted, "post", _url("return/"), {"revision": 3, "reason": "Thiếu."},
               ONLY({"reviewer": 200, "outsider": 200})),
    "approve": (make_submitted, "post", _url("approve/"), {"revision": 3}, ONLY({"reviewer": 200, "outsider": 200})),
    "reopen": (make_approved, "post", _url("reopen/"), {"revision": 4, "reason": "Sai."},
               ONLY({"admin": 200, "superuser": 200})),
    "verify": (make_submitted, "post", _url("results/2.1/verify/"), {"revision": 3, "state": "verified"},
               ONLY({"officer": 200})),
    "evidence_upload": (make_draft, "post", _url("results/1.1/evidence/"), "file", ONLY({"staff": 201})),
    "evidence_download": (_with_evidence, "get", _evidence_url, None, OK_FOR_ALL),
    "evidence_delete": (_with_evidence, "delete", _evidence_url, None, ONLY({"staff": 204})),
}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def cast(tree):
    return make_cast(tree)


@pytest.fixture
def cs(cast):
    return make_flow_set(cast.department)


def _communes(tree, role):
    """(inside, outside) the role's scope; the superuser has no outside."""
    if role == "outsider":
        return tree.c, tree.a
    return tree.a, tree.c


def _request(client, method, url, body):
    if body == "file":
        return client.post(url, {"file": upload("bien-ban.pdf", PDF)})
    if body is None:
        return getattr(client, method)(url)
    return getattr(client, method)(url, body, content_type=JSON)


def _snapshot(assessment):
    assessment.refresh_from_db()
    results = list(assessment.results.order_by("id").values_list("value", "met", "note", "verification_state"))
    return assessment.status, assessment.revision, results, EvidenceFile.objects.count()


CASES = [(name, role, place) for name in ENDPOINTS for role in ROLES for place in ("inside", "outside")
         if not (role == "superuser" and place == "outside")]


@pytest.mark.parametrize(("name", "role", "place"), CASES)
def test_endpoint_role_scope(client, tree, cast, cs, name, role, place):
    make, method, url, body, expected = ENDPOINTS[name]
    inside, outside = _communes(tree, role)
    assessment = make(cast, cs, inside if place == "inside" else outside)
    before = _snapshot(assessment)
    client.force_login(getattr(cast, role))
    response = _request(client, method, url(assessment), body)
    if place == "inside":
        assert response.status_code == expected[role], response.content
        if response.status_code == 403:
            assert _snapshot(assessment) == before
    else:
        assert response.status_code == 404, response.content
        assert response.json() == _request(client, method, url(assessment).replace(
            f"/assessments/{assessment.pk}/", "/assessments/999999/"), body).json()
        assert _snapshot(assessment) == before


@pytest.mark.parametrize("role", ROLES)
def test_creating_an_assessment_inside_and_outside_the_scope(client, tree, cast, cs, role):
    inside, outside = _communes(tree, role)
    client.force_login(getattr(cast, role))

    def create(commune):
        body = {"commune": {"era": commune.era, "code": commune.code}, "criteria_set": cs.code, "as_of": "2024-12-31"}
        return client.post(f"{BASE}/assessments/", body, content_type=JSON)

    assert create(inside).status_code == (201 if role == "staff" else 403)
    if role != "superuser":
        response = create(outside)
        assert response.status_code == 404
        assert response.json() == {"detail": f"Không tìm thấy xã mã {outside.code} trong thời kỳ “pre2025”."}
    assert Assessment.objects.count() == (1 if role == "staff" else 0)


def test_a_commune_code_that_does_not_exist_looks_like_one_outside_the_scope(client, tree, cast, cs):
    client.force_login(cast.staff)
    body = {"commune": {"era": "pre2025", "code": "99999"}, "criteria_set": cs.code, "as_of": "2024-12-31"}
    response = client.post(f"{BASE}/assessments/", body, content_type=JSON)
    assert response.status_code == 404
    assert response.json() == {"detail": "Không tìm thấy xã mã 99999 trong thời kỳ “pre2025”."}


def test_the_old_district_does_not_reach_the_new_communes(client, tree, cast):
    cs = make_flow_set(cast.department)
    assessment = services.assessment_create(commune=tree.n, criteria_set=cs, as_of=datetime.date(2025, 12, 31))
    for role in ("reviewer", "viewer", "officer", "admin"):
        client.force_login(getattr(cast, role))
        assert client.get(f"{BASE}/assessments/{assessment.pk}/").status_code == 404, role


@pytest.mark.parametrize("name", list(ENDPOINTS))
def test_anonymous_requests_are_refused_and_change_nothing(client, tree, cast, cs, name):
    make, method, url, body, _expected = ENDPOINTS[name]
    assessment = make(cast, cs, tree.a)
    before = _snapshot(assessment)
    assert _request(client, method, url(assessment), body).status_code in (401, 403)
    assert _snapshot(assessment) == before
