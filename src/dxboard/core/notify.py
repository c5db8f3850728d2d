import logging

from django.core.mail import send_mail
from django.db import transaction

from .models import Notification

log = logging.getLogger(__name__)


def notify(users, subject: str, body: str = "", link: str = "") -> None:
    """Notify `users` in the platform now (inside the caller's transaction) and by e-mail on commit."""
    users = [u for u in dict.fromkeys(users) if u is not None]
    Notification.objects.bulk_create([Notification(user=u, subject=subject[:200], body=body, link=link) for u in users])
    recipients = [u.email for u in users if u.email]
    if not recipients:
        return

    def send() -> None:
        try:
            send_mail(subject, f"{body}\n\n{link}".strip(), None, recipients)
        except OSError:
            # The in-platform notification stands; a mail relay outage must not undo the action.
            log.warning("e-mail notification not sent: %s", subject)

    transaction.on_commit(send)
