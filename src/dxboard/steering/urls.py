from django.urls import path

from . import views

app_name = "steering"
urlpatterns = [
    path("", views.my_tasks, name="my-tasks"),
    path("tasks/", views.task_list, name="tasks"),
    path("tasks/<int:pk>/", views.task_detail, name="task"),
    path("tasks/<int:pk>/progress/", views.task_progress, name="task-progress"),
    path("tasks/<int:pk>/extension/", views.task_extension, name="task-extension"),
    path("tasks/<int:pk>/declare/", views.task_declare, name="task-declare"),
    path("tasks/<int:pk>/edit/", views.task_edit, name="task-edit"),
    path("tasks/<int:pk>/delete/", views.task_delete, name="task-delete"),
    path("extensions/<int:pk>/decide/", views.extension_decide, name="extension-decide"),
    path("declarations/<int:pk>/decide/", views.declaration_decide, name="declaration-decide"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
    path("plans/", views.plan_list, name="plans"),
    path("plans/import/", views.plan_import, name="plan-import"),
    path("plans/template.xlsx", views.plan_template, name="plan-template"),
    path("plans/<int:pk>/", views.plan_detail, name="plan"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan-edit"),
    path("plans/<int:pk>/tasks/new/", views.task_create, name="task-create"),
    path("league/", views.league, name="league"),
    path("summary/", views.summary_page, name="summary"),
]
