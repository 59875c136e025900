from django.urls import path

from qadesk.competence import views

app_name = "competence"
urlpatterns = [
    path("", views.competence_view, name="index"),
    path("agents/<int:pk>/", views.competence_agent_view, name="agent"),
    path("results/", views.training_results_view, name="results"),
    path("completions/new/", views.completion_record_view, name="record"),
    path("settings/", views.competence_settings_view, name="settings"),
]
