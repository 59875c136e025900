from django.urls import path

from qadesk.interactions import views

app_name = "interactions"
urlpatterns = [
    path("", views.interaction_list_view, name="list"),
    path("<int:pk>/", views.interaction_detail_view, name="detail"),
]
