# The mentor directory at scale: a GIN index behind text search, the stored search document for
# every mentor (now with the name also unstemmed, for the name prefix match), and one partial index
# per directory order. See accounts/search.py and accounts.selectors.mentors_search.

import django.contrib.postgres.indexes
from django.db import migrations, models

_SKILLS = ("(SELECT string_agg(s.{col}, ' ') FROM accounts_mentorprofile_skills ms "
           "JOIN accounts_skill s ON s.id = ms.skill_id WHERE ms.mentorprofile_id = mp.user_id)")
_NAME = "coalesce((SELECT u.name FROM accounts_user u WHERE u.id = mp.user_id), '')"

REFRESH = f"""
UPDATE accounts_mentorprofile mp SET search_vector =
    setweight(to_tsvector('english', {_NAME}), 'A')
 || setweight(to_tsvector('simple', {_NAME}), 'A')
 || setweight(to_tsvector('english', coalesce({_SKILLS.format(col="name")}, '')), 'A')
 || setweight(to_tsvector('english', coalesce(mp.headline, '')), 'B')
 || setweight(to_tsvector('english', coalesce({_SKILLS.format(col="synonyms")}, '')), 'B')
 || setweight(to_tsvector('english', coalesce(mp.bio, '')), 'C')
"""


def refresh_documents(apps, schema_editor):
    # Same document as accounts.search.search_document(), in SQL because a migration must not
    # import today's models. Every row: the document gained the unstemmed name, and rows written
    # around the services (fixtures, raw SQL) had none. SQLite has no full-text search.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REFRESH)


class AddIndexOnPostgres(migrations.AddIndex):
    """AddIndex that only touches a PostgreSQL database (the model state changes everywhere, so
    makemigrations stays clean); the suite also runs on SQLite, which has no GIN."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0005_api_tokens'),
    ]

    operations = [
        AddIndexOnPostgres(
            model_name='mentorprofile',
            index=django.contrib.postgres.indexes.GinIndex(fields=['search_vector'], name='mentor_search_gin'),
        ),
        migrations.AddIndex(
            model_name='mentorprofile',
            index=models.Index(condition=models.Q(('is_listed', True)), fields=['-rating_bayes', '-years_experience', 'user'], name='mentor_dir_default'),
        ),
        migrations.AddIndex(
            model_name='mentorprofile',
            index=models.Index(condition=models.Q(('is_listed', True)), fields=['-rating_bayes', '-rating_count', 'user'], name='mentor_dir_rating'),
        ),
        migrations.AddIndex(
            model_name='mentorprofile',
            index=models.Index(condition=models.Q(('is_listed', True)), fields=['-years_experience', 'user'], name='mentor_dir_experience'),
        ),
        migrations.AddIndex(
            model_name='mentorprofile',
            index=models.Index(condition=models.Q(('is_listed', True)), fields=['-created_at', 'user'], name='mentor_dir_newest'),
        ),
        # After the indexes, not before: an index built over rows this same transaction just
        # updated is flagged indcheckxmin and stays unusable until every older snapshot on the
        # server is gone (seen here: the planner kept to sequential scans).
        migrations.RunPython(refresh_documents, migrations.RunPython.noop),
    ]
