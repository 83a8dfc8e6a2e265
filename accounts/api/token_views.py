"""API tokens over HTTP: sign in for one, list yours, revoke one (accounts.tokens does the work)."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, permissions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.serializers import ApiTokenSerializer, TokenRequestSerializer, TokenSerializer
from accounts.signin import password_check
from accounts.tokens import api_token_create, api_token_revoke, api_tokens_of
from mentorship.throttling import AnonRateThrottle


class TokenThrottle(AnonRateThrottle):
    # A cap on the endpoint's cost per address; password guessing is limited per account and per
    # address in accounts.signin, whatever the route.
    scope = "auth_token"
    rate = "10/min"


class TokenView(APIView):
    permission_classes = [permissions.AllowAny]
    authentication_classes: list = []
    throttle_classes = [TokenThrottle]

    @extend_schema(request=TokenRequestSerializer, responses={201: TokenSerializer},
                   summary="Exchange email and password for a new API token (send it as 'Authorization: Token ...')")
    def post(self, request):
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        email, password = data.validated_data["email"], data.validated_data["password"]
        user = password_check(request._request, email=email, password=password)
        if settings.ACCOUNT_EMAIL_VERIFICATION == "mandatory" and not EmailAddress.objects.filter(
                user=user, verified=True).exists():
            raise exceptions.ValidationError({"email": ["Confirm your email address first (see the email we sent)."]})
        token, key = api_token_create(user=user, name=data.validated_data.get("name", ""))
        token.token = key
        return Response(TokenSerializer(token).data, status=status.HTTP_201_CREATED)


class MyTokensView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=ApiTokenSerializer(many=True), summary="Your live API tokens, newest first")
    def get(self, request):
        return Response(ApiTokenSerializer(api_tokens_of(user=request.user), many=True).data)


class MyTokenView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={204: None}, summary="Revoke one of your API tokens")
    def delete(self, request, id: int):
        api_token_revoke(user=request.user, token_id=id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenScheme(OpenApiAuthenticationExtension):
    """Documents mentorship.authentication.TokenAuthentication in the schema (registered on import,
    which the URL configuration does before any schema is generated)."""

    target_class = "mentorship.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "Authorization",
                "description": "`Token <key>`, from POST /api/v1/auth/token/"}
