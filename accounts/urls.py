"""Sign-in, sign-out, password change and reset, under /accounts/ with Django's plain names (login,
password_reset, ...) so that settings.LOGIN_URL and the auth views' own redirects find them."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts import views

urlpatterns = [
    # A signed-in user who opens the login page (a bookmark, the back button) goes home instead.
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    # The rest as Django ships them; the two paths above shadow its own login and logout.
    path("", include("django.contrib.auth.urls")),
]
