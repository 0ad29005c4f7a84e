"""Full-text search over sanitised text: a GIN expression index on PostgreSQL (the same
expression cairn/intelligence/search.py filters on), an FTS5 table on SQLite. Neither is
part of the model state: they are database-specific accelerators (see ADR 0010)."""

from django.db import migrations

PG_INDEX = (
    "CREATE INDEX IF NOT EXISTS intel_sanitised_fts ON intelligence_submission USING gin "
    "(to_tsvector('english'::regconfig, COALESCE(sanitised_text, '')))"
)


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_INDEX)
    elif vendor == "sqlite":
        try:
            schema_editor.execute(
                "CREATE VIRTUAL TABLE IF NOT EXISTS intelligence_fts USING fts5(body)"
            )
        except Exception:  # noqa: BLE001 - a SQLite without FTS5 falls back to LIKE
            pass


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS intel_sanitised_fts")
    elif vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS intelligence_fts")


class Migration(migrations.Migration):
    dependencies = [("intelligence", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
