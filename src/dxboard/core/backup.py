"""Backups of the database and the uploaded files, consistent and checkable.

A backup is a folder: `data.json` (every row, Django's serialisation, read inside one transaction so
it is a consistent snapshot), `media.tar` (the uploaded files), and `manifest.json` (row counts per
model, the SHA-256 of both files, and of every uploaded file, the schema's migration state). A restore
refuses a folder whose checksums do not match, loads it into an empty, migrated database, puts the
files back, and checks the row counts again.
"""

import hashlib
import io
import json
import tarfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connections, transaction
from django.db.migrations.recorder import MigrationRecorder

FORMAT = 1
# Recomputable or per-process state that a restore must not carry over.
SKIPPED = {"sessions.session", "contenttypes.contenttype", "auth.permission"}


class BackupError(RuntimeError):
    pass


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _models():
    for model in apps.get_models():
        if model._meta.label_lower not in SKIPPED and not model._meta.proxy and model._meta.managed:
            yield model


def _counts(using: str) -> dict[str, int]:
    return {m._meta.label_lower: m._default_manager.using(using).count() for m in _models()}


def backup(target: Path, *, using: str = "default", media_root: Path | None = None) -> dict:
    target.mkdir(parents=True, exist_ok=True)
    media_root = Path(media_root or settings.MEDIA_ROOT)
    data_path = target / "data.json"
    # One transaction (REPEATABLE READ on PostgreSQL) so every table is read at the same instant.
    fresh = not connections[using].in_atomic_block  # the isolation level must be the first statement
    with transaction.atomic(using=using):
        if fresh and connections[using].vendor == "postgresql":
            with connections[using].cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        counts = _counts(using)
        with data_path.open("w", encoding="utf-8") as out:
            objects = (obj for model in _models() for obj in model._default_manager.using(using).order_by("pk"))
            serializers.serialize("json", objects, stream=out, use_natural_foreign_keys=False)
        migrations = sorted(f"{a}.{n}" for a, n in MigrationRecorder(connections[using]).applied_migrations())
    files = {}
    with tarfile.open(target / "media.tar", "w") as tar:
        if media_root.exists():
            for path in sorted(p for p in media_root.rglob("*") if p.is_file()):
                name = str(path.relative_to(media_root))
                files[name] = _sha256(path)
                tar.add(path, arcname=name)
    manifest = {"format": FORMAT, "counts": counts, "migrations": migrations, "files": files,
                "data_sha256": _sha256(data_path), "media_sha256": _sha256(target / "media.tar")}
    (target / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
    return manifest


def verify(source: Path) -> dict:
    manifest = json.loads((source / "manifest.json").read_text(encoding="utf-8"))
    for name, key in (("data.json", "data_sha256"), ("media.tar", "media_sha256")):
        if _sha256(source / name) != manifest[key]:
            raise BackupError(f"{name}: checksum does not match the manifest (damaged or altered backup)")
    return manifest


def restore(source: Path, *, using: str = "default", media_root: Path | None = None) -> dict:
    """Restore into an empty database (migrated here if needed) and a media folder."""
    manifest = verify(source)
    call_command("migrate", database=using, verbosity=0, interactive=False)
    if any(_counts(using).values()):
        raise BackupError("the target database is not empty: restore only into a fresh database")
    with transaction.atomic(using=using):
        with (source / "data.json").open("rb") as handle:
            objects = list(serializers.deserialize("json", io.TextIOWrapper(handle, encoding="utf-8"), using=using))
        for obj in objects:
            obj.save(using=using)
        _reset_sequences(using)
    media_root = Path(media_root or settings.MEDIA_ROOT)
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(source / "media.tar") as tar:
        tar.extractall(media_root, filter="data")
    for name, digest in manifest["files"].items():
        if _sha256(media_root / name) != digest:
            raise BackupError(f"restored file {name} does not match its checksum")
    restored = _counts(using)
    if restored != manifest["counts"]:
        wrong = {k: (manifest["counts"].get(k), v) for k, v in restored.items() if manifest["counts"].get(k) != v}
        raise BackupError(f"row counts differ after restore: {wrong}")
    return manifest


def _reset_sequences(using: str) -> None:
    connection = connections[using]
    statements = connection.ops.sequence_reset_sql(no_style(), list(_models()))
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
