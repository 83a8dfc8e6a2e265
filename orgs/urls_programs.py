"""Pages for organisation programs (included by orgs.urls)."""

from django.urls import path

from orgs import views_programs as views
from orgs import views_programs_flash as flash

urlpatterns = [
    path("orgs/<slug:slug>/programs/", views.program_list, name="programs"),
    path("orgs/<slug:slug>/programs/new/", views.program_create, name="program_create"),
    path("orgs/<slug:slug>/programs/<slug:program>/", views.program_detail, name="program_detail"),
    path("orgs/<slug:slug>/programs/<slug:program>/edit/", views.program_edit, name="program_edit"),
    path("orgs/<slug:slug>/programs/<slug:program>/open/", views.program_open, name="program_open"),
    path("orgs/<slug:slug>/programs/<slug:program>/close/", views.program_close, name="program_close"),
    path("orgs/<slug:slug>/programs/<slug:program>/join/", views.program_join, name="program_join"),
    path("orgs/<slug:slug>/programs/<slug:program>/leave/", views.program_leave, name="program_leave"),
    path("orgs/<slug:slug>/programs/<slug:program>/people/", views.program_people, name="program_people"),
    path("orgs/<slug:slug>/programs/<slug:program>/questions/", flash.questions, name="program_questions"),
    path("orgs/<slug:slug>/programs/<slug:program>/questions/<id:question>/withdraw/", flash.question_withdraw,
         name="program_question_withdraw"),
    path("orgs/<slug:slug>/programs/<slug:program>/questions/<id:question>/offer/", flash.question_offer,
         name="program_question_offer"),
    path("orgs/<slug:slug>/programs/<slug:program>/questions/<id:question>/offers/<id:offer>/accept/",
         flash.offer_accept, name="program_offer_accept"),
]
