"""The home page: each role's figures, read by home.selectors from the other apps' selectors."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from qadesk.accounts.models import User
from qadesk.home.selectors import home_sections


@login_required
def home_view(request: HttpRequest) -> HttpResponse:
    """The sections that apply to the user's role (and to their agent, when their login is one)."""
    assert isinstance(request.user, User)
    return render(request, "home/home.html", {"home": home_sections(actor=request.user)})
