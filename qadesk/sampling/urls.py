from django.urls import path

from qadesk.sampling import views

app_name = "sampling"
urlpatterns = [
    path("", views.plan_list_view, name="plans"),
    path("new/", views.plan_create_view, name="plan_create"),
    path("<int:pk>/", views.plan_detail_view, name="plan"),
    path("<int:pk>/edit/", views.plan_edit_view, name="plan_edit"),
    path("<int:pk>/run/", views.plan_run_view, name="plan_run"),
    path("<int:pk>/coverage/", views.coverage_view, name="coverage"),
    path("<int:pk>/coverage/export/", views.coverage_export_view, name="coverage_export"),
    path("runs/<int:pk>/", views.run_detail_view, name="run"),
    path("jobs/<int:pk>/", views.job_detail_view, name="job"),
]
