from django.urls import path

from qadesk.reviews import views

app_name = "reviews"
urlpatterns: list = []
