from django.urls import path

from ratings import views

app_name = "ratings"
urlpatterns = [
    path("sessions/<id:booking_id>/rate/", views.rate, name="rate"),
    path("reviews/<id:rating_id>/reply/", views.reply, name="reply"),
    path("reviews/<id:rating_id>/report/", views.report, name="report"),
    path("mentors/<id:mentor_id>/reviews/", views.mentor_reviews, name="mentor_reviews"),
    path("moderation/", views.moderation_queue, name="moderation_queue"),
    path("moderation/audit/", views.moderation_audit, name="moderation_audit"),
    path("moderation/reports/<int:report_id>/ignore/", views.ignore_reporter, name="ignore_reporter"),
]
