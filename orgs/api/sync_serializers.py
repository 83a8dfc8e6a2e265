"""Directory sync over the API: the upload in, the plan (or what was applied) out."""

from __future__ import annotations

from rest_framework import serializers

from orgs.sync import MAX_BYTES


class OrgSyncInput(serializers.Serializer):
    file = serializers.FileField(help_text="CSV or JSON export: email, name, department, level, title, location, "
                                           "manager_email, employee_id, active")
    format = serializers.ChoiceField(choices=["csv", "json"], required=False,
                                     help_text="Default: from the file's name or content")
    deactivate_missing = serializers.BooleanField(required=False, default=False,
                                                  help_text="Deactivate members not in the file (admins are kept)")
    dry_run = serializers.BooleanField(required=False, default=False, help_text="Plan only; write nothing")

    def validate_file(self, value):
        if value.size > MAX_BYTES:
            raise serializers.ValidationError(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.")
        return value


class OrgSyncChange(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["create", "update", "reactivate", "deactivate"])
    email = serializers.EmailField()
    name = serializers.CharField()
    where = serializers.CharField(help_text="The line (or record) in the file; empty for members missing from it")
    reason = serializers.CharField(help_text="Why a deactivation: marked inactive, or missing from the file")
    account = serializers.CharField(help_text="What happens to the account (new account, account locked, ...)")
    details = serializers.ListField(child=serializers.CharField(), help_text="Each field's change")


class OrgSyncCounts(serializers.Serializer):
    rows = serializers.IntegerField()
    create = serializers.IntegerField()
    update = serializers.IntegerField()
    reactivate = serializers.IntegerField()
    deactivate = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    new_accounts = serializers.IntegerField()
    sessions_to_cancel = serializers.IntegerField()
    accounts_locked = serializers.IntegerField()
    accounts_unlocked = serializers.IntegerField()
    sessions_cancelled = serializers.IntegerField()


class OrgSyncResult(serializers.Serializer):
    dry_run = serializers.SerializerMethodField()
    applied = serializers.BooleanField()
    format = serializers.CharField()
    summary = serializers.CharField()
    counts = OrgSyncCounts()
    kept_admins = serializers.ListField(child=serializers.EmailField())
    changes = OrgSyncChange(many=True)

    def get_dry_run(self, plan) -> bool:
        return not plan.applied
