"""The review side: the assessment page and its steps, the reviewers' queue, the departments' checks."""

from django.urls import path

from web import review_verify, views_compare, views_review

urlpatterns = [
    path("assessments/compare/", views_compare.assessment_compare, name="assessment_compare"),
    path("assessments/<int:pk>/", views_review.assessment_detail, name="assessment"),
    path("assessments/<int:pk>/return/", views_review.assessment_return, name="assessment_return"),
    path("assessments/<int:pk>/approve/", views_review.assessment_approve, name="assessment_approve"),
    path("assessments/<int:pk>/withdraw/", views_review.assessment_withdraw, name="assessment_withdraw"),
    path("assessments/<int:pk>/reopen/", views_review.assessment_reopen, name="assessment_reopen"),
    path("assessments/<int:pk>/verify/", review_verify.assessment_verify, name="assessment_verify"),
    path("assessments/<int:pk>/verify/<int:result_pk>/", review_verify.result_verify, name="result_verify"),
    path("review/", views_review.review_queue, name="review_queue"),
    path("verify/", review_verify.verification_queue, name="verification_queue"),
]
