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
