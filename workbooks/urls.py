from django.urls import path

from workbooks import views

app_name = "workbooks"
urlpatterns = [
    path("units/<str:era>/<str:code>/workbook/", views.template_download, name="template"),
    path("workbooks/import/", views.import_upload, name="import"),
]
