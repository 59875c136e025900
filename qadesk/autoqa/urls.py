from django.urls import path

from qadesk.autoqa import views

app_name = "autoqa"

urlpatterns = [
    path("", views.index_view, name="index"),
    path("run/", views.run_view, name="run"),
    path("classifier/", views.classifier_view, name="classifier"),
    path("classifier/train/", views.classifier_train_view, name="classifier_train"),
    path("jobs/<int:pk>/", views.job_detail_view, name="job"),
    path("interactions/<int:pk>/check/", views.check_view, name="check"),
]
