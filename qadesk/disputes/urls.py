from django.urls import path

from qadesk.disputes import views

app_name = "disputes"
urlpatterns = [
    path("", views.dispute_list_view, name="list"),
    path("export/", views.dispute_export_view, name="export"),
    path("dashboard/", views.dispute_dashboard_view, name="dashboard"),
    path("open/<int:review_pk>/", views.dispute_open_view, name="open"),
    path("<int:pk>/", views.dispute_detail_view, name="detail"),
    path("<int:pk>/reply/", views.dispute_comment_view, name="comment"),
    path("<int:pk>/escalate/", views.dispute_escalate_view, name="escalate"),
    path("<int:pk>/decide/", views.dispute_decide_view, name="decide"),
]
