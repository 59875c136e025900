from django.urls import path

from qadesk.operations import views

app_name = "operations"
urlpatterns = [
    path("", views.kpis, name="kpis"),
    path("export/", views.kpis_export, name="kpis_export"),
    path("targets/", views.targets, name="targets"),
    path("targets/<int:pk>/delete/", views.target_remove, name="target_delete"),
    path("staffing/", views.staffing, name="staffing"),
]
