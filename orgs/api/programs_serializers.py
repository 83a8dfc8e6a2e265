"""Program API shapes: input is parsed only (orgs.services.programs validates); output says the
rules in plain words beside the raw settings, so a client can show what the page shows."""

from __future__ import annotations

from django.conf import settings
from rest_framework import serializers

from orgs.models import Program, ProgramEnrollment
from orgs.rules import rules_in_words
from orgs.selectors_programs import program_limits_in_words


class ProgramNamedSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField(source="__str__")


class OrgProgramSerializer(serializers.ModelSerializer):
    session_lengths = serializers.ListField(child=serializers.IntegerField())
    mentee_departments = ProgramNamedSerializer(many=True)
    mentee_levels = ProgramNamedSerializer(many=True)
    mentor_departments = ProgramNamedSerializer(many=True)
    mentor_levels = ProgramNamedSerializer(many=True)
    rules = serializers.SerializerMethodField(help_text="The matching rules in plain words")
    limits = serializers.SerializerMethodField(help_text="Dates, lengths, quota and capacity in plain words")
    my_sides = serializers.SerializerMethodField(help_text="Sides the caller has joined")

    class Meta:
        model = Program
        fields = [
            "id", "slug", "name", "purpose", "status", "starts_on", "ends_on", "session_lengths",
            "mentee_departments", "mentee_levels", "mentee_invitation_only", "mentor_departments", "mentor_levels",
            "mentor_invitation_only", "mentee_quota_per_month", "mentor_capacity", "mentor_capacity_unit",
            "department_rule", "min_level_gap", "require_shared_language", "allows_flash_questions", "rules",
            "limits", "my_sides",
        ]

    def get_rules(self, obj) -> list[str]:
        return rules_in_words(obj)

    def get_limits(self, obj) -> list[str]:
        return program_limits_in_words(obj)

    def get_my_sides(self, obj) -> list[str]:
        return list(self.context.get("my_programs", {}).get(obj.pk, []))


class ProgramEligibilitySerializer(serializers.Serializer):
    side = serializers.CharField()
    status = serializers.CharField(help_text='joined, invited, left or "" (never)')
    can_join = serializers.BooleanField()
    can_leave = serializers.BooleanField()
    reason = serializers.CharField(help_text="Why not, in plain words (empty when allowed or joined)")


class ProgramMentorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    department = serializers.CharField(allow_null=True)
    level = serializers.CharField(allow_null=True)


class OrgProgramDetailSerializer(OrgProgramSerializer):
    eligibility = ProgramEligibilitySerializer(many=True, source="eligibility_list")
    mentors = ProgramMentorSerializer(many=True, source="mentor_list")

    class Meta(OrgProgramSerializer.Meta):
        fields = OrgProgramSerializer.Meta.fields + ["eligibility", "mentors"]


class ProgramInputSerializer(serializers.Serializer):
    """Create (every field but the optional ones) or PATCH (any subset)."""

    name = serializers.CharField(max_length=200)
    purpose = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    session_lengths = serializers.ListField(child=serializers.ChoiceField(choices=list(settings.SESSION_LENGTHS)),
                                            required=False)
    mentee_departments = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False)
    mentee_levels = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False)
    mentee_invitation_only = serializers.BooleanField(required=False)
    mentor_departments = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False)
    mentor_levels = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False)
    mentor_invitation_only = serializers.BooleanField(required=False)
    mentee_quota_per_month = serializers.IntegerField(required=False, allow_null=True)
    mentor_capacity = serializers.IntegerField(required=False, allow_null=True)
    mentor_capacity_unit = serializers.ChoiceField(choices=Program.CapacityUnit.choices, required=False)
    department_rule = serializers.ChoiceField(choices=Program.DepartmentRule.choices, required=False)
    min_level_gap = serializers.IntegerField(required=False, allow_null=True)
    require_shared_language = serializers.BooleanField(required=False)
    allows_flash_questions = serializers.BooleanField(required=False)

    RENAMED = {"mentee_departments": "mentee_department_ids", "mentee_levels": "mentee_level_ids",
               "mentor_departments": "mentor_department_ids", "mentor_levels": "mentor_level_ids"}

    def changes(self) -> dict:
        """The parsed values under ProgramData's names."""
        out = {}
        for key, value in self.validated_data.items():
            if isinstance(value, list):
                value = tuple(value)
            out[self.RENAMED.get(key, key)] = value
        return out


class ProgramSideSerializer(serializers.Serializer):
    side = serializers.ChoiceField(choices=ProgramEnrollment.Side.choices)


class ProgramPersonSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField(source="display_name")


class ProgramEnrollmentSerializer(serializers.ModelSerializer):
    user = ProgramPersonSerializer()

    class Meta:
        model = ProgramEnrollment
        fields = ["id", "user", "side", "status", "invited_at", "joined_at", "left_at"]


class ProgramEnrollmentInputSerializer(serializers.Serializer):
    email = serializers.EmailField()
    side = serializers.ChoiceField(choices=ProgramEnrollment.Side.choices)
    invite = serializers.BooleanField(required=False, default=False,
                                      help_text="true: status invited (they join themselves); false: joined now")


class ProgramRecommendationSerializer(serializers.Serializer):
    mentor = ProgramPersonSerializer()
    department = serializers.CharField(allow_null=True)
    level = serializers.CharField(allow_null=True)
    score = serializers.FloatField()
    rank = serializers.IntegerField()
    reasons = serializers.ListField(child=serializers.CharField())


class ProgramRecommendationListSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    results = ProgramRecommendationSerializer(many=True)
