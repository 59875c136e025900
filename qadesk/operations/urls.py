from django.urls import path

from qadesk.operations import views

app_name = "operations"
urlpatterns = [
    path("", views.kpis, name="kpis"),
    path("export/", views.kpis_export, name="kpis_export"),
    path("loyalty/", views.loyalty_page, name="loyalty"),
    path("targets/", views.targets, name="targets"),
    path("targets/<int:pk>/", views.target_edit, name="target_edit"),
    path("targets/<int:pk>/delete/", views.target_remove, name="target_delete"),
    path("staffing/", views.staffing, name="staffing"),
]
