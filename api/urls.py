from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from api import assessment_views, views, why_views

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file: the Content-Security-Policy runs no inline script.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:schema", template_name="api/swagger_ui.html"),
        name="docs",
    ),
    path("criteria-sets/", views.CriteriaSetList.as_view(), name="criteria_set_list"),
    path("criteria-sets/<slug:code>/", views.criteria_set_detail, name="criteria_set"),
    path("units/", views.UnitList.as_view(), name="unit_list"),
    path("units/<str:era>/<str:code>/", views.unit_detail, name="unit"),
    path("units/<str:era>/<str:code>/summary/", views.unit_summary, name="unit_summary"),
    path("assessments/", assessment_views.assessment_create, name="assessment_create"),
    path("assessments/<int:pk>/", assessment_views.assessment_detail, name="assessment"),
    path("assessments/<int:pk>/results/", assessment_views.results_update, name="assessment_results"),
    path("assessments/<int:pk>/submit/", assessment_views.assessment_submit, name="assessment_submit"),
    path("assessments/<int:pk>/withdraw/", assessment_views.assessment_withdraw, name="assessment_withdraw"),
    path("assessments/<int:pk>/return/", assessment_views.assessment_return, name="assessment_return"),
    path("assessments/<int:pk>/approve/", assessment_views.assessment_approve, name="assessment_approve"),
    path("assessments/<int:pk>/reopen/", assessment_views.assessment_reopen, name="assessment_reopen"),
    path("assessments/<int:pk>/timeline/", assessment_views.assessment_timeline, name="assessment_timeline"),
    path("assessments/<int:pk>/changes/", assessment_views.assessment_changes, name="assessment_changes"),
    path("assessments/<int:pk>/results/<str:code>/verify/", assessment_views.result_verify, name="result_verify"),
    path("assessments/<int:pk>/results/<str:code>/evidence/", assessment_views.evidence_upload, name="evidence_upload"),
    path("assessments/<int:pk>/evidence/<int:evidence_pk>/", assessment_views.evidence_file, name="evidence"),
    path("assessments/<int:pk>/why/criterion/<int:number>/", why_views.criterion_why, name="why_criterion"),
    path("assessments/<int:pk>/why/<str:code>/", why_views.indicator_why, name="why_indicator"),
]
