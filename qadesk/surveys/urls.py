from django.urls import path, re_path

from qadesk.surveys import gap_views, views

app_name = "surveys"
urlpatterns = [
    path("", views.survey_list_view, name="list"),
    path("gap/", gap_views.gap_view, name="gap"),
    path("<int:pk>/", views.survey_results_view, name="results"),
    path("<int:pk>/export/", views.survey_results_export_view, name="results_export"),
    re_path(r"^(?P<pk>[0-9]+)/qr\.(?P<fmt>svg|png)$", views.open_link_qr_view, name="qr"),
    path("<int:pk>/embed/", views.survey_embed_view, name="embed"),
    path("<int:pk>/poster.pdf", views.survey_poster_view, name="poster"),
    path("responses/<int:pk>/", views.response_detail_view, name="response"),
    path("follow-up/", views.followup_list_view, name="followups"),
    path("responses/<int:pk>/follow-up/", views.followup_done_view, name="followup_done"),
]
