from django.urls import path

from qadesk.reviews import views

app_name = "reviews"
urlpatterns = [
    path("", views.review_list_view, name="list"),
    path("new/", views.review_create_view, name="create"),
    path("queue/", views.review_queue_view, name="queue"),
    path("assign/", views.assignment_create_view, name="assign"),
    path("<int:pk>/", views.review_detail_view, name="detail"),
    path("<int:pk>/edit/", views.review_edit_view, name="edit"),
    path("<int:pk>/scorecard/", views.review_scorecard_view, name="scorecard"),
]
