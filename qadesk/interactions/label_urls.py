from django.urls import path

from qadesk.interactions import label_views

app_name = "labels"
urlpatterns = [
    path("", label_views.label_names_view, name="names"),
]
