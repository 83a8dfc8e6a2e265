from __future__ import annotations

from django.conf import settings
from rest_framework import serializers


class MatchQuerySerializer(serializers.Serializer):
    limit = serializers.IntegerField(required=False, min_value=1, max_value=50)

    def validate_limit(self, value: int) -> int:
        return min(value, max(settings.MATCHING_TOP_N, 1))


class MatchMentorSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField(source="display_name")
    headline = serializers.CharField(source="mentor_profile.headline")
    slug = serializers.CharField(source="mentor_profile.slug")
    url = serializers.CharField(source="mentor_profile.get_absolute_url")


class MatchSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    score = serializers.FloatField()
    reasons = serializers.ListField(child=serializers.CharField())
    mentor = MatchMentorSerializer()


class MatchListSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    results = MatchSerializer(many=True)
