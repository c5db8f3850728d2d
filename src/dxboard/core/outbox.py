"""The development outbox: under `make run` no e-mail leaves the machine; each is kept as an `OutboxMail`
row, which the standing office reads at /outbox/ (the demo's accounts have addresses that do not exist)."""

from django.core.mail.backends.base import BaseEmailBackend


class OutboxBackend(BaseEmailBackend):
    def send_messages(self, messages):
        from .models import OutboxMail

        rows = [OutboxMail(to=", ".join(m.to + m.cc + m.bcc), subject=str(m.subject), body=m.body)
                for m in messages]
        OutboxMail.objects.bulk_create(rows)
        return len(rows)


def in_use() -> bool:
    from django.conf import settings

    return settings.MAILERS.get("default", {}).get("BACKEND") == f"{__name__}.OutboxBackend"
