from django.urls import path

from sessions.views import noshow as views

urlpatterns = [
    path("sessions/<id:pk>/no-show/", views.report, name="noshow_report"),
    path("sessions/<id:pk>/no-show/<id:report_id>/dispute/", views.dispute, name="noshow_dispute"),
    path("sessions/<id:pk>/no-show/<id:report_id>/withdraw/", views.withdraw, name="noshow_withdraw"),
    path("moderation/no-shows/", views.disputes, name="noshow_disputes"),
    path("moderation/no-shows/<id:report_id>/decide/", views.decide, name="noshow_decide"),
]
