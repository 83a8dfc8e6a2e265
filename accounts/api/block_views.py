"""Blocks over the API: list the people you blocked, block someone, lift a block.

Only the blocker sees a block; the blocked person is never told (their booking of the blocker is
a 404, as for a mentor who is not listed)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import services
from accounts.models import Block, User
from accounts.selectors import blocks_made


class BlockInput(serializers.Serializer):
    user = serializers.IntegerField(min_value=1, help_text="The id of the person to block")


class BlockOut(serializers.Serializer):
    user = serializers.IntegerField(source="blocked_id")
    name = serializers.CharField(source="blocked.display_name")
    created_at = serializers.DateTimeField()


class MyBlocksView(generics.ListAPIView):
    """GET: the people you blocked. POST: block someone (201; blocking twice keeps the first)."""

    permission_classes = [IsAuthenticated]
    serializer_class = BlockOut

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Block.objects.none()
        return blocks_made(user=self.request.user)

    @extend_schema(request=BlockInput, responses={201: BlockOut})
    def post(self, request):
        data = BlockInput(data=request.data)
        data.is_valid(raise_exception=True)
        other = User.objects.filter(pk=data.validated_data["user"], is_active=True).first()
        if other is None:
            raise serializers.ValidationError({"user": ["No such person."]})
        block = services.block_create(blocker=request.user, blocked=other)
        return Response(BlockOut(block).data, status=status.HTTP_201_CREATED)


class MyBlockView(APIView):
    """DELETE: lift your block of this person (204; 404 when you had none)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={204: None})
    def delete(self, request, user_id: int):
        if not services.block_remove(blocker=request.user, blocked_id=user_id):
            raise NotFound("You have not blocked this person.")
        return Response(status=status.HTTP_204_NO_CONTENT)
