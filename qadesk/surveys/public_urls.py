from django.urls import path

from qadesk.surveys import public_views, widget_views

app_name = "survey_public"
urlpatterns = [
    path("w/<str:token>/", widget_views.widget_view, name="widget"),
    path("w/<str:token>/frame/", widget_views.widget_frame_view, name="widget_frame"),
    path("o/<str:token>/", public_views.open_link_view, name="open"),
    path("<str:token>/", public_views.invitation_view, name="invitation"),
    path("<str:token>/opt-out/", public_views.opt_out_view, name="opt_out"),
]
