"""Organisations, their structure and members on the wire. Reading serializers shape output;
writing ones only parse (orgs.services.members validates). Names start with "Org" so the
OpenAPI components stay unique beside the other areas' serializers."""

from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from orgs.models import Department, Invitation, Level, Membership, Organisation, OrganisationDomain
from orgs.services.members import invitation_state


class OrgDepartmentSerializer(serializers.ModelSerializer):
    member_count = serializers.IntegerField(read_only=True, required=False, help_text="Active members")

    class Meta:
        model = Department
        fields = ["id", "name", "slug", "member_count"]
        read_only_fields = fields


class OrgLevelSerializer(serializers.ModelSerializer):
    member_count = serializers.IntegerField(read_only=True, required=False, help_text="Active members")

    class Meta:
        model = Level
        fields = ["id", "code", "name", "rank", "member_count"]
        read_only_fields = fields


class OrgDomainSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrganisationDomain
        fields = ["id", "domain", "verified_at"]
        read_only_fields = fields


class OrgMyMembershipSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Membership.Role.choices)
    department = serializers.CharField(source="department.name", allow_null=True, default=None)
    level = serializers.CharField(source="level.code", allow_null=True, default=None)
    title = serializers.CharField()


class OrganisationSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    logo = serializers.ImageField(read_only=True, allow_null=True)

    class Meta:
        model = Organisation
        fields = ["slug", "name", "url", "logo", "timezone", "join_policy"]
        read_only_fields = fields

    def get_url(self, organisation: Organisation) -> str:
        return reverse("orgs:home", args=[organisation.slug])


class OrgMineSerializer(serializers.Serializer):
    """One of my organisations (GET /api/v1/orgs/)."""

    organisation = OrganisationSerializer()
    membership = OrgMyMembershipSerializer(source="*")


class OrganisationDetailSerializer(OrganisationSerializer):
    membership = OrgMyMembershipSerializer(allow_null=True, read_only=True, help_text="Yours; null for staff")
    is_admin = serializers.BooleanField(read_only=True, help_text="Whether you manage it")
    invite_url = serializers.CharField(read_only=True, allow_null=True,
                                       help_text="The shareable invite link (admins only; null when off)")
    departments = OrgDepartmentSerializer(many=True, read_only=True, source="department_list")
    levels = OrgLevelSerializer(many=True, read_only=True, source="level_list")

    class Meta(OrganisationSerializer.Meta):
        fields = [*OrganisationSerializer.Meta.fields, "membership", "is_admin", "invite_url", "departments", "levels"]
        read_only_fields = fields


class OrganisationWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120, required=False)
    timezone = serializers.CharField(max_length=64, required=False, help_text="IANA time zone, e.g. Europe/Berlin")
    join_policy = serializers.ChoiceField(choices=Organisation.JoinPolicy.choices, required=False)
    logo = serializers.ImageField(required=False, allow_null=True, help_text="multipart upload; null removes it")


class OrgDomainWriteSerializer(serializers.Serializer):
    domain = serializers.CharField(max_length=253)


class OrgDepartmentWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=80)


class OrgLevelWriteSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=16)
    name = serializers.CharField(max_length=80, required=False, allow_blank=True)


class OrgLevelUpdateSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=16, required=False)
    name = serializers.CharField(max_length=80, required=False, allow_blank=True)


class OrgLevelOrderSerializer(serializers.Serializer):
    levels = serializers.ListField(child=serializers.IntegerField(min_value=1), max_length=200,
                                   help_text="Every level id of the organisation, most junior first")


class OrgMemberSerializer(serializers.ModelSerializer):
    user = serializers.IntegerField(source="user_id", read_only=True)
    name = serializers.CharField(source="user.display_name", read_only=True)
    email = serializers.EmailField(source="user.email", read_only=True)
    department = OrgDepartmentSerializer(read_only=True, allow_null=True)
    level = OrgLevelSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Membership
        fields = ["id", "user", "name", "email", "role", "department", "level", "title", "location", "employee_id",
                  "is_active", "joined_at", "deactivated_at"]
        read_only_fields = fields


class OrgMemberWriteSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Membership.Role.choices, required=False)
    department = serializers.IntegerField(min_value=1, required=False, allow_null=True,
                                          help_text="A department id of this organisation; null clears it")
    level = serializers.IntegerField(min_value=1, required=False, allow_null=True,
                                     help_text="A level id of this organisation; null clears it")
    title = serializers.CharField(max_length=120, required=False, allow_blank=True)


class OrgInvitationSerializer(serializers.ModelSerializer):
    state = serializers.SerializerMethodField(help_text="pending, accepted, revoked or expired")

    class Meta:
        model = Invitation
        fields = ["id", "email", "role", "created_at", "expires_at", "accepted_at", "revoked_at", "state"]
        read_only_fields = fields

    def get_state(self, invitation: Invitation) -> str:
        return invitation_state(invitation)


class OrgInvitationWriteSerializer(serializers.Serializer):
    email = serializers.EmailField()
    role = serializers.ChoiceField(choices=Membership.Role.choices, required=False, default=Membership.Role.MEMBER)


class OrgInviteLinkSerializer(serializers.Serializer):
    invite_url = serializers.CharField(allow_null=True)
