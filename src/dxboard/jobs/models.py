"""A database-backed job queue that works the same on SQLite and PostgreSQL.

A job is claimed by a conditional UPDATE that sets a lease (`locked_by`, `locked_until`); only one
worker's UPDATE can match, whatever the number of workers. A worker that dies leaves its lease to
expire, and the job is claimed again. A job is marked done in the same transaction as its handler's
database writes, so "done" and the handler's idempotence key (e.g. `steering.ReminderSent`) commit
or roll back together.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Job(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=80, db_index=True)
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    run_at = models.DateTimeField(_("run at"), default=timezone.now)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    max_attempts = models.PositiveIntegerField(_("maximum attempts"), default=5)
    locked_by = models.CharField(_("locked by"), max_length=120, blank=True)
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)
    dedupe_key = models.CharField(_("deduplication key"), max_length=200, unique=True, null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    # Who asked for it (a button on a page), so that they can follow it there; none for scheduled work.
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", db_index=False, verbose_name=_("requested by"))
    created = models.DateTimeField(_("created"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["run_at", "pk"]
        indexes = [models.Index(fields=["status", "run_at"], name="job_status_run_at")]
        verbose_name = _("job")
        verbose_name_plural = _("jobs")

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"

    @property
    def state(self) -> str:
        """What a person waiting for it is told: queued, running (a worker holds its lease), done or failed."""
        if self.status == self.Status.QUEUED and self.locked_until is not None and self.locked_until > timezone.now():
            return "running"
        return self.status

    @property
    def state_label(self) -> str:
        return {"queued": _("Waiting for the worker"), "running": _("Running"), "done": _("Done"),
                "failed": _("Failed")}[self.state]

    @property
    def ended(self) -> bool:
        return self.status != self.Status.QUEUED
