"""Evidence files (tệp minh chứng) on a result: added and removed by the commune's staff while the
assessment is a draft or returned. The type is read from the content (assessments.filetypes)."""

import os
import unicodedata
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from accounts.models import Role
from assessments import filetypes, permissions
from assessments.models import EvidenceFile, IndicatorResult
from assessments.services import common
from assessments.services.entry import check_editable


def _check_can_edit(by, assessment) -> None:
    common.require(
        permissions.has_role(by, assessment.commune, Role.COMMUNE_STAFF),
        _("Bạn không có quyền sửa đánh giá của xã này."),
    )
    check_editable(assessment)


def clean_name(name: str) -> str:
    """The uploader's file name, for display only: no folders, no control characters, 255 at most."""
    name = os.path.basename((name or "").replace("\\", "/"))
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    if len(name) > 255:
        stem, ext = os.path.splitext(name)
        name = stem[: 255 - len(ext)] + ext
    return name or "minh-chung"


def declared_too_large_error() -> ValidationError:
    """An upload refused on its declared size (Content-Length), before its body is read."""
    return ValidationError(
        _("Tệp tải lên lớn hơn giới hạn %(limit)s."),
        code="too_large",
        params={"limit": filesizeformat(settings.EVIDENCE_MAX_BYTES)},
    )


def check_upload(upload) -> filetypes.FileType:
    """The upload's detected type, or a ValidationError saying why it is refused."""
    name = clean_name(upload.name)
    if upload.size == 0:
        raise ValidationError(_("Tệp “%(name)s” rỗng."), code="empty", params={"name": name})
    if upload.size > settings.EVIDENCE_MAX_BYTES:
        raise ValidationError(
            _("Tệp “%(name)s” lớn hơn giới hạn %(limit)s."),
            code="too_large",
            params={"name": name, "limit": filesizeformat(settings.EVIDENCE_MAX_BYTES)},
        )
    detected = filetypes.detect(upload)
    if detected is None or detected.kind not in settings.EVIDENCE_ALLOWED_TYPES:
        allowed = ", ".join(
            filetypes.TYPES[k].extension.upper() for k in settings.EVIDENCE_ALLOWED_TYPES if k in filetypes.TYPES
        )
        raise ValidationError(
            _(
                "Tệp “%(name)s” không thuộc loại được nhận (%(allowed)s). Loại tệp được xác định theo nội dung, "
                "không theo phần mở rộng của tên tệp."
            ),
            code="file_type",
            params={"name": name, "allowed": allowed},
        )
    return detected


@transaction.atomic
def evidence_file_add(*, result: IndicatorResult, upload, by) -> EvidenceFile:
    """Store `upload` (a Django UploadedFile) as evidence of `result`, under a generated name."""
    locked = common.lock(result.assessment)
    _check_can_edit(by, locked)
    detected = check_upload(upload)
    evidence = EvidenceFile(
        result=result,
        original_name=clean_name(upload.name),
        content_type=detected.content_type,
        size=upload.size,
        uploaded_by=by,
    )
    evidence.file.save(f"{uuid.uuid4().hex}.{detected.extension}", upload, save=False)
    evidence._history_user = by
    try:
        evidence.save()
    except Exception:
        evidence.file.storage.delete(evidence.file.name)  # the row is not there: neither is the file
        raise
    return evidence


@transaction.atomic
def evidence_file_remove(*, evidence: EvidenceFile, by) -> None:
    """Remove an evidence file; the stored file is deleted once the removal is committed."""
    locked = common.lock(evidence.result.assessment)
    _check_can_edit(by, locked)
    storage, name = evidence.file.storage, evidence.file.name
    evidence._history_user = by
    evidence.delete()
    transaction.on_commit(lambda: storage.delete(name))
