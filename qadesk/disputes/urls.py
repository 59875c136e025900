from django.urls import path

from qadesk.disputes import views

app_name = "disputes"
urlpatterns = [
    path("<int:pk>/", views.dispute_detail_view, name="detail"),
]
