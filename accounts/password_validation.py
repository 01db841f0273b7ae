"""Password rules with messages Django's Vietnamese catalogue lacks."""

from django.contrib.auth import password_validation
from django.utils.translation import ngettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's rule, with our own message: Django changed the msgid of "This password is too short"
    and its vi catalogue still has the old one, so the error showed in English on Vietnamese pages."""

    def get_error_message(self):
        return ngettext(
            "Mật khẩu quá ngắn: cần ít nhất %(min_length)d ký tự.",
            "Mật khẩu quá ngắn: cần ít nhất %(min_length)d ký tự.",
            self.min_length,
        ) % {"min_length": self.min_length}
