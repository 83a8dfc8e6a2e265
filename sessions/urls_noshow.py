from django.urls import path

from sessions.views import noshow as views

urlpatterns = [
    path("sessions/<int:pk>/no-show/", views.report, name="noshow_report"),
    path("sessions/<int:pk>/no-show/<int:report_id>/dispute/", views.dispute, name="noshow_dispute"),
    path("sessions/<int:pk>/no-show/<int:report_id>/withdraw/", views.withdraw, name="noshow_withdraw"),
    path("moderation/no-shows/", views.disputes, name="noshow_disputes"),
    path("moderation/no-shows/<int:report_id>/decide/", views.decide, name="noshow_decide"),
]
