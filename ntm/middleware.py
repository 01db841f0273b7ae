"""Site-wide middleware.

VietnameseFirstLocaleMiddleware replaces Django's LocaleMiddleware. The product is Vietnamese; most
office computers run an English Windows and browser, whose Accept-Language would otherwise turn the
pages English for people who never asked for it. So pages follow only the language cookie that the
language switch (set_language) writes, and fall back to settings.LANGUAGE_CODE ("vi").

The API keeps Django's usual negotiation (cookie, then Accept-Language): a program that asks for
English in a header means it.
"""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers

from ntm.lib import uploads

API_PREFIX = "/api/"


def chosen_language(request) -> str:
    """The language the user picked with the switch, if it is one we offer; else the default."""
    code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if code:
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            pass
    return settings.LANGUAGE_CODE


class VietnameseFirstLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request):
        if request.path_info.startswith(API_PREFIX):
            return super().process_request(request)
        translation.activate(chosen_language(request))
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        response = super().process_response(request, response)
        # The language now comes from a cookie: a shared cache must not hand one user's English page to another.
        patch_vary_headers(response, ("Cookie",))
        return response


class DeclaredUploadSizeMiddleware:
    """Before the CSRF check reads it: drop the body of an upload declared larger than its view takes.

    Only for views marked with ntm.lib.uploads.upload_limit; they then refuse the request on its
    Content-Length with their own message (the import page, the evidence block, the API's JSON).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        limit = uploads.limit_of(view_func)
        if limit is not None and request.method == "POST" and uploads.declared_too_large(request, limit):
            uploads.drop_body(request)
        return None
