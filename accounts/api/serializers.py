"""Shapes of accounts data on the wire. Reading serializers shape output; writing ones only parse.

Validation that matters (known languages, own-link needs a URL, photo limits) happens in
accounts.services so the API answers exactly like the pages do.
"""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.completeness import STEPS as COMPLETENESS_STEPS
from accounts.completeness import mentor_completeness
from accounts.models import Industry, Language, MenteeProfile, MentorProfile, Skill, User
from accounts.timezones import is_valid_timezone
from accounts.tokens import api_token_expires_at
from accounts.validators import MAX_TERM_LENGTH, MAX_TERMS

# Unbound, so it renders in the active time zone exactly as a declared DateTimeField does.
_DATETIME = serializers.DateTimeField()


class SkillSerializer(serializers.ModelSerializer):
    class Meta:
        model = Skill
        fields = ["name", "slug", "synonyms"]


class IndustrySerializer(serializers.ModelSerializer):
    class Meta:
        model = Industry
        fields = ["name", "slug", "synonyms"]


class LanguageSerializer(serializers.ModelSerializer):
    class Meta:
        model = Language
        fields = ["code", "name"]


class MeSerializer(serializers.ModelSerializer):
    mentor_profile_url = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "email", "name", "timezone", "is_mentor", "is_mentee", "remind_24h", "remind_1h",
                  "email_updates", "is_staff", "mentor_profile_url"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_mentor_profile_url(self, user: User) -> str | None:
        profile = getattr(user, "mentor_profile", None) if user.is_mentor else None
        return profile.get_absolute_url() if profile else None


class MeUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120, required=False)
    timezone = serializers.CharField(max_length=64, required=False, help_text="IANA time zone, e.g. Europe/Berlin")
    is_mentor = serializers.BooleanField(required=False)
    is_mentee = serializers.BooleanField(required=False)
    remind_24h = serializers.BooleanField(required=False)
    remind_1h = serializers.BooleanField(required=False)
    email_updates = serializers.BooleanField(required=False)

    def validate_timezone(self, value: str) -> str:
        if not is_valid_timezone(value):
            raise serializers.ValidationError(f"“{value}” is not a known IANA time zone (for example Europe/Berlin).")
        return value


def _terms_field(help_text: str, **kwargs) -> serializers.ListField:
    return serializers.ListField(child=serializers.CharField(max_length=MAX_TERM_LENGTH), max_length=MAX_TERMS,
                                 help_text=help_text, **kwargs)


class MentorProfileSerializer(serializers.ModelSerializer):
    """A mentor as the directory and the public page show them."""

    id = serializers.IntegerField(source="user_id", read_only=True)
    name = serializers.CharField(source="user.display_name", read_only=True)
    timezone = serializers.CharField(source="user.timezone", read_only=True)
    url = serializers.CharField(source="get_absolute_url", read_only=True)
    skills = SkillSerializer(many=True, read_only=True)
    industries = IndustrySerializer(many=True, read_only=True)
    languages = LanguageSerializer(many=True, read_only=True)
    session_lengths = serializers.ListField(child=serializers.IntegerField(), read_only=True)
    rating_average = serializers.FloatField(read_only=True, allow_null=True)
    photo = serializers.ImageField(read_only=True, allow_null=True)
    visibility = serializers.ChoiceField(choices=MentorProfile._meta.get_field("visibility").choices, read_only=True,
                                         help_text="internal: seen only by colleagues in the mentor's organisations")
    colleague = serializers.BooleanField(source="is_colleague", read_only=True, default=False,
                                         help_text="Whether the mentor works in one of your organisations")
    next_free_at = serializers.DateTimeField(
        read_only=True, allow_null=True,
        help_text="The mentor's next free time (in your zone, with its offset); null: none in the coming weeks")
    responds_within_a_day = serializers.BooleanField(
        read_only=True, help_text="The mentor's median answer to a request is within 24 hours")

    class Meta:
        model = MentorProfile
        fields = ["id", "slug", "url", "name", "timezone", "headline", "bio", "photo", "skills", "industries",
                  "languages", "years_experience", "session_lengths", "call_method", "accepting_bookings",
                  "is_listed", "rating_count", "rating_average", "rating_bayes", "created_at", "visibility",
                  "colleague", "next_free_at", "responds_within_a_day"]
        read_only_fields = fields

    def to_representation(self, profile: MentorProfile) -> dict:
        # Written out by hand: DRF's generic walk over these fields and three nested serializers cost
        # 14-17 ms of Python per directory page of 20. The declared fields above still define the
        # OpenAPI schema, and test_mentor_serializer_fast_path_matches_drf pins the two together.
        user = profile.user
        photo = None
        if profile.photo:
            request = self.context.get("request")
            photo = request.build_absolute_uri(profile.photo.url) if request is not None else profile.photo.url
        return {
            "id": profile.user_id, "slug": profile.slug, "url": profile.get_absolute_url(),
            "name": user.display_name, "timezone": user.timezone,
            "headline": profile.headline, "bio": profile.bio, "photo": photo,
            "skills": _tags(profile, "skill_list", "skills", ("name", "slug", "synonyms")),
            "industries": _tags(profile, "industry_list", "industries", ("name", "slug", "synonyms")),
            "languages": _tags(profile, "language_list", "languages", ("code", "name")),
            "years_experience": profile.years_experience, "session_lengths": profile.session_lengths,
            "call_method": profile.call_method, "accepting_bookings": profile.accepting_bookings,
            "is_listed": profile.is_listed, "rating_count": profile.rating_count,
            "rating_average": profile.rating_average, "rating_bayes": profile.rating_bayes,
            "created_at": _DATETIME.to_representation(profile.created_at),
            "visibility": profile.visibility, "colleague": bool(getattr(profile, "is_colleague", False)),
            "next_free_at": _DATETIME.to_representation(profile.next_free_at) if profile.next_free_at else None,
            "responds_within_a_day": profile.responds_within_a_day,
        }


def _tags(profile: MentorProfile, shaped: str, relation: str, keys: tuple[str, ...]) -> list[dict]:
    # A directory page arrives with its tags already shaped (accounts.selectors.mentor_cards);
    # one mentor (detail, own profile) reads its prefetched relation.
    tags = getattr(profile, shaped, None)
    if tags is not None:
        return tags
    return [{key: getattr(term, key) for key in keys} for term in getattr(profile, relation).all()]


class MyMentorProfileSerializer(MentorProfileSerializer):
    """The owner's view adds what only they see: their own meeting link, and whether the profile
    is complete or a draft, with what is missing (accounts.completeness)."""

    class Meta(MentorProfileSerializer.Meta):
        fields = [*MentorProfileSerializer.Meta.fields, "meeting_url", "is_complete", "missing_steps"]
        read_only_fields = fields

    meeting_url = serializers.URLField(read_only=True, allow_blank=True, help_text="Empty when none is set")
    is_complete = serializers.BooleanField(read_only=True, help_text="False: a draft, not listed or bookable yet")
    missing_steps = serializers.SerializerMethodField(
        help_text="What a complete profile still needs: headline, bio, skills, session_lengths, availability")

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(
        choices=[step.key for step in COMPLETENESS_STEPS])))
    def get_missing_steps(self, profile: MentorProfile) -> list[str]:
        return [step.key for step in mentor_completeness(profile).missing]

    def to_representation(self, profile: MentorProfile) -> dict:
        return {**super().to_representation(profile), "meeting_url": profile.meeting_url,
                "is_complete": profile.is_complete, "missing_steps": self.get_missing_steps(profile)}


class MentorProfileWriteSerializer(serializers.Serializer):
    """PUT needs every field except photo and meeting_url; PATCH takes any subset."""

    headline = serializers.CharField(max_length=140, allow_blank=True)
    bio = serializers.CharField(max_length=5000, allow_blank=True)
    photo = serializers.ImageField(required=False, allow_null=True,
                                   help_text="multipart upload; JPEG, PNG or WebP up to 2 MB; null removes it")
    skills = _terms_field("Skill names; synonyms resolve to the canonical skill, unknown names are added")
    industries = _terms_field("Industry names, resolved like skills")
    languages = serializers.ListField(child=serializers.CharField(max_length=8), max_length=20,
                                      help_text="ISO 639-1 codes, e.g. [\"en\", \"es\"]")
    # Ranges and cross-field rules are mentor_profile_update's (the page form says the same).
    years_experience = serializers.IntegerField()
    session_lengths = serializers.ListField(
        child=serializers.ChoiceField(choices=list(settings.SESSION_LENGTHS)), min_length=1, max_length=4,
        help_text="Any of 15, 30, 45, 60")
    call_method = serializers.ChoiceField(choices=MentorProfile.CallMethod.choices)
    meeting_url = serializers.URLField(required=False, allow_blank=True, max_length=200)
    accepting_bookings = serializers.BooleanField()
    visibility = serializers.ChoiceField(
        choices=MentorProfile._meta.get_field("visibility").choices, required=False,
        help_text="internal: only colleagues in your organisations see and book you (members of an organisation only)")


class MenteeProfileSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="user_id", read_only=True)
    interests = SkillSerializer(many=True, read_only=True)
    industries = IndustrySerializer(many=True, read_only=True)
    languages = LanguageSerializer(many=True, read_only=True)

    class Meta:
        model = MenteeProfile
        fields = ["id", "goals", "interests", "industries", "languages", "career_stage", "share_with_mentors",
                  "updated_at"]
        read_only_fields = fields

    career_stage = serializers.ChoiceField(choices=MenteeProfile.CareerStage.choices, allow_blank=True,
                                           read_only=True, help_text="Empty when not given")


class MenteeProfileWriteSerializer(serializers.Serializer):
    goals = serializers.CharField(max_length=3000, allow_blank=True)
    interests = _terms_field("Skills you want to grow; resolved like a mentor's skills")
    industries = _terms_field("Industries you work in or want to move into")
    languages = serializers.ListField(child=serializers.CharField(max_length=8), max_length=20,
                                      help_text="ISO 639-1 codes")
    career_stage = serializers.ChoiceField(choices=MenteeProfile.CareerStage.choices, allow_blank=True)
    share_with_mentors = serializers.BooleanField(
        required=False, help_text="Whether mentors you book see your goals, career stage, industries and your "
                                  "earlier sessions together (default true)")


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(max_length=256, style={"input_type": "password"}, trim_whitespace=False)
    name = serializers.CharField(max_length=80, required=False, allow_blank=True,
                                 help_text="Which app or script will use the token (shown in your token list)")


class ApiTokenSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    prefix = serializers.CharField(read_only=True, help_text="The key's first characters")
    created_at = serializers.DateTimeField(read_only=True)
    last_used_at = serializers.DateTimeField(read_only=True)
    expires_at = serializers.SerializerMethodField(help_text="When it ends unless used again before then")

    def get_expires_at(self, token) -> str:
        return serializers.DateTimeField().to_representation(api_token_expires_at(token))


class TokenSerializer(ApiTokenSerializer):
    token = serializers.CharField(read_only=True, help_text="The key: shown once, send it as 'Authorization: Token <key>'")
