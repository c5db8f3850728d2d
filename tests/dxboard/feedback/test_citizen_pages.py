"""The citizen's pages in words: a refused field named by its label beside the field (never its key), a
mistyped tracking code answered in the citizen's layout, names in the reader's language."""

import json
import re

from django.urls import reverse
from django.utils import translation

KEYS = ("category:", "consent:", "description:", "idempotency_key:", "latitude:")


def test_page_shows_each_error_beside_its_field_in_vietnamese(client, fb):
    page = client.post(reverse("feedback:new"), {"idempotency_key": "k1"}).content.decode()
    assert not any(key in page for key in KEYS)
    # the category's error follows the category's list, the consent's its checkbox
    assert re.search(r'id="id_category".*?</select><ul class="errorlist[^"]*"[^>]*><li>Trường này là bắt buộc', page,
                     re.S)
    assert re.search(r'id="id_consent"[^>]*>\s*Tôi đồng ý.*?</label><ul class="errorlist', page, re.S)


def test_phone_receives_errors_named_by_their_labels(client, fb):
    def refused(**headers):
        response = client.post(reverse("feedback:new"), {"idempotency_key": "k2", "latitude": "north"},
                               headers={"Accept": "application/json", **headers})
        assert response.status_code == 400
        return json.loads(response.content)

    body = refused()
    assert "Vấn đề thuộc lĩnh vực nào?: Trường này là bắt buộc." in body["errors"]
    assert "Tôi đồng ý cho phép xử lý dữ liệu cá nhân của tôi như nêu trên.: Trường này là bắt buộc." in body["errors"]
    assert any(e.startswith("Ở đâu?:") for e in body["errors"])  # a hidden field, named by its label too
    assert not any(key in " ".join(body["errors"]) for key in KEYS)
    assert set(body["fields"]) == {"category", "description", "consent", "latitude"}  # for the page's script
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        english = refused()["errors"]
    assert "What is the problem about?: This field is required." in english


def test_a_mistyped_tracking_code_says_so_with_the_lookup_form(client, make_report):
    make_report()
    response = client.get(reverse("feedback:follow", args=["PAKN.20260101.9999"]))
    page = response.content.decode()
    assert response.status_code == 404
    assert "Không tìm thấy phản ánh có mã PAKN.20260101.9999" in page
    assert 'class="citizen"' in page and 'action="/feedback/"' in page and 'name="code"' in page  # the form again
    assert "Traceback" not in page and "Page not found" not in page
    client.cookies["django_language"] = "en"
    english = client.get(reverse("feedback:home") + "?code=pakn.20260101.9999", follow=True)
    assert english.status_code == 404
    assert "No report has the tracking code PAKN.20260101.9999" in english.content.decode()


def test_category_names_in_the_readers_language(client, make_report, fb):
    fb["procedure"].name_en = "Administrative procedures"
    fb["procedure"].save()
    report = make_report()
    follow = reverse("feedback:follow", args=[report.code])
    page = client.get(follow).content.decode()
    assert "Thủ tục hành chính" in page and "Administrative procedures" not in page
    client.cookies["django_language"] = "en"
    english = client.get(follow).content.decode()
    assert "Administrative procedures" in english and "Thủ tục hành chính" not in english
    form = client.get(reverse("feedback:new")).content.decode()  # the list to choose from too
    assert ">Administrative procedures</option>" in form
