from django.urls import path

from qadesk.analytics import views

app_name = "analytics"
urlpatterns = [
    path("quality/", views.quality, name="quality"),
    path("statistics/", views.statistics, name="statistics"),
]
