"""Sign-in pages that Django's auth views do not cover: the lockout page and a logout that says so."""

import math

from axes.helpers import get_client_username, get_cool_off
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _


def locked_out(request, original_response=None, credentials=None):
    """The 429 page django-axes shows instead of the login form once an account is locked (AXES_LOCKOUT_CALLABLE).

    Axes only calls this right after recording a failure, and every failure during a lockout starts
    the cool-off again, so the lock ends one cool-off from now.
    """
    cool_off = get_cool_off(request)
    ctx = {
        "username": get_client_username(request, credentials) or "",
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "minutes": math.ceil(cool_off.total_seconds() / 60),
        "until": timezone.now() + cool_off,
    }
    return render(request, "registration/locked_out.html", ctx, status=settings.AXES_HTTP_RESPONSE_CODE)


class LogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        # After logout() the session is gone; the message survives in the cookie storage.
        messages.info(request, _("Bạn đã đăng xuất."))
        return response
