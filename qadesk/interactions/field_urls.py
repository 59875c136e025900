from django.urls import path

from qadesk.interactions import field_views

app_name = "custom_fields"
urlpatterns = [
    path("", field_views.custom_field_list_view, name="list"),
    path("new/", field_views.custom_field_edit_view, name="new"),
    path("<slug:key>/", field_views.custom_field_edit_view, name="edit"),
]
