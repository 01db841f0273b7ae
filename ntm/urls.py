from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path("jobs/", include("jobs.urls")),
    path("", include("workbooks.urls")),
    path("api/v1/", include("api.urls")),
    path("", include("web.urls")),
    path("", include("dashboards.urls")),
    path("", include("roadmap.urls")),
]
# MEDIA is never served as plain files, not even with DEBUG: evidence files and job results are private and
# go out only through views that check the user's scope (api:evidence, jobs:file).
