"""The length limit of free text people type: evidence notes, return and reopen reasons, review
comments, roadmap notes. One limit (settings.NTM_NOTE_MAX_CHARS), one message, used by the services
(every path), the models' validators (the admin) and the forms' maxlength (the browser).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext as _


def max_chars() -> int:
    return settings.NTM_NOTE_MAX_CHARS


def too_long_error(text: str) -> ValidationError:
    return ValidationError(
        _("Nội dung dài %(length)s ký tự; tối đa %(max)s ký tự."),
        code="too_long",
        params={
            "length": formats.number_format(len(text), force_grouping=True),
            "max": formats.number_format(max_chars(), force_grouping=True),
        },
    )


def validate_note_length(value) -> None:
    """A model field validator (the admin's forms run it): no longer than NTM_NOTE_MAX_CHARS."""
    if value is not None and len(str(value)) > max_chars():
        raise too_long_error(str(value))


def clean_note(text) -> str:
    """`text` as stored (None → ""), or a ValidationError (code "too_long") when over the limit."""
    text = "" if text is None else str(text)
    validate_note_length(text)
    return text
