from django.urls import path

from qadesk.accounts import views

app_name = "accounts"
urlpatterns = [
    path("language/", views.language_set, name="language"),
    path("settings/", views.settings_view, name="settings"),
]
