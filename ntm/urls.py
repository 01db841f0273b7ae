from django.contrib import admin
from django.urls import include, path

from ntm import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path("jobs/", include("jobs.urls")),
    path("", include("workbooks.urls")),
    path("api/v1/", include("api.urls")),
    path("", include("web.urls")),
    path("", include("dashboards.urls")),
    path("", include("roadmap.urls")),
    path("", include("reports.urls")),
]
# MEDIA is never served as plain files, not even with DEBUG: evidence files and job results are private and
# go out only through views that check the user's scope (api:evidence, jobs:file).

# Styled pages in the user's language, JSON under /api/ (ntm/errors.py).
handler403 = "ntm.errors.permission_denied"
handler404 = "ntm.errors.page_not_found"
handler500 = "ntm.errors.server_error"
