"""The directory's partial indexes on the new listing condition (listed and complete, 0011)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0011_mentor_drafts_and_onboarding'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='mentorprofile',
            index=models.Index(condition=models.Q(('is_complete', True), ('is_listed', True)), fields=['-rating_bayes', '-years_experience', 'user'], name='mentor_dir_default'),
        ),
        migrations.AddIndex(
            model_name='mentorprofile',
            index=models.Index(condition=models.Q(('is_complete', True), ('is_listed', True)), fields=['-rating_bayes', '-rating_count', 'user'], name='mentor_dir_rating'),
        ),
        migrations.AddIndex(
            model_name='mentorprofile',
            index=models.Index(condition=models.Q(('is_complete', True), ('is_listed', True)), fields=['-years_experience', 'user'], name='mentor_dir_experience'),
        ),
        migrations.AddIndex(
            model_name='mentorprofile',
            index=models.Index(condition=models.Q(('is_complete', True), ('is_listed', True)), fields=['-created_at', 'user'], name='mentor_dir_newest'),
        ),
    ]
