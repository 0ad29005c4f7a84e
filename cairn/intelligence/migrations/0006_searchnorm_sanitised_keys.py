"""Registrations, postcodes and phone numbers match however they are typed (ADR 0010): a
`sanitised_keys` column holds the canonical key of each one in the sanitised text, and the
search document becomes the sanitised text plus those keys.

PostgreSQL: the stored generated vector of 0003 is redefined over both columns (a generated
column's expression cannot be altered, so it is dropped and added again, and its GIN index,
still with the two grades, rebuilt). SQLite: the FTS5 rows are rewritten with the keys."""

from django.db import migrations, models

from cairn.pole.normalise import search_keys

BATCH = 2_000

PG_DROP = [
    "DROP INDEX IF EXISTS intel_sanitised_search",
    "ALTER TABLE intelligence_submission DROP COLUMN IF EXISTS sanitised_search",
]
PG_ADD = [
    "ALTER TABLE intelligence_submission ADD COLUMN sanitised_search tsvector "
    "GENERATED ALWAYS AS (to_tsvector('english'::regconfig, COALESCE(sanitised_text, '') "
    "|| ' ' || COALESCE(sanitised_keys, ''))) STORED",
    "CREATE INDEX IF NOT EXISTS intel_sanitised_search ON intelligence_submission "
    "USING gin (sanitised_search, source_grade, intel_grade)",
]
PG_ADD_0003 = [
    "ALTER TABLE intelligence_submission ADD COLUMN sanitised_search tsvector "
    "GENERATED ALWAYS AS (to_tsvector('english'::regconfig, COALESCE(sanitised_text, ''))) "
    "STORED",
    "CREATE INDEX IF NOT EXISTS intel_sanitised_search ON intelligence_submission "
    "USING gin (sanitised_search, source_grade, intel_grade)",
]


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    submission = apps.get_model("intelligence", "Submission")
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        # Drop the vector first, so the backfill does not recompute it row by row.
        for sql in PG_DROP:
            schema_editor.execute(sql)
    rows = submission.objects.exclude(sanitised_text="").only("pk", "sanitised_text")
    batch = []
    for row in rows.order_by("pk").iterator(chunk_size=BATCH):
        row.sanitised_keys = " ".join(search_keys(row.sanitised_text))
        batch.append(row)
        if len(batch) >= BATCH:
            submission.objects.bulk_update(batch, ["sanitised_keys"])
            batch = []
    if batch:
        submission.objects.bulk_update(batch, ["sanitised_keys"])
    if vendor == "postgresql":
        for sql in PG_ADD:
            schema_editor.execute(sql)
    elif vendor == "sqlite":
        _sqlite_rebuild(schema_editor, with_keys=True)


def _sqlite_rebuild(schema_editor, *, with_keys: bool):  # type: ignore[no-untyped-def]
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='intelligence_fts'")
        if cursor.fetchone() is None:
            return  # no FTS5 in this SQLite build: search uses LIKE
        cursor.execute("DELETE FROM intelligence_fts")
        body = "sanitised_text || char(10) || sanitised_keys" if with_keys else "sanitised_text"
        # Every sanitised entry, as the sanitise service indexes them; search intersects
        # the matches with what the searcher may see.
        cursor.execute(
            f"INSERT INTO intelligence_fts(rowid, body) SELECT id, {body} "  # noqa: S608 - constant
            "FROM intelligence_submission WHERE sanitised_text <> ''"
        )


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for sql in PG_DROP + PG_ADD_0003:
            schema_editor.execute(sql)
    elif vendor == "sqlite":
        _sqlite_rebuild(schema_editor, with_keys=False)


class Migration(migrations.Migration):
    dependencies = [("intelligence", "0005_crime_route")]
    operations = [
        migrations.AddField(
            model_name="submission",
            name="sanitised_keys",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(forwards, backwards),
    ]
