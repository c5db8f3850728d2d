"""The one import pipeline: upload → preview → confirm, for every importer.

An app plugs in an `Importer`: `parse(data, context)` reads the file through core.sheets and returns a
`Preview` (its `problems` name the sheet, the row as Excel numbers it, the column letter and header, and say
what is wrong in the reader's language; its `changes` are what the confirm would write), and `apply(preview,
acting_user)` writes it. Between preview and confirm the checked file waits in the session under a random
token, one slot per importer, for STAGING_SECONDS; the confirm parses the file again (the data it was checked
against may have moved) and applies it inside one transaction, so a file with any problem writes nothing."""

import base64
import secrets
import time
from dataclasses import dataclass, field

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .uploads import UploadError, check_upload

STAGING_SECONDS = 30 * 60  # a preview older than this is uploaded again: long enough to read it, not to forget it


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the file; `row` and `column` as the person sees them in Excel (None / "" when the
    problem is the whole file)."""
    message: object
    row: int | None = None
    column: str = ""
    field: str = ""
    sheet: str = ""


@dataclass
class Preview:
    problems: list[Problem] = field(default_factory=list)
    changes: list = field(default_factory=list)
    context: dict = field(default_factory=dict)  # what apply needs besides the rows (JSON, kept with the file)

    @property
    def ok(self) -> bool:
        return not self.problems


class ImportRefused(Exception):
    """The file, checked again on confirm, has problems: nothing was written."""

    def __init__(self, preview: Preview):
        super().__init__(str(preview.problems[0].message))
        self.preview = preview


class Importer:
    """One app's import: `key` names its staging slot, `changes_template` shows its preview's changes,
    `max_bytes` is its own upload cap (None: UPLOAD_MAX_BYTES)."""
    key = ""
    changes_template = ""
    max_bytes: int | None = None

    def parse(self, data: bytes, context: dict) -> Preview:
        raise NotImplementedError

    def apply(self, preview: Preview, acting_user):
        raise NotImplementedError

    @property
    def session_key(self) -> str:
        return f"import:{self.key}"


def stage(session, importer: Importer, data: bytes, context: dict) -> str:
    """Keep a checked file until its confirm; a new upload replaces the importer's previous one."""
    token = secrets.token_urlsafe(16)
    session[importer.session_key] = {"token": token, "at": time.time(), "context": context,
                                     "data": base64.b64encode(data).decode()}
    return token


def unstage(session, importer: Importer, token: str) -> tuple[bytes, dict] | None:
    """The staged file and context for this token, removed from the session; None when the token does not match
    or the preview expired."""
    pending = session.get(importer.session_key) or {}
    if not token or not secrets.compare_digest(str(pending.get("token", "")), str(token)):
        return None
    session.pop(importer.session_key, None)
    if time.time() - pending.get("at", 0) > STAGING_SECONDS:
        return None
    return base64.b64decode(pending["data"]), pending["context"]


def apply(importer: Importer, data: bytes, context: dict, acting_user):
    """Check the file again and write it, all or nothing."""
    with transaction.atomic():
        preview = importer.parse(data, context)
        if not preview.ok:
            raise ImportRefused(preview)
        return importer.apply(preview, acting_user)


def handle(request, importer: Importer, *, form, template: str, context_of, done, page: dict | None = None,
           refused_errors=()):
    """The page of an import: a POST with a file previews it, a POST with a token applies the staged file.
    `context_of(form)` is what the importer needs besides the file (JSON); `done(request, result)` answers a
    successful apply; `refused_errors` are the app's own refusals (permission, state) shown like a problem."""
    page = {"form": form, "importer": importer, **(page or {})}
    if request.method == "POST" and request.POST.get("token"):
        staged = unstage(request.session, importer, request.POST["token"])
        if staged is None:
            messages.error(request, _("This preview has expired; upload the file again."))
            return redirect(request.path)
        try:
            result = apply(importer, *staged, acting_user=request.user)
        except ImportRefused as exc:
            page["preview"] = exc.preview
            return render(request, template, page)
        except tuple(refused_errors) as exc:
            messages.error(request, str(exc))
            return redirect(request.path)
        return done(request, result)
    if request.method == "POST" and form.is_valid():
        try:
            data = check_upload(form.cleaned_data["file"], allowed=("xlsx",),
                                max_bytes=importer.max_bytes).content.read()
        except UploadError as exc:
            form.add_error("file", str(exc))
            return render(request, template, page)
        context = context_of(form)
        preview = importer.parse(data, context)
        page["preview"] = preview
        if preview.ok:
            page["token"] = stage(request.session, importer, data, context)
    return render(request, template, page)
