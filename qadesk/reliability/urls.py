from django.urls import path

from qadesk.reliability import views

app_name = "reliability"
urlpatterns = [
    path("", views.page, name="page"),
    path("promises/<int:pk>/delete/", views.promise_remove, name="promise_delete"),
]
