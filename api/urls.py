from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from api import views

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("criteria-sets/", views.CriteriaSetList.as_view(), name="criteria_set_list"),
    path("criteria-sets/<slug:code>/", views.criteria_set_detail, name="criteria_set"),
    path("units/", views.UnitList.as_view(), name="unit_list"),
    path("units/<str:era>/<str:code>/", views.unit_detail, name="unit"),
    path("units/<str:era>/<str:code>/summary/", views.unit_summary, name="unit_summary"),
]
