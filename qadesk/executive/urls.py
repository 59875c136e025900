from django.urls import path

from qadesk.executive import views

app_name = "executive"
urlpatterns = [
    path("", views.summary, name="summary"),
    path("report.pdf", views.summary_pdf, name="pdf"),
    path("targets/", views.targets, name="targets"),
    path("digest/", views.digest, name="digest"),
    path("digest/<int:pk>/delete/", views.digest_remove, name="digest_delete"),
]
