from django.urls import path

from sessions.api import noshow_views as views

urlpatterns: list = [
    path("bookings/<int:pk>/no-show/", views.BookingNoShowReportView.as_view(), name="booking-no-show"),
    path("bookings/<int:pk>/no-show-reports/", views.BookingNoShowReportList.as_view(),
         name="booking-no-show-reports"),
    path("no-show-reports/<int:pk>/", views.NoShowReportDetail.as_view(), name="no-show-report-detail"),
    path("no-show-reports/<int:pk>/dispute/", views.NoShowReportDispute.as_view(), name="no-show-report-dispute"),
    path("no-show-reports/<int:pk>/withdraw/", views.NoShowReportWithdraw.as_view(),
         name="no-show-report-withdraw"),
    path("moderation/no-shows/", views.NoShowDisputeQueue.as_view(), name="no-show-disputes"),
    path("moderation/no-shows/<int:pk>/decide/", views.NoShowDisputeDecide.as_view(), name="no-show-decide"),
]
