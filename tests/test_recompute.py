"""recompute_summaries: the service, the command, the job, and the admin edits that start it."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from assessments.models import Assessment
from assessments.recompute import summaries_recompute
from communes.models import AdministrativeUnit, Region
from criteria.models import CriteriaSet, Indicator, SetStatus
from jobs.models import Job, JobStatus
from tests import factories
from tests.helpers import change_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(tree):
    return factories.make_recompute_world(tree)


def _move_to_dbsh(unit):
    AdministrativeUnit.objects.filter(pk=unit.pk).update(region=Region.DBSH)


def _summary(assessment):
    assessment.refresh_from_db()
    return assessment.criteria_met, assessment.indicators_met


def test_a_region_change_is_recomputed_for_open_assessments_only(world):
    assert _summary(world.draft) == (2, 4)
    _move_to_dbsh(world.tree.a)
    report = summaries_recompute(unit=world.tree.a)
    assert (report.examined, report.changed) == (1, 1)
    assert _summary(world.draft) == (1, 3)  # criterion 2 (Giao thông) no longer met
    assert world.draft.results.get(indicator__code="2.1").met is False
    assert _summary(world.approved) == (2, 4)  # approved under the old target, left alone
    assert report.changes == [
        {
            "id": world.draft.pk,
            "commune": "Xã A",
            "set": world.cs.code,
            "as_of": "2024-06-30",
            "before": [2, 3, 4, 5],
            "after": [1, 3, 3, 5],
        }
    ]


def test_nothing_changes_when_nothing_moved(world):
    report = summaries_recompute()
    assert (report.examined, report.changed, report.changes) == (2, 0, [])


def test_dry_run_reports_but_saves_nothing(world):
    _move_to_dbsh(world.tree.a)
    report = summaries_recompute(unit=world.tree.a, dry_run=True)
    assert report.changed == 1 and report.dry_run
    assert _summary(world.draft) == (2, 4)
    assert world.draft.results.get(indicator__code="2.1").met is True


def test_set_and_unit_narrow_the_scope(world):
    _move_to_dbsh(world.tree.a)
    _move_to_dbsh(world.tree.c)
    assert summaries_recompute(set_code="no-such-set").examined == 0
    assert summaries_recompute(set_code=world.cs.code, unit=world.tree.h2).changed == 1
    assert _summary(world.other) == (1, 3) and _summary(world.draft) == (2, 4)


def test_batches_report_progress(world):
    calls = []
    summaries_recompute(on_progress=lambda done, total: calls.append((done, total)), batch_size=1)
    assert calls == [(1, 2), (2, 2)]


def test_command_lists_the_changes(world):
    _move_to_dbsh(world.tree.a)
    out = io.StringIO()
    call_command("recompute_summaries", "--unit", "pre2025/18436", "--dry-run", stdout=out)
    text = out.getvalue()
    assert "Examined 1 non-approved assessment(s); 1 summary(ies) would change." in text
    assert f"#{world.draft.pk} Xã A · {world.cs.code} · 2024-06-30: 2/3 criteria, 4/5 indicators → 1/3" in text
    assert "Dry run: nothing was saved." in text and _summary(world.draft) == (2, 4)
    out = io.StringIO()
    call_command("recompute_summaries", "--set", world.cs.code, stdout=out)
    assert "1 summary(ies) changed." in out.getvalue() and _summary(world.draft) == (1, 3)


def test_command_refuses_an_unknown_unit(world):
    with pytest.raises(CommandError, match="pre2025/00000"):
        call_command("recompute_summaries", "--unit", "pre2025/00000", stdout=io.StringIO())


# Started by the admin, as a job


def _admin_save(client, url, changes):
    data = change_form_data(client.get(url)) | changes
    return client.post(url, data, follow=True)


def test_changing_a_communes_region_in_the_admin_recomputes_it_after_commit(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.cast.superuser)
    url = reverse("admin:communes_administrativeunit_change", args=[world.tree.a.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = _admin_save(client, url, {"region": Region.DBSH})
    job = Job.objects.get()
    assert (job.kind, job.created_by, job.params) == (
        "recompute_summaries",
        world.cast.superuser,
        {"unit": "pre2025/18436"},
    )
    assert job.status == JobStatus.SUCCEEDED and job.result["changed"] == 1
    assert _summary(world.draft) == (1, 3) and _summary(world.approved) == (2, 4)
    assert job.get_absolute_url() in response.content.decode()  # the message links to the job's page
    page = client.get(job.get_absolute_url()).content.decode()
    assert (
        "1 đánh giá thay đổi kết quả tổng hợp." in page
        and "2/3 tiêu chí, 4/5 chỉ tiêu → 1/3 tiêu chí, 3/5 chỉ tiêu" in page
    )
    assert reverse("web:assessment", args=[world.draft.pk]) in page and "30/06/2024" in page


def test_other_unit_edits_start_nothing(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.cast.superuser)
    with django_capture_on_commit_callbacks(execute=True):
        _admin_save(
            client, reverse("admin:communes_administrativeunit_change", args=[world.tree.a.pk]), {"name": "Xã A mới"}
        )
        _admin_save(
            client, reverse("admin:communes_administrativeunit_change", args=[world.tree.h.pk]), {"region": Region.DBSH}
        )
    assert not Job.objects.exists()


def test_editing_a_used_draft_sets_target_in_the_admin_recomputes_the_set(
    client, world, django_capture_on_commit_callbacks
):
    CriteriaSet.objects.filter(pk=world.cs.pk).update(status=SetStatus.DRAFT)  # used, then back to draft
    indicator = Indicator.objects.get(criteria_set=world.cs, code="2.1")
    client.force_login(world.cast.superuser)
    with django_capture_on_commit_callbacks(execute=True):
        _admin_save(client, reverse("admin:criteria_indicator_change", args=[indicator.pk]), {"target_value": "76"})
    job = Job.objects.get()
    assert job.params == {"set": world.cs.code} and job.status == JobStatus.SUCCEEDED
    assert job.result["changed"] == 2  # xã A's and xã C's drafts; the approved one is left alone
    assert _summary(world.draft) == (1, 3) and _summary(world.approved) == (2, 4)


def test_editing_a_target_row_in_the_admin_also_recomputes(client, world, django_capture_on_commit_callbacks):
    CriteriaSet.objects.filter(pk=world.cs.pk).update(status=SetStatus.DRAFT)
    indicator = Indicator.objects.get(criteria_set=world.cs, code="2.1")
    client.force_login(world.cast.superuser)
    url = reverse("admin:criteria_indicator_change", args=[indicator.pk])
    data = change_form_data(client.get(url))
    prefix = next(k for k in data if k.endswith("-0-region")).removesuffix("-0-region")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, data | {f"{prefix}-0-region": Region.BTB})  # the ≥80% row now applies to BTB
    assert Job.objects.get().result["changed"] == 2


def test_editing_other_indicator_fields_or_an_unused_set_starts_nothing(
    client, world, django_capture_on_commit_callbacks
):
    CriteriaSet.objects.filter(pk=world.cs.pk).update(status=SetStatus.DRAFT)
    unused = factories.make_flow_set(status=SetStatus.DRAFT)
    client.force_login(world.cast.superuser)
    with django_capture_on_commit_callbacks(execute=True):
        _admin_save(
            client,
            reverse(
                "admin:criteria_indicator_change", args=[Indicator.objects.get(criteria_set=world.cs, code="2.1").pk]
            ),
            {"name": "Tỷ lệ đường được cứng hóa"},
        )
        _admin_save(
            client,
            reverse(
                "admin:criteria_indicator_change", args=[Indicator.objects.get(criteria_set=unused, code="2.1").pk]
            ),
            {"target_value": "90"},
        )
    assert not Job.objects.exists()
    assert Assessment.objects.filter(criteria_met=1).count() == 0
