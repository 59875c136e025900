from django.urls import path

from qadesk.accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.account, name="account"),
    path("tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("language/", views.language_set, name="language"),
    path("review-languages/", views.review_languages_set, name="review_languages"),
    path("filters/<slug:page>/", views.saved_filter_save_view, name="filter_save"),
    path("filters/<int:pk>/delete/", views.saved_filter_delete_view, name="filter_delete"),
    path("settings/", views.settings_view, name="settings"),
    path("people/", views.people_view, name="people"),
]
