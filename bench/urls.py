"""The site's URLs plus two pages that measure the fixed cost of any request (bench settings only).

- /bench/empty/: a signed-in request answered with an empty body: sessions, authentication, the
  middleware and the URL resolver, nothing else.
- /bench/base/: the base template alone (menu, language switch, static files), signed in.

A page's own cost is its time minus these; bench/run.py reports them beside the pages.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path

from ntm.urls import urlpatterns as site_urlpatterns


@login_required
def empty(request):
    return HttpResponse(b"")


@login_required
def base(request):
    return render(request, "base.html", {})


urlpatterns = [
    path("bench/empty/", empty, name="bench_empty"),
    path("bench/base/", base, name="bench_base"),
    *site_urlpatterns,
]
