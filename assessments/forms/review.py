"""The forms of the review steps. Each carries the revision the user saw, so a step taken from an
older page is refused by the service as stale instead of acting on a state nobody looked at."""

from django import forms
from django.utils.translation import gettext_lazy as _

from assessments.models import VerificationState
from ntm.lib import notes

STALE_PAGE = _("Trang đã cũ; hãy tải lại trang rồi thao tác lại.")


class StepForm(forms.Form):
    revision = forms.IntegerField(
        min_value=1,
        widget=forms.HiddenInput,
        error_messages={"required": STALE_PAGE, "invalid": STALE_PAGE, "min_value": STALE_PAGE},
    )


def _reason_field(label, required_message) -> forms.CharField:
    # The same message as the service's, which checks again (a reason of spaces is no reason, nor
    # one over NTM_NOTE_MAX_CHARS).
    return forms.CharField(
        label=label,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": notes.max_chars()}),
        error_messages={"required": required_message},
        validators=[notes.validate_note_length],
    )


class ReturnForm(StepForm):
    reason = _reason_field(_("Lý do trả lại"), _("Hãy nêu lý do trả lại."))


class ReopenForm(StepForm):
    reason = _reason_field(_("Lý do mở lại"), _("Hãy nêu lý do mở lại đánh giá."))


class ApproveForm(StepForm):
    """Approving while some indicators are unchecked or flagged by their department needs a tick."""

    confirm = forms.BooleanField(
        label=_("Tôi đã xem các chỉ tiêu chưa rà soát hoặc cần xem lại và vẫn duyệt đánh giá này."),
        error_messages={"required": _("Hãy đánh dấu xác nhận trước khi duyệt.")},
    )

    def __init__(self, *args, needs_confirmation: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not needs_confirmation:
            del self.fields["confirm"]


class VerifyForm(StepForm):
    state = forms.ChoiceField(
        choices=[
            (VerificationState.VERIFIED, VerificationState.VERIFIED.label),
            (VerificationState.FLAGGED, VerificationState.FLAGGED.label),
        ]
    )
    # Required only when flagging: the service says so, in its own words.
    comment = forms.CharField(
        label=_("Ý kiến"),
        required=False,
        validators=[notes.validate_note_length],
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": notes.max_chars()}),
    )
