# Stored full-text search document for the mentor directory (see accounts/search.py).

import django.contrib.postgres.search
from django.db import migrations

_SKILLS = ("(SELECT string_agg(s.{col}, ' ') FROM accounts_mentorprofile_skills ms "
           "JOIN accounts_skill s ON s.id = ms.skill_id WHERE ms.mentorprofile_id = mp.user_id)")

BACKFILL = f"""
UPDATE accounts_mentorprofile mp SET search_vector =
    setweight(to_tsvector('english', coalesce((SELECT u.name FROM accounts_user u WHERE u.id = mp.user_id), '')), 'A')
 || setweight(to_tsvector('english', coalesce({_SKILLS.format(col="name")}, '')), 'A')
 || setweight(to_tsvector('english', coalesce(mp.headline, '')), 'B')
 || setweight(to_tsvector('english', coalesce({_SKILLS.format(col="synonyms")}, '')), 'B')
 || setweight(to_tsvector('english', coalesce(mp.bio, '')), 'C')
"""


def backfill(apps, schema_editor):
    # Same document as accounts.search.search_document(), written in SQL because a migration must
    # not import today's models. SQLite has no full-text search; the column stays NULL there.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKFILL)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_languages_and_moderators'),
    ]

    operations = [
        migrations.AddField(
            model_name='mentorprofile',
            name='search_vector',
            field=django.contrib.postgres.search.SearchVectorField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
