from django.db import migrations

MODERATOR_PERMISSIONS = ()  # the ratings app adds its permissions to the group in its own migration


def forwards(apps, schema_editor):
    from accounts.languages import LANGUAGES

    Language = apps.get_model("accounts", "Language")
    for code, name in LANGUAGES.items():
        Language.objects.update_or_create(code=code, defaults={"name": name})
    Group = apps.get_model("auth", "Group")
    Group.objects.get_or_create(name="Moderators")


def backwards(apps, schema_editor):
    pass


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(forwards, backwards)]
