"""Entering assessments (commune staff), reviewing them (reviewers) and checking them (departments).

Included by web.urls, so the names stay in the "web" namespace (web:assessment_edit, web:review_queue …).
"""

from django.urls import path

from assessments.views import entry, review, verify

urlpatterns = [
    # The commune staff's pages.
    path("my/", entry.my_communes, name="my_communes"),
    path("units/<str:era>/<str:code>/assessments/new/", entry.assessment_create, name="assessment_create"),
    path("assessments/<int:pk>/edit/", entry.assessment_edit, name="assessment_edit"),
    path("assessments/<int:pk>/edit/preview/", entry.assessment_preview, name="assessment_preview"),
    path("assessments/<int:pk>/submit/", entry.assessment_submit, name="assessment_submit"),
    path("assessments/<int:pk>/submit/confirm/", entry.assessment_submit_confirm, name="assessment_submit_confirm"),
    path(
        "assessments/<int:pk>/edit/results/<str:code>/evidence/",
        entry.evidence_upload,
        name="assessment_evidence_upload",
    ),
    path(
        "assessments/<int:pk>/edit/evidence/<int:evidence_pk>/remove/",
        entry.evidence_remove,
        name="assessment_evidence_remove",
    ),
    # The review side: the assessment page and its steps, the reviewers' queue, the departments' checks.
    path("assessments/<int:pk>/", review.assessment_detail, name="assessment"),
    path("assessments/<int:pk>/return/", review.assessment_return, name="assessment_return"),
    path("assessments/<int:pk>/approve/", review.assessment_approve, name="assessment_approve"),
    path("assessments/<int:pk>/withdraw/", review.assessment_withdraw, name="assessment_withdraw"),
    path("assessments/<int:pk>/reopen/", review.assessment_reopen, name="assessment_reopen"),
    path("assessments/<int:pk>/verify/", verify.assessment_verify, name="assessment_verify"),
    path("assessments/<int:pk>/verify/<int:result_pk>/", verify.result_verify, name="result_verify"),
    path("review/", review.review_queue, name="review_queue"),
    path("verify/", verify.verification_queue, name="verification_queue"),
]
