from django.urls import include, path

from web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("units/<str:era>/<str:code>/", views.unit_detail, name="unit"),
    path("criteria/<slug:code>/", views.criteria_set_detail, name="criteria_set"),
    path("favicon.ico", views.favicon),
    # Entering assessments (commune staff) and reviewing them (reviewers, departments): one module each.
    path("", include("web.urls_entry")),
    path("", include("web.urls_review")),
]
