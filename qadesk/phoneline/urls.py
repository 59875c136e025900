from django.urls import path

from qadesk.phoneline import views

app_name = "phoneline"
urlpatterns = [
    path("", views.page, name="page"),
    path("levels/<int:pk>/delete/", views.level_remove, name="level_delete"),
]
