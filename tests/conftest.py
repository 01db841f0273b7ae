import os
import subprocess
import tempfile
from pathlib import Path

import pytest

from accounts.models import Membership, Role
from assessments import services
from assessments.models import Status
from communes.models import AdministrativeUnit, CommuneGroup, Era, Level, Region
from tests import factories
from tests.helpers import at, iso_date

# Fixtures of their own modules, with the helpers that go with them: a real Celery worker, a real S3 server.
pytest_plugins = ["tests.celery_fixtures", "tests.s3_fixtures"]


def pytest_report_header(config):
    from django.conf import settings

    return f"database: {settings.DATABASES['default']['ENGINE']}; CI={os.environ.get('CI', '')}"


@pytest.fixture
def tree(db):
    """A small cast of units: province P (region BTB) → district H → communes A, B; district H2 → C;
    after the reform, province P' → commune N formed from A (whole) and B (part)."""
    p = factories.make_unit(code="42", name="Tỉnh P", region=Region.BTB)
    h = factories.make_unit(parent=p, code="443", name="Huyện H")
    a = factories.make_unit(parent=h, code="18436", name="Xã A")
    b = factories.make_unit(parent=h, code="18439", name="Xã B")
    h2 = factories.make_unit(parent=p, code="444", name="Huyện H2")
    c = factories.make_unit(parent=h2, code="18500", name="Xã C")
    p_new = factories.make_unit(code="42", name="Tỉnh P mới", era=Era.CURRENT)
    n = factories.make_unit(parent=p_new, code="18436", name="Xã N", level=Level.COMMUNE)
    factories.make_succession(a, n)
    factories.make_succession(b, n, partial=True)
    return type("Tree", (), dict(p=p, h=h, a=a, b=b, h2=h2, c=c, p_new=p_new, n=n))


@pytest.fixture
def cast(tree):
    """The workflow cast on `tree` (factories.make_cast). The officer of xã C also enters xã B: staff_of()
    gives them every commune but xã A, so make_draft() and friends work on xã B too."""
    cast = factories.make_cast(tree)
    Membership.objects.create(user=cast.staff_c, unit=tree.b, role=Role.COMMUNE_STAFF)
    return cast


@pytest.fixture
def cs(cast):
    """The workflow's criteria set (factories.make_flow_set): criterion 2 is the cast's department's."""
    return factories.make_flow_set(cast.department, code="xa-ntm-test")


@pytest.fixture
def workbook_set(tree):
    """The results workbooks' set: 1.1, 1.2 yes/no; 2.1 a percentage (≥70%, ≥90% in the Red River delta);
    3 an income whose threshold depends on the commune group (no general one). Xã A is in group 1; xã B
    in the Red River delta and group 3."""
    cs = factories.make_set()
    factories.make_numeric(cs, "2.1", value="70", variants=[{"region": Region.DBSH, "value": 90}])
    factories.make_numeric(
        cs,
        "3",
        value="0",
        unit="triệu đồng",
        variants=[
            {"commune_group": CommuneGroup.NHOM1, "value": 60},
            {"commune_group": CommuneGroup.NHOM3, "value": 45},
        ],
    )
    tree.a.commune_group = CommuneGroup.NHOM1
    tree.a.save()
    tree.b.region, tree.b.commune_group = Region.DBSH, CommuneGroup.NHOM3
    tree.b.save()
    return cs


@pytest.fixture
def dashboard_world(tree):
    """The dashboards' world: set S (criteria 1 {1.1, 1.2}, 2 {2.1, 2.2}, 3 {3}), district H of province P:
      Xã Đông (A)  approved 31/03/2024 1/3 · approved 30/09/2024 3/3 · submitted 31/12/2024
      Xã Yên  (B)  approved 30/06/2024 2/3 (fails 3) · returned 31/12/2024
      Xã Ái   (D)  nothing
      Xã Bình (E)  approved 15/02/2024 1/3 (fails 2, 3) · draft 31/12/2024
    district H2: Xã C approved 30/06/2024 3/3; after the merge, Xã N (2025) approved 30/09/2025 2/3.
    The cast is factories.make_cast's, without the `cast` fixture's membership of xã B."""
    cast = factories.make_cast(tree)
    cs = factories.make_set(code="bo-s", name="Bộ tiêu chí S")
    AdministrativeUnit.objects.filter(pk=tree.a.pk).update(name="Xã Đông")
    AdministrativeUnit.objects.filter(pk=tree.b.pk).update(name="Xã Yên")
    dd = factories.make_unit(parent=tree.h, code="18441", name="Xã Ái")
    e = factories.make_unit(parent=tree.h, code="18442", name="Xã Bình")
    factories.make_summarised_assessment(tree.a, cs, iso_date("2024-03-31"), {"1.2", "2.1"})
    factories.make_summarised_assessment(tree.a, cs, iso_date("2024-09-30"))
    factories.make_summarised_assessment(tree.a, cs, iso_date("2024-12-31"), status=Status.SUBMITTED)
    factories.make_summarised_assessment(tree.b, cs, iso_date("2024-06-30"), {"3"})
    factories.make_summarised_assessment(tree.b, cs, iso_date("2024-12-31"), status=Status.RETURNED)
    factories.make_summarised_assessment(e, cs, iso_date("2024-02-15"), {"2.1", "2.2", "3"})
    factories.make_summarised_assessment(e, cs, iso_date("2024-12-31"), status=Status.DRAFT)
    factories.make_summarised_assessment(tree.c, cs, iso_date("2024-06-30"))
    factories.make_summarised_assessment(tree.n, cs, iso_date("2025-09-30"), {"1.1"})
    return type("World", (), dict(cast=cast, cs=cs, t=tree, d=dd, e=e))


@pytest.fixture
def reminder_world(tree, settings):
    """The reminders' world, due 15/12. Xã A (staff with an email) has reported nothing; xã B submitted on
    01/12 and xã C on 14/12. Huyện H's reviewer therefore has a submission 15 days old; huyện H2's only a
    fresh one."""
    settings.NTM_REPORTING_DUE = "12-15"
    settings.NTM_REVIEW_REMINDER_DAYS = 7
    settings.NTM_SITE_URL = "https://ntm.example.vn"
    cs = factories.make_flow_set()
    staff_a = factories.make_user("canbo.a", unit=tree.a, role=Role.COMMUNE_STAFF, email="a@xa.vn", first_name="Lan")
    staff_a_no_email = factories.make_user("canbo.a2", unit=tree.a, role=Role.COMMUNE_STAFF)
    staff_b = factories.make_user("canbo.b", unit=tree.b, role=Role.COMMUNE_STAFF, email="b@xa.vn")
    staff_c = factories.make_user("canbo.c", unit=tree.c, role=Role.COMMUNE_STAFF, email="c@xa.vn")
    reviewer_h = factories.make_user("thamdinh.h", unit=tree.h, role=Role.REVIEWER, email="h@huyen.vn")
    reviewer_h2 = factories.make_user("thamdinh.h2", unit=tree.h2, role=Role.REVIEWER, email="h2@huyen.vn")
    _submit_at(cs, tree.b, staff_b, (2024, 12, 1, 9))
    _submit_at(cs, tree.c, staff_c, (2024, 12, 14, 9))
    return type(
        "World",
        (),
        dict(
            staff_a=staff_a,
            staff_a_no_email=staff_a_no_email,
            reviewer_h=reviewer_h,
            reviewer_h2=reviewer_h2,
            cs=cs,
        ),
    )


def _submit_at(cs, commune, by, when):
    with at(*when):
        assessment = services.assessment_create(commune=commune, criteria_set=cs, as_of=factories.D, by=by)
        services.indicator_results_update(assessment=assessment, entries=factories.ANSWERS, by=by)
        return services.assessment_submit(assessment=assessment, by=by)


@pytest.fixture
def media(settings, tmp_path):
    """Uploaded and generated files in a temporary MEDIA_ROOT (a module that stores files uses it for every
    test: `pytestmark = pytest.mark.usefixtures("media")`)."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def pytest_sessionstart(session):
    """Compile the gettext catalogues whose .mo is missing or older than the .po (.mo files are not in git).

    A hook rather than a fixture: it runs before collection, so no translation is loaded from a stale file.
    """
    from django.conf import settings

    for locale_dir in settings.LOCALE_PATHS:
        for po in sorted(Path(locale_dir).glob("*/LC_MESSAGES/*.po")):
            mo = po.with_suffix(".mo")
            if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
                _compile_catalogue(po, mo)


def _compile_catalogue(po: Path, mo: Path) -> None:
    # What `manage.py compilemessages` runs, written beside the target and renamed into place:
    # another test run may be reading the .mo at this moment and must never see half a file.
    fd, tmp = tempfile.mkstemp(prefix=".", suffix=".mo", dir=po.parent)
    os.close(fd)
    try:
        result = subprocess.run(["msgfmt", "--check-format", "-o", tmp, str(po)], capture_output=True, text=True)
        if result.returncode:
            pytest.exit(f"msgfmt cannot compile {po}:\n{result.stderr}", returncode=pytest.ExitCode.USAGE_ERROR)
        os.chmod(tmp, 0o644)
        os.replace(tmp, mo)
    except FileNotFoundError:
        pytest.exit("msgfmt is missing: install gettext (apt-get install gettext).", pytest.ExitCode.USAGE_ERROR)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: the data-version cache (ntm.lib.data_version) and the rate
    limits would otherwise carry entries over from a test whose database rows were rolled back."""
    from django.core.cache import cache

    cache.clear()
    yield
