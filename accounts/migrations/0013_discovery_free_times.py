# Discovery by availability (accounts.MentorFreeTime and the next free start on each mentor) and
# typo-tolerant search (pg_trgm over MentorProfile.search_text). The free times are filled by
# `manage.py free_times_rebuild` (and kept by the booking side); a migration cannot run the slot engine.

import django.contrib.postgres.indexes
import django.db.models.deletion
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models


class AddIndexOnPostgres(migrations.AddIndex):
    """AddIndex that only touches PostgreSQL (as in 0006): SQLite has no GIN or pg_trgm."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)

# Same text as accounts.search.search_text(), in SQL because a migration must not import today's models.
BACKFILL = """
UPDATE accounts_mentorprofile mp SET search_text = lower(coalesce(
    (SELECT u.name FROM accounts_user u WHERE u.id = mp.user_id), ''))
"""


def backfill(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKFILL)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0012_mentor_dir_indexes_complete'),
    ]

    operations = [
        TrigramExtension(),
        migrations.CreateModel(
            name='MentorFreeTime',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('start', models.DateTimeField()),
                ('first_end', models.DateTimeField()),
                ('last_start', models.DateTimeField()),
                ('end', models.DateTimeField()),
            ],
            options={
                'ordering': ['mentor_id', 'start'],
            },
        ),
        migrations.AddField(
            model_name='mentorprofile',
            name='free_computed_at',
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='mentorprofile',
            name='free_soon',
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.AddField(
            model_name='mentorprofile',
            name='next_free_at',
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='mentorprofile',
            name='search_text',
            field=models.TextField(blank=True, default='', editable=False),
        ),
        migrations.AddIndex(
            model_name='mentorprofile',
            index=models.Index(condition=models.Q(('is_complete', True), ('is_listed', True)), fields=['-free_soon', '-rating_bayes', '-years_experience', 'user'], name='mentor_dir_free_default'),
        ),
        migrations.AddIndex(
            model_name='mentorprofile',
            index=models.Index(condition=models.Q(('is_complete', True), ('is_listed', True)), fields=['next_free_at', 'user'], name='mentor_dir_earliest'),
        ),
        AddIndexOnPostgres(
            model_name='mentorprofile',
            index=django.contrib.postgres.indexes.GinIndex(fields=['search_text'], name='mentor_search_trgm', opclasses=['gin_trgm_ops']),
        ),
        migrations.AddField(
            model_name='mentorfreetime',
            name='mentor',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='free_times', to='accounts.mentorprofile'),
        ),
        migrations.AddIndex(
            model_name='mentorfreetime',
            index=models.Index(fields=['mentor', 'last_start', 'first_end'], name='mentor_free_time_window'),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
