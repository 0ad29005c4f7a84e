"""PostgreSQL: a stored (generated) tsvector of the sanitised text with a GIN index, so the
search filter, its recheck and `ts_rank` read the stored vector instead of recomputing
`to_tsvector` for every matching row; the index also holds the two grades (btree_gin). Replaces 0002's expression index. SQLite keeps its
FTS5 table (0002). Not part of the model state: a database-specific accelerator (ADR 0010);
the column is GENERATED, so no Django write path has to maintain it."""

from django.db import migrations

PG_FORWARDS = [
    "ALTER TABLE intelligence_submission ADD COLUMN IF NOT EXISTS sanitised_search tsvector "
    "GENERATED ALWAYS AS (to_tsvector('english'::regconfig, COALESCE(sanitised_text, ''))) "
    "STORED",
    # btree_gin lets the grade filters join the text match inside one GIN scan, so a broad
    # text match narrowed by grade visits only the rows that satisfy both.
    "CREATE EXTENSION IF NOT EXISTS btree_gin",
    "CREATE INDEX IF NOT EXISTS intel_sanitised_search ON intelligence_submission "
    "USING gin (sanitised_search, source_grade, intel_grade)",
    "DROP INDEX IF EXISTS intel_sanitised_fts",
]
PG_BACKWARDS = [
    "CREATE INDEX IF NOT EXISTS intel_sanitised_fts ON intelligence_submission USING gin "
    "(to_tsvector('english'::regconfig, COALESCE(sanitised_text, '')))",
    "DROP INDEX IF EXISTS intel_sanitised_search",
    "ALTER TABLE intelligence_submission DROP COLUMN IF EXISTS sanitised_search",
]


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        for sql in PG_FORWARDS:
            schema_editor.execute(sql)


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        for sql in PG_BACKWARDS:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("intelligence", "0002_search_index")]
    operations = [migrations.RunPython(forwards, backwards)]
