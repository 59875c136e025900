from django.urls import path

from qadesk.interactions import views

app_name = "interactions"
urlpatterns: list = []
