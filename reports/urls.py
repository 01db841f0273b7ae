from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("assessments/<int:pk>/report/", views.commune_report, name="commune"),
    path("units/<str:era>/<str:code>/report/", views.unit_report, name="unit"),
]
