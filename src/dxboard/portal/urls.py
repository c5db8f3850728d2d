from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("<int:pk>/", views.ranking_page, name="ranking"),
    path("<int:pk>/method/", views.method, name="method"),
    path("<int:pk>/<str:code>/", views.scorecard, name="scorecard"),
]
