import os
import subprocess
import tempfile
from pathlib import Path

import pytest

from communes.models import Era, Level, Region
from tests import factories


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
    """The workflow cast on `tree` (tests/factories_flow.py): the officer of xã C also enters xã B."""
    from accounts.models import Membership, Role
    from tests.factories_flow import make_cast

    cast = make_cast(tree)
    Membership.objects.create(user=cast.staff_c, unit=tree.b, role=Role.COMMUNE_STAFF)
    return cast


@pytest.fixture
def media(settings, tmp_path):
    """Uploaded and generated files in a temporary MEDIA_ROOT."""
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
