from django.urls import path

from roadmap import views

app_name = "roadmap"
urlpatterns = [
    path("units/<str:era>/<str:code>/roadmap/", views.unit_roadmap, name="unit"),
    path("units/<str:era>/<str:code>/roadmap/plan/<str:level>/", views.plan_edit, name="plan_edit"),
    path("units/<str:era>/<str:code>/roadmap/recognitions/add/", views.recognition_add, name="recognition_add"),
    path("units/<str:era>/<str:code>/completion/", views.province_completion, name="completion"),
]
