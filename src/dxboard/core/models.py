"""In-platform notifications. Every notification is also sent by e-mail, after the transaction that
caused it commits (a rolled-back action notifies nobody)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    link = models.CharField(max_length=300, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    read = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created"]
        indexes = [models.Index(fields=["user", "read"])]

    def __str__(self) -> str:
        return self.subject


class OutboxMail(models.Model):
    """An e-mail the platform would have sent, kept instead (development and demo: core.outbox)."""

    sent = models.DateTimeField(_("sent"), auto_now_add=True)
    to = models.TextField(_("to"))
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("message"), blank=True)

    class Meta:
        ordering = ["-sent", "-pk"]

    def __str__(self) -> str:
        return self.subject
