from django.urls import path

from dashboards import views, views_department, views_outputs

app_name = "dashboards"

# The same pages for one unit and, for users who see everything, for every commune of an era.
PAGES = [
    ("", views.unit, "unit", "national"),
    ("heatmap/", views.heatmap, "heatmap", "national_heatmap"),
    ("holdbacks/", views.holdbacks, "holdbacks", "national_holdbacks"),
    ("trend/", views.trend, "trend", "national_trend"),
    ("export.xlsx", views_outputs.export_xlsx, "xlsx", "national_xlsx"),
    ("print/", views_outputs.print_report, "print", "national_print"),
    ("map.geojson", views_outputs.map_data, "map", "national_map"),
]

urlpatterns = (
    [path(f"units/<str:era>/<str:code>/dashboard/{suffix}", view, name=name) for suffix, view, name, _n in PAGES]
    + [path(f"dashboard/<str:era>/{suffix}", view, name=national) for suffix, view, _n, national in PAGES]
    + [
        # A department officer's criteria across their communes (the department view).
        path("department/", views_department.department, name="department"),
    ]
)
