from django.urls import path

from qadesk.scorecards import views

app_name = "scorecards"
urlpatterns = [
    path("", views.scorecard_list_view, name="list"),
    path("drafts/new/", views.draft_start_view, name="start"),
    path("drafts/import/", views.draft_import_view, name="import"),
    path("drafts/<int:pk>/", views.draft_edit_view, name="draft"),
    path("drafts/<int:pk>/preview/", views.draft_preview_view, name="preview"),
    path("drafts/<int:pk>/publish/", views.draft_publish_view, name="publish"),
    path("drafts/<int:pk>/discard/", views.draft_discard_view, name="discard"),
    path("versions/<int:pk>/export.yaml", views.version_export_view, name="export"),
]
