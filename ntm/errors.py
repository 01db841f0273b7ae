"""The site's error answers: styled pages in the user's language, JSON for the API (/api/).

Django's defaults are bare English pages, which also hid the reasons the views give for a 403. A 500
or 503 page is rendered without the request's context processors (they read the session and the
user, which may be what failed), from a template that extends nothing that needs them. A database that
cannot be reached (OperationalError, InterfaceError) is a 503 with Retry-After, not a 500: the request
was fine and will work again.
"""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token

from ntm.middleware import API_PREFIX

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
DATABASE_ERRORS = (OperationalError, InterfaceError)


def is_api(request) -> bool:
    return request.path_info.startswith(API_PREFIX)


def _json(detail: str, status: int, **headers) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=status, headers=headers or None)


@requires_csrf_token
def page_not_found(request, exception=None):
    if is_api(request):
        return _json(_("Không tìm thấy."), 404)
    return render(request, "404.html", status=404)


@requires_csrf_token
def permission_denied(request, exception=None):
    # The views raise PermissionDenied with a sentence written for the user; Django's own carry none.
    reason = str(exception) if exception is not None else ""
    if is_api(request):
        return _json(reason or _("Bạn không có quyền thực hiện thao tác này."), 403)
    return render(request, "403.html", {"reason": reason}, status=403)


@requires_csrf_token
def csrf_failure(request, reason=""):
    # Django's reason ("CSRF token missing") is for developers; the user needs to know what to do.
    message = _("Phiên làm việc đã hết hạn hoặc trang đã cũ. Hãy tải lại trang rồi thử lại.")
    if is_api(request):
        return _json(message, 403)
    return render(request, "403.html", {"reason": message}, status=403)


def server_error(request):
    exc = sys.exc_info()[1]
    if isinstance(exc, DATABASE_ERRORS):
        return service_unavailable(request)
    if is_api(request):
        return _json(_("Lỗi máy chủ. Vui lòng thử lại sau."), 500)
    return _standalone("500.html", 500)


def service_unavailable(request):
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    if is_api(request):
        return _json(_("Cơ sở dữ liệu tạm thời không truy cập được. Vui lòng thử lại sau ít phút."), 503, **headers)
    response = _standalone("503.html", 503)
    response["Retry-After"] = headers["Retry-After"]
    return response


def _standalone(template: str, status: int) -> HttpResponse:
    try:
        # No request: no context processors, so no session, user or database is touched.
        return HttpResponse(render_to_string(template), status=status)
    except Exception:  # noqa: BLE001 - an error page must never fail in its turn
        logger.exception("The %s page could not be rendered.", status)
        return HttpResponse(f"<!doctype html><title>{status}</title><h1>{status}</h1>", status=status)
