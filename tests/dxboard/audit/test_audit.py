import pytest
from django.db import DatabaseError, connection, transaction

from dxboard.accounts import actions
from dxboard.accounts.models import Role
from dxboard.audit.models import AppendOnlyError, AuditEntry


def test_actions_write_who_what_where_before_and_after(client, personas, tree, rf):
    from dxboard.audit.context import client_address

    token = client_address.set("10.1.2.3")
    try:
        m = actions.add_membership(acting_user=personas["admin"], user=personas["officer_b"], unit=tree["A"],
                                   role=Role.OFFICER)
        actions.remove_membership(acting_user=personas["admin"], membership=m)
    finally:
        client_address.reset(token)
    added, removed = AuditEntry.objects.filter(object_type="accounts.membership").order_by("pk")
    assert (added.action, added.actor_name, added.ip_address, added.unit) == (
        "accounts.add_membership", "admin", "10.1.2.3", tree["A"])
    assert added.before is None and added.after["role"] == "officer"
    assert removed.action == "accounts.remove_membership" and removed.before["user"] == personas["officer_b"].pk


def test_only_admins_manage_memberships_and_a_refusal_changes_nothing(personas, tree):
    count = AuditEntry.objects.count()
    with pytest.raises(actions.NotAllowed):
        actions.add_membership(acting_user=personas["officer_a"], user=personas["officer_a"], unit=tree["B"],
                               role=Role.OFFICER)
    assert AuditEntry.objects.count() == count
    assert not personas["officer_a"].memberships.filter(unit=tree["B"]).exists()


def test_the_request_address_reaches_the_audit_row(client, personas):
    client.post("/accounts/login/", {"username": "officer_a", "password": "Correct-Horse-Battery-9"},
                REMOTE_ADDR="203.0.113.7")
    entry = AuditEntry.objects.get(action="accounts.login")
    assert entry.ip_address == "203.0.113.7" and entry.actor == personas["officer_a"]


def test_no_secret_is_copied_into_the_log(personas):
    _token, key = actions.issue_api_token(acting_user=personas["officer_a"], user=personas["officer_a"], name="sync")
    user_entry = actions.create_user(acting_user=personas["admin"], username="newbie",
                                     password="a-long-unusual-passphrase-42")
    dumped = " ".join(str(e.before) + str(e.after) for e in AuditEntry.objects.all())
    assert key not in dumped and "a-long-unusual-passphrase-42" not in dumped
    assert "password" not in AuditEntry.objects.get(action="accounts.create_user", object_id=str(user_entry.pk)).after


def test_the_log_cannot_be_changed_by_the_application(personas, tree):
    entry = actions.add_membership(acting_user=personas["admin"], user=personas["officer_b"], unit=tree["A"],
                                   role=Role.OFFICER)
    row = AuditEntry.objects.latest("pk")
    row.action = "rewritten"
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().update(action="x")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    assert entry.pk


def test_the_database_itself_refuses_updates_and_deletes(personas, tree):
    actions.add_membership(acting_user=personas["admin"], user=personas["officer_b"], unit=tree["A"], role=Role.OFFICER)
    for sql in ("UPDATE audit_auditentry SET action = 'x'", "DELETE FROM audit_auditentry"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert AuditEntry.objects.filter(action="accounts.add_membership").exists()


def test_admin_filters_the_log_and_others_get_404(login, personas, tree):
    actions.add_membership(acting_user=personas["admin"], user=personas["officer_b"], unit=tree["A"], role=Role.OFFICER)
    actions.add_membership(acting_user=personas["admin"], user=personas["officer_a"], unit=tree["B"],
                           role=Role.REVIEWER)
    html = login(personas["admin"]).get("/audit/?unit=07210&user=admin").content.decode()
    assert "accounts.add_membership" in html and "Phường Bắc Giang" in html and "Phường Kinh Bắc" not in html
    assert "Phường Kinh Bắc" in login(personas["admin"]).get("/audit/?unit=09187").content.decode()
    for persona in ("officer_a", "reviewer", "leader"):
        assert login(personas[persona]).get("/audit/").status_code == 404
