from django.urls import path

from qadesk.competence import views

app_name = "competence"
urlpatterns = [
    path("", views.competence_view, name="index"),
    path("agents/<int:pk>/", views.competence_agent_view, name="agent"),
    path("results/", views.training_results_view, name="results"),
    path("completions/new/", views.completion_record_view, name="record"),
    path("sessions/", views.training_sessions_view, name="sessions"),
    path("sessions/<int:pk>/", views.training_session_view, name="session"),
    path("sessions/<int:pk>/delete/", views.training_session_delete_view, name="session_delete"),
    path("settings/", views.competence_settings_view, name="settings"),
]
