from django.urls import path

from web import views_why

# The explanation behind a state badge (assessments.why): a page, or the fragment htmx loads into a dialog.
urlpatterns = [
    path("assessments/<int:pk>/why/criterion/<int:number>/", views_why.criterion_why, name="why_criterion"),
    path("assessments/<int:pk>/why/<str:code>/", views_why.indicator_why, name="why_indicator"),
]
