from django.urls import path

from sessions.api import noshow_views as views

urlpatterns: list = [
    path("bookings/<id:pk>/no-show/", views.BookingNoShowReportView.as_view(), name="booking-no-show"),
    path("bookings/<id:pk>/no-show-reports/", views.BookingNoShowReportList.as_view(),
         name="booking-no-show-reports"),
    path("no-show-reports/<id:pk>/", views.NoShowReportDetail.as_view(), name="no-show-report-detail"),
    path("no-show-reports/<id:pk>/dispute/", views.NoShowReportDispute.as_view(), name="no-show-report-dispute"),
    path("no-show-reports/<id:pk>/withdraw/", views.NoShowReportWithdraw.as_view(),
         name="no-show-report-withdraw"),
    path("moderation/no-shows/", views.NoShowDisputeQueue.as_view(), name="no-show-disputes"),
    path("moderation/no-shows/<id:pk>/decide/", views.NoShowDisputeDecide.as_view(), name="no-show-decide"),
]
