from django.urls import path

from qadesk.interactions import sop_views

app_name = "sops"
urlpatterns = [
    path("", sop_views.sop_list_view, name="list"),
    path("new/", sop_views.sop_edit_view, name="create"),
    path("<int:pk>/", sop_views.sop_edit_view, name="edit"),
]
