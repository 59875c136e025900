from django.urls import path

from qadesk.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.upload_view, name="upload"),
    path("<int:pk>/", views.preview_view, name="preview"),
    path("<int:pk>/mapping/", views.mapping_view, name="mapping"),
    path("<int:pk>/run/", views.run_view, name="run"),
    path("<int:pk>/job/", views.job_view, name="job"),
]
