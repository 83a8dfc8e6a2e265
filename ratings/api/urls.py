from django.urls import path

from ratings.api import views

urlpatterns = [
    path("ratings/", views.RatingCreateView.as_view(), name="rating-list"),
    path("ratings/<id:rating_id>/", views.RatingUpdateView.as_view(), name="rating-detail"),
    path("ratings/<id:rating_id>/reply/", views.ReplyCreateView.as_view(), name="rating-reply"),
    path("ratings/<id:rating_id>/report/", views.ReportCreateView.as_view(), name="rating-report"),
    path("mentors/<id:mentor_id>/reviews/", views.MentorReviewsView.as_view(), name="rating-mentor-reviews"),
    path("moderation/ratings/", views.ModerationQueueView.as_view(), name="rating-moderation-queue"),
    path("moderation/ratings/decide/", views.ModerationDecideView.as_view(), name="rating-moderation-decide"),
    path("moderation/reports/<int:report_id>/ignore-reporter/", views.IgnoreReporterView.as_view(),
         name="rating-moderation-ignore-reporter"),
    path("moderation/audit/", views.ModerationAuditView.as_view(), name="rating-moderation-audit"),
]
