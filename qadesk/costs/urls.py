from django.urls import path

from qadesk.costs import views

app_name = "costs"
urlpatterns = [
    path("", views.report, name="report"),
    path("data/", views.data, name="data"),
    path("import/", views.import_file, name="import"),
]
