"""The commune staff's pages (web.views_entry), in the "web" namespace."""

from django.urls import path

from web import views_entry

urlpatterns = [
    path("my/", views_entry.my_communes, name="my_communes"),
    path("units/<str:era>/<str:code>/assessments/new/", views_entry.assessment_create, name="assessment_create"),
    path("assessments/<int:pk>/edit/", views_entry.assessment_edit, name="assessment_edit"),
    path("assessments/<int:pk>/edit/preview/", views_entry.assessment_preview, name="assessment_preview"),
    path("assessments/<int:pk>/submit/", views_entry.assessment_submit, name="assessment_submit"),
    path("assessments/<int:pk>/submit/confirm/", views_entry.assessment_submit_confirm,
         name="assessment_submit_confirm"),
    path(
        "assessments/<int:pk>/edit/results/<str:code>/evidence/", views_entry.evidence_upload,
        name="assessment_evidence_upload",
    ),
    path(
        "assessments/<int:pk>/edit/evidence/<int:evidence_pk>/remove/", views_entry.evidence_remove,
        name="assessment_evidence_remove",
    ),
]
