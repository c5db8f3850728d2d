"""Files on disk in step with the database: a file is kept only if the row pointing at it commits.

`FileSystemStorage` (the default storage in every settings module) removes what it was writing when
the write fails — a full disk leaves no partial file. `files_follow_transaction()` wraps an action that
saves files inside `transaction.atomic`: if the action fails, the files it saved are deleted again
(their rows were rolled back), so no orphan file is left. Actions turn a storage failure into the
`NO_SPACE` message for the person uploading.
"""

import contextlib
import contextvars
import errno
import logging
import os

from django.core.files.storage import filesystem
from django.utils.translation import gettext_noop

log = logging.getLogger(__name__)

NO_SPACE = gettext_noop("The server could not store the file (its disk may be full). Nothing was saved; "
                        "please try again later.")

_written: contextvars.ContextVar[list | None] = contextvars.ContextVar("dxboard_files_written", default=None)


def is_storage_failure(exc: BaseException) -> bool:
    """A write refused by the system (disk or quota full, file-size limit, read-only disk, I/O error)."""
    return isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS,
                                                      errno.EIO)


class FileSystemStorage(filesystem.FileSystemStorage):
    def _save(self, name, content):
        try:
            name = super()._save(name, content)
        except OSError as exc:
            # Django writes under `name` unless that name was taken meanwhile (FileExistsError, and
            # another name); our stored names are random, so what is at `name` is our partial file.
            if not isinstance(exc, FileExistsError):
                with contextlib.suppress(OSError):
                    os.remove(self.path(name))
            raise
        written = _written.get()
        if written is not None:
            written.append((self, name))
        return name


@contextlib.contextmanager
def files_follow_transaction():
    """Delete the files saved inside the block when the block raises (use it outside the atomic block)."""
    outer = _written.get()
    written: list = []
    token = _written.set(written)
    try:
        yield
    except BaseException:
        for storage, name in written:
            try:
                storage.delete(name)
            except OSError:
                log.warning("could not remove the orphan file %s", name)
        raise
    else:
        if outer is not None:  # nested: the enclosing action may still fail and must remove these too
            outer.extend(written)
    finally:
        _written.reset(token)


@contextlib.contextmanager
def refused_when_full(refusal):
    """Inside an action: a storage failure in the block becomes `refusal(NO_SPACE)`, the action's own
    error (shown to the person uploading); any other error passes unchanged."""
    try:
        yield
    except OSError as exc:
        if is_storage_failure(exc):
            raise refusal(NO_SPACE) from exc
        raise
