from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("2fa/verify/", views.verify, name="2fa-verify"),
    path("2fa/setup/", views.setup, name="2fa-setup"),
    path("security/", views.security, name="security"),
    path("tokens/", views.api_tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.revoke_api_token, name="revoke-token"),
    path("password/", views.PasswordChangeView.as_view(), name="password"),
]
