from django.urls import path

from qadesk.connectors import views

app_name = "connectors"
urlpatterns = [
    path("", views.connector_list_view, name="list"),
    path("new/", views.connector_create_view, name="create"),
    path("<int:pk>/", views.connector_detail_view, name="detail"),
    path("<int:pk>/edit/", views.connector_edit_view, name="edit"),
    path("<int:pk>/sync/", views.connector_sync_view, name="sync"),
    path("jobs/<int:pk>/", views.job_detail_view, name="job"),
]
