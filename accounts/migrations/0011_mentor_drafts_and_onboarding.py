"""Mentor drafts (issue 14): a profile is listed only when complete (0012 rebuilds the directory's
partial indexes on the new listing condition, in a transaction of its own: PostgreSQL refuses to
CREATE INDEX on a table with the backfill's pending trigger events). Existing profiles get both
flags from what they hold today, so a complete mentor stays listed and an empty one becomes a draft."""

from django.db import migrations, models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone


def backfill(apps, schema_editor):
    MentorProfile = apps.get_model("accounts", "MentorProfile")
    Rule = apps.get_model("booking", "AvailabilityRule")
    Override = apps.get_model("booking", "AvailabilityOverride")
    Through = MentorProfile.skills.through
    today = timezone.now().date()
    # The same rule as accounts.completeness / sessions.services.availability.mentor_has_availability,
    # restated because a migration must not import code that will change after it.
    MentorProfile.objects.filter(
        Exists(Rule.objects.filter(mentor_id=OuterRef("user_id")))
        | Exists(Override.objects.filter(mentor_id=OuterRef("user_id"), start_time__isnull=False,
                                         end_date__gte=today))
    ).update(has_availability=True)
    MentorProfile.objects.filter(
        ~Q(headline=""), ~Q(bio=""), has_availability=True,
        pk__in=Through.objects.values("mentorprofile_id"),
    ).update(is_complete=True)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0010_mentor_recognition'),
        ('booking', '0001_initial'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='mentorprofile',
            name='mentor_dir_default',
        ),
        migrations.RemoveIndex(
            model_name='mentorprofile',
            name='mentor_dir_rating',
        ),
        migrations.RemoveIndex(
            model_name='mentorprofile',
            name='mentor_dir_experience',
        ),
        migrations.RemoveIndex(
            model_name='mentorprofile',
            name='mentor_dir_newest',
        ),
        migrations.AddField(
            model_name='mentorprofile',
            name='has_availability',
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.AddField(
            model_name='mentorprofile',
            name='is_complete',
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.AddField(
            model_name='user',
            name='onboarding_steps',
            field=models.JSONField(blank=True, default=list, editable=False),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
