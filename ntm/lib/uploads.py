"""Refusing an upload by its declared size, before anything reads the request body.

Django reads the whole multipart body as soon as something touches request.POST or request.FILES,
and the CSRF check does so before any view runs: a 30 MB upload would be read and spooled to a
temporary file before a service could say it is too big. So a view that takes an upload declares
its limit with `@upload_limit("SETTING_NAME")`; ntm.middleware.DeclaredUploadSizeMiddleware (placed
before the CSRF middleware) then drops the body of a request whose Content-Length is over it, and the
view itself refuses such a request (`declared_too_large`) first thing, without reading it.
"""

import functools

from django.conf import settings
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict

# Room for the multipart envelope and the other fields around the file.
FORM_OVERHEAD = 64 * 1024


def declared_size(request) -> int:
    """The body size the client declared (Content-Length), 0 when missing or not a number."""
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


def declared_too_large(request, limit: int) -> bool:
    """True when the declared body is larger than a file of `limit` bytes with its form around it."""
    return declared_size(request) > limit + FORM_OVERHEAD


def upload_limit(setting_name: str):
    """Mark a view as taking an upload of at most settings.<setting_name> bytes (read at each request)."""

    def mark(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            return view(request, *args, **kwargs)

        wrapper.upload_limit_setting = setting_name
        return wrapper

    return mark


def limit_of(view) -> int | None:
    name = getattr(view, "upload_limit_setting", None)
    return getattr(settings, name) if name else None


def drop_body(request) -> None:
    """Make the request's form data empty without reading the body, and spare it the CSRF check:
    the view refuses it without reading or writing anything, so there is nothing to protect."""
    request._post, request._files = QueryDict(), MultiValueDict()
    request._dont_enforce_csrf_checks = True
