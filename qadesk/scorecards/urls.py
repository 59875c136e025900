from django.urls import path

from qadesk.scorecards import views

app_name = "scorecards"
urlpatterns: list = []
