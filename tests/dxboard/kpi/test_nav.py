"""The figures' sub-navigation offers entry and upload only to those the pages would let in."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("persona, offered", [("leader", False), ("reviewer", False), ("officer_a", True),
                                              ("admin", True)])
def test_entry_links_only_for_those_who_may_enter(login, personas, persona, offered):
    client = login(personas[persona])
    page = client.get("/kpi/").content.decode()
    assert ('href="/kpi/entry/"' in page) is offered
    assert ('href="/kpi/upload/"' in page) is offered
    assert client.get("/kpi/entry/").status_code == (200 if offered else 404)
