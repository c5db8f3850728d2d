from django.urls import path

from . import views

app_name = "workdays"
urlpatterns = [
    path("", views.day_list, name="list"),
    path("new/", views.day_edit, name="new"),
    path("<int:pk>/edit/", views.day_edit, name="edit"),
    path("<int:pk>/delete/", views.day_delete, name="delete"),
    path("<int:year>.xlsx", views.year_xlsx, name="xlsx"),
]
