from django.urls import path

from qadesk.complaints import views

app_name = "complaints"
urlpatterns = [
    path("", views.complaint_list_view, name="list"),
    path("export/", views.complaint_export_view, name="export"),
    path("new/", views.complaint_create_view, name="create"),
    path("report/", views.complaint_report_view, name="report"),
    path("<int:pk>/", views.complaint_detail_view, name="detail"),
    path("<int:pk>/edit/", views.complaint_edit_view, name="edit"),
    path("<int:pk>/act/", views.complaint_act_view, name="act"),
    path("<int:pk>/status/", views.complaint_transition_view, name="transition"),
    path("<int:pk>/unlink/<int:interaction_pk>/", views.complaint_unlink_view, name="unlink"),
]
