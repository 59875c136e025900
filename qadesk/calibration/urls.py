from django.urls import path

from qadesk.calibration import views

app_name = "calibration"
urlpatterns = [
    path("", views.session_list_view, name="list"),
    path("new/", views.session_create_view, name="create"),
    path("<int:pk>/", views.session_detail_view, name="detail"),
    path("<int:pk>/items/<int:item_pk>/score/", views.score_view, name="score"),
    path("<int:pk>/results/", views.results_view, name="results"),
    path("<int:pk>/results/export/", views.results_export_view, name="results_export"),
    path("<int:pk>/agreed/", views.agreed_view, name="agreed"),
    path("<int:pk>/agreed/clear/", views.agreed_clear_view, name="agreed_clear"),
    path("<int:pk>/close/", views.close_view, name="close"),
    path("reviewers/<str:username>/", views.reviewer_view, name="reviewer"),
]
