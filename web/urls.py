from django.urls import include, path

from web import views, views_compare, views_crosswalk, views_groups

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("units/<str:era>/<str:code>/", views.unit_detail, name="unit"),
    path("criteria/", views.criteria_sets, name="criteria_sets"),
    path("units/<str:era>/<str:code>/groups/", views_groups.commune_groups, name="commune_groups"),
    path("criteria/<slug:code>/", views.criteria_set_detail, name="criteria_set"),
    path("favicon.ico", views.favicon),
    # Re-scoring under a newer set through a crosswalk (criteria.crosswalks).
    path(
        "assessments/<int:pk>/rescore/<int:crosswalk_pk>/",
        views_crosswalk.assessment_rescore,
        name="assessment_rescore",
    ),
    path(
        "assessments/<int:pk>/rescore/<int:crosswalk_pk>/start/",
        views_crosswalk.assessment_rescore_start,
        name="assessment_rescore_start",
    ),
    path("units/<str:era>/<str:code>/rescore/<int:crosswalk_pk>/", views_crosswalk.unit_rescore, name="unit_rescore"),
    path("assessments/compare/", views_compare.assessment_compare, name="assessment_compare"),
    # Entering assessments (commune staff) and reviewing them (reviewers, departments): assessments.urls.
    path("", include("assessments.urls")),
    path("", include("web.urls_why")),
]
