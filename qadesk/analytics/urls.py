from django.urls import path

from qadesk.analytics import views

app_name = "analytics"
urlpatterns = [
    path("quality/", views.quality, name="quality"),
    path("quality/export/", views.quality_export, name="quality_export"),
    path("statistics/", views.statistics, name="statistics"),
    path("statistics/export/", views.statistics_export, name="statistics_export"),
]
