"""`make run` loads this demo: it must be true to life, complete and idempotent."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from dxboard.accounts.models import Membership
from dxboard.audit.models import AuditEntry
from dxboard.index.models import Answer, Campaign, Evidence, Submission
from dxboard.units.models import Unit


@pytest.mark.django_db
def test_demo_loads_everything_once(capsys):
    call_command("demo")
    counted = lambda: (Unit.objects.count(), get_user_model().objects.count(), Membership.objects.count(),  # noqa: E731
                       Campaign.objects.count(), Submission.objects.count(), Answer.objects.count(),
                       Evidence.objects.count())
    first, audit_rows = counted(), AuditEntry.objects.count()
    call_command("demo")
    assert counted() == first
    assert AuditEntry.objects.count() == audit_rows  # a second run changes nothing, so it logs nothing
    out = capsys.readouterr().out
    assert "Demo-BacNinh-2025" in out and "cb.bacgiang" in out
    assert Unit.objects.current().filter(kind="commune").count() == 99

    published = Campaign.objects.get(period="2024")
    assert published.status == Campaign.Status.PUBLISHED and published.is_demo and published.official
    assert len(published.official.payload["units"]) == 99
    running = Campaign.objects.get(period="2025", unit_kind="commune")
    states = set(running.submissions.values_list("status", flat=True))
    assert {"draft", "submitted", "in_review", "returned", "accepted"} <= states
    assert Evidence.objects.filter(answer__submission__campaign=running).exists()
    assert Answer.objects.filter(submission__campaign=running, review="adjusted").exists()
    assert Campaign.objects.filter(period="2025", unit_kind="department").exists()
