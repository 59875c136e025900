from django.urls import path

from qadesk.reviews import export_views, views

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

# The agent's side (reviews/feedback_views.py): own reviews and trend, acknowledge, coaching notes, reopen.
from qadesk.reviews import feedback_views  # noqa: E402

urlpatterns += [
    path("mine/", feedback_views.my_reviews_view, name="mine"),
    path("<int:pk>/acknowledge/", feedback_views.review_acknowledge_view, name="acknowledge"),
    path("<int:pk>/coaching/", feedback_views.coaching_note_add_view, name="coaching_note_add"),
    path("<int:pk>/reopen/", feedback_views.review_reopen_view, name="reopen"),
]
# Downloads of the list (reviews/export_views.py): `?format=csv|xlsx` with the list's filters.
urlpatterns += [
    path("export/", export_views.review_export_view, name="export"),
    path("ratings/export/", export_views.rating_export_view, name="ratings_export"),
]
