"""In-platform notifications (also sent by e-mail, see notify.py), and the development outbox."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .i18n import thaw


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications",
                             verbose_name=_("user"))
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    read = models.BooleanField(_("read"), default=False)
    # The subject and body as core.i18n.freeze() keeps them, so that the page shows them in the language the
    # person reads it in; `subject` and `body` are the copy written in their language when it was sent.
    text = models.JSONField(_("text"), null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        indexes = [models.Index(fields=["user", "read"])]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return self.subject

    @property
    def shown_subject(self):
        return thaw(self.text["subject"]) if self.text else self.subject

    @property
    def shown_body(self):
        return thaw(self.text["body"]) if self.text else self.body


class OutboxMail(models.Model):
    """An e-mail the platform would have sent, kept instead (development and demo: core.outbox)."""

    sent = models.DateTimeField(_("sent"), auto_now_add=True)
    to = models.TextField(_("to"))
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("message"), blank=True)

    class Meta:
        ordering = ["-sent", "-pk"]
        verbose_name = _("outbox e-mail")
        verbose_name_plural = _("outbox e-mails")

    def __str__(self) -> str:
        return self.subject


class PurgeRun(models.Model):
    """One run of the personal-data purge for one kind of data (core.retention): what it erased, and the
    cutoff it erased before. Its audit row is written with it (core.actions.purge)."""

    class Kind(models.TextChoices):
        REPORTER = "reporter", _("Reporters' names, phones and e-mails")
        TRACES = "traces", _("Hashed devices and addresses, failed-login counters")
        NOTIFICATIONS = "notifications", _("Notifications and e-mails sent")

    at = models.DateTimeField(_("run at"))
    kind = models.CharField(_("kind of data"), max_length=16, choices=Kind.choices)
    days = models.PositiveIntegerField(_("retention period (days)"))
    cutoff = models.DateTimeField(_("erased what is older than"))
    rows = models.PositiveIntegerField(_("records erased"), default=0)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("personal data purge")
        verbose_name_plural = _("personal data purges")

    def __str__(self) -> str:
        return f"{self.kind} {self.at:%Y-%m-%d %H:%M}: {self.rows}"
