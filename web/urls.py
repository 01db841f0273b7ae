from django.urls import path

from web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("units/<str:era>/<str:code>/", views.unit_detail, name="unit"),
    path("criteria/<slug:code>/", views.criteria_set_detail, name="criteria_set"),
    path("favicon.ico", views.favicon),
]
