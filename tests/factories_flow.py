"""The cast and the assessments of the entry / review workflow tests.

The cast, on the `tree` fixture: a commune officer of xã A, a reviewer, a department officer, a
viewer and a criteria admin of huyện H, an outsider (a reviewer of huyện H2) and a superuser.
Assessments are moved through the workflow by the services, as the app moves them.
"""

import datetime
import io
import zipfile
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Membership, Role
from assessments import services
from assessments.models import Assessment
from criteria.models import CriteriaSet, Criterion, Department
from tests import factories

D = datetime.date(2024, 6, 30)

# Every indicator of make_flow_set answered: 2.1 is numeric (≥70%), the rest yes/no.
ANSWERS = {
    "1.1": {"met": True},
    "1.2": {"met": False},
    "2.1": {"value": "75"},
    "2.2": {"met": True},
    "3": {"met": True},
}


@dataclass
class Cast:
    staff: object
    reviewer: object
    officer: object
    viewer: object
    admin: object
    outsider: object
    superuser: object
    department: Department
    # Not in the cast: they move assessments of xã A and xã C into the state a test needs.
    staff_c: object
    province_reviewer: object


def make_cast(tree) -> Cast:
    department = Department.objects.create(code="kinh-te-ha-tang", name="Phòng Kinh tế - Hạ tầng")
    officer = factories.make_user("phong.kt")
    Membership.objects.create(user=officer, unit=tree.h, role=Role.DEPARTMENT_OFFICER, department=department)
    return Cast(
        staff=factories.make_user("canbo.xa-a", unit=tree.a, role=Role.COMMUNE_STAFF),
        reviewer=factories.make_user("thamdinh.h", unit=tree.h, role=Role.REVIEWER),
        officer=officer,
        viewer=factories.make_user("xem.h", unit=tree.h, role=Role.VIEWER),
        admin=factories.make_user("quantri.h", unit=tree.h, role=Role.CRITERIA_ADMIN),
        outsider=factories.make_user("thamdinh.h2", unit=tree.h2, role=Role.REVIEWER),
        superuser=factories.make_user("admin", is_superuser=True, is_staff=True),
        department=department,
        staff_c=factories.make_user("canbo.xa-c", unit=tree.c, role=Role.COMMUNE_STAFF),
        province_reviewer=factories.make_user("thamdinh.tinh", unit=tree.p, role=Role.REVIEWER),
    )


def make_flow_set(department: Department | None = None, **kw) -> CriteriaSet:
    """Three criteria, five indicators; 2.1 numeric (≥70%); criterion 2 (Giao thông) is `department`'s."""
    cs = factories.make_set(**kw)
    factories.make_numeric(cs, "2.1", value="70")
    Criterion.objects.filter(criteria_set=cs, number=2).update(department=department)
    return cs


def staff_of(cast: Cast, commune):
    return cast.staff if commune.code == "18436" else cast.staff_c


def make_draft(cast: Cast, cs: CriteriaSet, commune, *, answers=ANSWERS, as_of=D) -> Assessment:
    by = staff_of(cast, commune)
    assessment = services.assessment_create(commune=commune, criteria_set=cs, as_of=as_of, by=by)
    if answers:
        services.indicator_results_update(assessment=assessment, entries=answers, by=by)
    return assessment


def make_submitted(cast: Cast, cs: CriteriaSet, commune, **kw) -> Assessment:
    assessment = make_draft(cast, cs, commune, **kw)
    return services.assessment_submit(assessment=assessment, by=staff_of(cast, commune))


def make_approved(cast: Cast, cs: CriteriaSet, commune, **kw) -> Assessment:
    assessment = make_submitted(cast, cs, commune, **kw)
    return services.assessment_approve(assessment=assessment, by=cast.province_reviewer, confirm_unverified=True)


def make_returned(cast: Cast, cs: CriteriaSet, commune, **kw) -> Assessment:
    assessment = make_submitted(cast, cs, commune, **kw)
    return services.assessment_return(assessment=assessment, by=cast.province_reviewer, reason="Thiếu biên bản.")


# Files, as their first bytes make them


PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32
GIF = b"GIF89a" + b"\x00" * 32
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def ooxml(part: str) -> bytes:
    return zipped({"[Content_Types].xml": b"<Types/>", f"{part}/document.xml": b"<x/>"})


def odf(mimetype: str) -> bytes:
    return zipped({"mimetype": mimetype.encode(), "content.xml": b"<x/>"})


def ole(*streams: str) -> bytes:
    directory = b"".join(name.encode("utf-16-le") + b"\x00\x00" + b"\x00" * 8 for name in ("Root Entry", *streams))
    return OLE_MAGIC + b"\x00" * 504 + directory


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)
