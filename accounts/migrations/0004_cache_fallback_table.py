"""The table the Redis cache falls back to while Redis is down (mentorship/cache.py).

Created here so that `migrate` alone prepares a deployment; `createcachetable` would do the same
but is one more step to forget.
"""

from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations

TABLE = "cache_fallback"


def create(apps, schema_editor):
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, TABLE, dry_run=False)


def drop(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_mentor_search_vector")]
    operations = [migrations.RunPython(create, drop)]
