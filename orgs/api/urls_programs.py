"""API endpoints for organisation programs (included by orgs.api.urls)."""

from django.urls import path

from orgs.api import programs_flash_views as flash
from orgs.api import programs_views as views

urlpatterns = [
    path("orgs/<slug:slug>/programs/", views.ProgramListCreate.as_view(), name="org-program-list"),
    path("orgs/<slug:slug>/programs/<slug:program>/", views.ProgramDetail.as_view(), name="org-program-detail"),
    path("orgs/<slug:slug>/programs/<slug:program>/open/", views.ProgramOpen.as_view(), name="org-program-open"),
    path("orgs/<slug:slug>/programs/<slug:program>/close/", views.ProgramClose.as_view(), name="org-program-close"),
    path("orgs/<slug:slug>/programs/<slug:program>/join/", views.ProgramJoin.as_view(), name="org-program-join"),
    path("orgs/<slug:slug>/programs/<slug:program>/leave/", views.ProgramLeave.as_view(), name="org-program-leave"),
    path("orgs/<slug:slug>/programs/<slug:program>/recommendations/", views.ProgramRecommendations.as_view(),
         name="org-program-recommendations"),
    path("orgs/<slug:slug>/programs/<slug:program>/enrollments/", views.ProgramEnrollments.as_view(),
         name="org-program-enrollments"),
    path("orgs/<slug:slug>/programs/<slug:program>/questions/", flash.FlashQuestions.as_view(),
         name="org-program-questions"),
    path("orgs/<slug:slug>/programs/<slug:program>/questions/<id:question>/offers/", flash.FlashOfferCreate.as_view(),
         name="org-program-question-offers"),
    path("orgs/<slug:slug>/programs/<slug:program>/questions/<id:question>/offers/<id:offer>/accept/",
         flash.FlashOfferAccept.as_view(), name="org-program-offer-accept"),
    path("orgs/<slug:slug>/programs/<slug:program>/questions/<id:question>/withdraw/",
         flash.FlashQuestionWithdraw.as_view(), name="org-program-question-withdraw"),
]
