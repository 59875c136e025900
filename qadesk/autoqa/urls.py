from django.urls import path

from qadesk.autoqa import views

app_name = "autoqa"

urlpatterns = [
    path("", views.index_view, name="index"),
    path("export/", views.export_view, name="export"),
    path("run/", views.run_view, name="run"),
    path("classifier/", views.classifier_view, name="classifier"),
    path("classifier/train/", views.classifier_train_view, name="classifier_train"),
    path("jobs/<int:pk>/", views.job_detail_view, name="job"),
    path("interactions/<int:pk>/check/", views.check_view, name="check"),
    path("criteria/", views.criteria_view, name="criteria"),
    path("criteria/new/", views.criterion_edit_view, name="criterion_new"),
    path("criteria/<int:pk>/", views.criterion_edit_view, name="criterion_edit"),
]
