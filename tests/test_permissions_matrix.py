"""Every assessment endpoint × every role × an assessment inside and outside the role's scope.

Inside its scope a role gets its answer (200/201/204) or, for a step it may not take, a 403; outside
its scope every endpoint is a 404 with the same body as for an assessment that does not exist, and
nothing changes. The cast's scope is huyện H (xã A); the outsider is a reviewer of huyện H2 (xã C).
"""

import datetime
import re

import pytest

from assessments import services
from assessments.models import Assessment, EvidenceFile, IndicatorResult
from tests.factories import make_approved, make_draft, make_flow_set, make_submitted, staff_of
from tests.helpers import PDF, upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

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
    "results": (
        make_draft,
        "patch",
        _url("results/"),
        {"revision": 2, "results": [{"code": "1.2", "met": True}]},
        ONLY({"staff": 200}),
    ),
    "submit": (make_draft, "post", _url("submit/"), {"revision": 2}, ONLY({"staff": 200})),
    "withdraw": (make_submitted, "post", _url("withdraw/"), {"revision": 3}, ONLY({"staff": 200})),
    "return": (
        make_submitted,
        "post",
        _url("return/"),
        {"revision": 3, "reason": "Thiếu."},
        ONLY({"reviewer": 200, "outsider": 200}),
    ),
    "approve": (
        make_submitted,
        "post",
        _url("approve/"),
        {"revision": 3, "confirm_unverified": True},
        ONLY({"reviewer": 200, "outsider": 200}),
    ),
    "reopen": (
        make_approved,
        "post",
        _url("reopen/"),
        {"revision": 4, "reason": "Sai."},
        ONLY({"admin": 200, "superuser": 200}),
    ),
    "verify": (
        make_submitted,
        "post",
        _url("results/2.1/verify/"),
        {"revision": 3, "state": "verified"},
        ONLY({"officer": 200}),
    ),
    "evidence_upload": (make_draft, "post", _url("results/1.1/evidence/"), "file", ONLY({"staff": 201})),
    "evidence_download": (_with_evidence, "get", _evidence_url, None, OK_FOR_ALL),
    "evidence_delete": (_with_evidence, "delete", _evidence_url, None, ONLY({"staff": 204})),
}


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


CASES = [
    (name, role, place)
    for name in ENDPOINTS
    for role in ROLES
    for place in ("inside", "outside")
    if not (role == "superuser" and place == "outside")
]


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
        assert (
            response.json()
            == _request(
                client, method, url(assessment).replace(f"/assessments/{assessment.pk}/", "/assessments/999999/"), body
            ).json()
        )
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


# --- The Django admin ---------------------------------------------------------------------------------
#
# Every model registered in the admin (generated from admin.site._registry, so a newly registered model
# with no scope case fails here) × five users × a row inside and a row outside their scope, through the
# list, change, history (and django-simple-history's revert form), add and delete views. The scoped users
# hold every Django permission: only the unit scope stands between them and the rows. Inside: xã A of
# huyện H, tỉnh P; outside: tỉnh Q. Inside a scope a user gets the page (read-only where they may only
# read); outside, the row is neither listed, shown nor deleted.

from django.contrib import admin as django_admin  # noqa: E402
from django.contrib.admin.utils import quote  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402

from accounts.admin_scope import ScopedAdminMixin  # noqa: E402
from accounts.models import Membership, Role  # noqa: E402
from criteria.models import Criterion, Crosswalk, Department, Indicator, SetStatus, SourceDocument  # noqa: E402
from jobs.models import Job, SentReminder  # noqa: E402
from roadmap.models import Plan, Recognition  # noqa: E402
from tests import factories  # noqa: E402
from tests.factories import make_admin_world  # noqa: E402
from workbooks.models import ImportRecord  # noqa: E402

ADMIN_ROLES = ["province_admin", "district_admin", "reviewer_staff", "commune_staff", "superuser"]
REGISTERED = sorted(model._meta.label for model in django_admin.site._registry)


@pytest.fixture
def world(tree, cast):
    return make_admin_world(tree, cast)


def _assessments(world):
    cs = make_flow_set(world.cast.department)
    return tuple(
        services.assessment_create(commune=c, criteria_set=cs, as_of=datetime.date(2024, 6, 30))
        for c in (world.tree.a, world.cq)
    )


def _draft_set(world, province, name):
    return factories.make_set(status=SetStatus.DRAFT, province=province, name=name)


def _user_of(world, commune, name):
    return factories.make_user(name, unit=commune, role=Role.COMMUNE_STAFF)


def _axes(model):
    def make(world, name):
        attempt = model.__name__ == "AccessAttempt"
        extra = {"get_data": "", "post_data": "", "failures_since_start": 1} if attempt else {}
        return model.objects.create(
            user_agent="x", ip_address="10.0.0.1", username=name, http_accept="", path_info="/", **extra
        )

    return lambda world: (make(world, "in"), make(world, "out"))


def _token(world):
    from rest_framework.authtoken.models import Token, TokenProxy

    return tuple(
        TokenProxy.objects.get(pk=Token.objects.create(user=_user_of(world, unit, name)).pk)
        for unit, name in ((world.tree.a, "token-in"), (world.cq, "token-out"))
    )


# label: world -> (a row inside the scoped users' scope, a row outside it)
MAKERS = {
    "communes.AdministrativeUnit": lambda w: (w.tree.a, w.cq),
    "communes.UnitSuccession": lambda w: (
        factories.make_succession(w.tree.b, w.tree.a, partial=True),
        factories.make_succession(w.cq2, w.cq, partial=True),
    ),
    "accounts.Membership": lambda w: (
        Membership.objects.get(user=w.cast.staff),
        _user_of(w, w.cq, "xa-cq").memberships.get(),
    ),
    "auth.User": lambda w: (w.cast.staff, _user_of(w, w.cq, "xa-cq")),
    "auth.Group": lambda w: (Group.objects.create(name="nhom-a"), Group.objects.create(name="nhom-b")),
    "authtoken.TokenProxy": _token,
    "axes.AccessAttempt": None,
    "axes.AccessLog": None,
    "axes.AccessFailureLog": None,  # filled below
    "criteria.CriteriaSet": lambda w: (_draft_set(w, w.tree.p, "Bộ tỉnh P"), _draft_set(w, w.q, "Bộ tỉnh Q")),
    "criteria.Criterion": lambda w: tuple(
        Criterion.objects.filter(criteria_set=_draft_set(w, p, n)).first() for p, n in ((w.tree.p, "P"), (w.q, "Q"))
    ),
    "criteria.Indicator": lambda w: tuple(
        Indicator.objects.filter(criteria_set=_draft_set(w, p, n)).first() for p, n in ((w.tree.p, "P"), (w.q, "Q"))
    ),
    "criteria.Department": lambda w: (w.cast.department, Department.objects.create(code="khac", name="Phòng khác")),
    "criteria.SourceDocument": lambda w: tuple(SourceDocument.objects.create(key=k) for k in ("S1", "S2")),
    "criteria.Crosswalk": lambda w: tuple(
        Crosswalk.objects.create(from_set=_draft_set(w, p, f"Cũ {n}"), to_set=_draft_set(w, p, f"Mới {n}"))
        for p, n in ((w.tree.p, "P"), (w.q, "Q"))
    ),
    "assessments.Assessment": _assessments,
    "roadmap.Plan": lambda w: tuple(
        Plan.objects.create(commune=c, level="ntm", target_year=2027) for c in (w.tree.a, w.cq)
    ),
    "roadmap.Recognition": lambda w: tuple(
        Recognition.objects.create(
            commune=c,
            level="ntm",
            decision_number="12/QĐ-UBND",
            decision_date=datetime.date(2024, 12, 1),
            issuing_body="UBND huyện",
        )
        for c in (w.tree.a, w.cq)
    ),
    "jobs.Job": lambda w: tuple(
        Job.objects.create(kind="recompute_summaries", created_by=u)
        for u in (w.users["province_admin"], w.cast.superuser)
    ),
    "jobs.SentReminder": lambda w: tuple(
        SentReminder.objects.create(kind="k", user=u, key=u.username, day=datetime.date(2024, 1, 1), subject="s")
        for u in (w.cast.staff, w.cast.staff_c)
    ),
    "workbooks.ImportRecord": lambda w: tuple(
        ImportRecord.objects.create(file_name=n, sha256="0" * 64, outcome="ok", who=w.users["province_admin"])
        for n in ("in.xlsx", "out.xlsx")
    ),
}
for _label in ("axes.AccessAttempt", "axes.AccessLog", "axes.AccessFailureLog"):
    from django.apps import apps as _apps

    MAKERS[_label] = _axes(_apps.get_model(_label))

# Models whose rows are for superusers only (no unit to scope them by).
SUPERUSER_ONLY = {
    "auth.User",
    "auth.Group",
    "authtoken.TokenProxy",
    "axes.AccessAttempt",
    "axes.AccessLog",
    "axes.AccessFailureLog",
    "criteria.Department",
    "criteria.SourceDocument",
    "criteria.Crosswalk",
    "jobs.Job",
    "jobs.SentReminder",
    "workbooks.ImportRecord",
}
# A criteria admin of huyện H reads the sets of their province but changes only sets of a province they administer.
READ_ONLY_INSIDE = {
    ("district_admin", label) for label in ("criteria.CriteriaSet", "criteria.Criterion", "criteria.Indicator")
}


def _access(label, role, place) -> str:
    if role == "superuser":
        return "edit"
    if role in ("commune_staff", "reviewer_staff") or label in SUPERUSER_ONLY or place == "outside":
        return "none"
    return "view" if (role, label) in READ_ONLY_INSIDE else "edit"


def _admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _refused(response, obj) -> bool:
    if response.status_code == 302:
        return f"/{quote(str(obj.pk))}/" not in response["Location"].split("?")[0]
    marker = str(obj)
    # The page's CSRF token is random text: a short name ("S1") may turn up in it by chance.
    content = re.sub(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+', "", response.content.decode())
    return response.status_code in (403, 404) and not (marker and marker in content)


def _exists(model, obj) -> bool:
    pk = model._meta.pk  # DRF's TokenProxy answers obj.pk with its user's id, not its key
    return model._default_manager.filter(**{pk.attname: pk.value_from_object(obj)}).exists()


def test_every_registered_admin_is_scoped_and_has_a_case():
    for model, model_admin in django_admin.site._registry.items():
        assert isinstance(model_admin, ScopedAdminMixin), model._meta.label
        assert MAKERS.get(model._meta.label), f"no scope case for {model._meta.label}"
        for inline in model_admin.inlines:
            assert hasattr(inline, "_page_editable"), inline


@pytest.mark.parametrize("role", ADMIN_ROLES)
@pytest.mark.parametrize("label", REGISTERED)
def test_admin_views_role_scope(client, world, label, role):
    model = next(m for m in django_admin.site._registry if m._meta.label == label)
    inside, outside = MAKERS[label](world)
    user = world.users[role]
    client.force_login(world.users["superuser"])
    superuser_add = client.get(_admin_url(model, "add")).status_code
    superuser_delete = client.get(_admin_url(model, "delete", quote(inside.pk))).status_code
    client.force_login(user)

    changelist = client.get(_admin_url(model, "changelist"))
    if role == "commune_staff":
        assert changelist.status_code == 302 and "/login/" in changelist["Location"]
    elif role != "superuser" and label in SUPERUSER_ONLY:
        assert changelist.status_code == 403
    else:
        assert changelist.status_code == 200, label
        listed = {row.pk for row in changelist.context["cl"].result_list}
        assert (inside.pk in listed) == (_access(label, role, "inside") != "none"), label
        assert (outside.pk in listed) == (_access(label, role, "outside") != "none"), label

    add = client.get(_admin_url(model, "add"))
    if role == "superuser" or (label not in SUPERUSER_ONLY and role != "commune_staff"):
        assert add.status_code == superuser_add
    else:
        assert add.status_code in (302, 403)

    for place, obj in (("inside", inside), ("outside", outside)):
        access = _access(label, role, place)
        pages = {view: _admin_url(model, view, quote(obj.pk)) for view in ("change", "history", "delete")}
        history = getattr(model, "history", None)
        if history is not None and hasattr(history, "latest"):
            version = model.history.filter(**{model._meta.pk.attname: obj.pk}).first()
            try:
                pages["revert"] = _admin_url(model, "simple_history", quote(obj.pk), version.history_id)
            except NoReverseMatch:
                pass
        for view, url in pages.items():
            response = client.get(url)
            if view == "delete" and access == "edit":
                assert response.status_code == (superuser_delete if place == "inside" else 200), (view, label)
            elif access in ("view", "edit") and view != "delete":
                assert response.status_code == 200, (view, label, place)
            else:
                assert _refused(response, obj), (view, label, place, response.status_code)
        if access != "edit":
            client.post(pages["delete"], {"post": "yes"})
            assert _exists(model, obj), (label, place)
