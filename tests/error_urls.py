"""The site's URLs plus two that fail, for the error-page tests (@pytest.mark.urls("tests.error_urls"))."""

from django.urls import path

from ntm.urls import *  # noqa: F403 (the patterns and the handler403/404/500 settings)
from ntm.urls import urlpatterns as site_patterns


def boom(request):
    raise RuntimeError("secret internal detail: /srv/ntm/settings.py")


urlpatterns = [
    path("boom/", boom),
    path("api/v1/boom/", boom),
    *site_patterns,
]
