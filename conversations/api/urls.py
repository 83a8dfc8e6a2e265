from django.urls import path

from conversations.api import views

urlpatterns: list = [
    path("conversations/", views.ThreadList.as_view(), name="threads"),
    path("conversations/unread/", views.UnreadView.as_view(), name="threads-unread"),
    path("bookings/<id:pk>/thread/", views.ThreadView.as_view(), name="booking-thread"),
    path("bookings/<id:pk>/thread/close/", views.ThreadCloseView.as_view(), name="booking-thread-close"),
    path("bookings/<id:pk>/thread/extend/", views.ThreadExtendView.as_view(), name="booking-thread-extend"),
    path("bookings/<id:pk>/messages/", views.MessageListCreate.as_view(), name="booking-messages"),
    path("bookings/<id:pk>/agenda/", views.AgendaListCreate.as_view(), name="booking-agenda"),
    path("agenda/<id:pk>/", views.AgendaItemDelete.as_view(), name="agenda-item"),
    path("bookings/<id:pk>/notes/private/", views.PrivateNoteView.as_view(), name="booking-note-private"),
    path("bookings/<id:pk>/notes/shared/", views.SharedNoteView.as_view(), name="booking-note-shared"),
    path("bookings/<id:pk>/action-items/", views.ActionItemListCreate.as_view(), name="booking-action-items"),
    path("action-items/<id:pk>/", views.ActionItemDetail.as_view(), name="action-item"),
    path("attachments/<id:pk>/", views.AttachmentDownload.as_view(), name="attachment"),
    path("messages/<id:pk>/report/", views.MessageReportCreate.as_view(), name="message-report"),
    path("moderation/messages/", views.MessageReportQueue.as_view(), name="message-reports"),
    path("moderation/messages/<id:pk>/decide/", views.MessageReportDecide.as_view(), name="message-report-decide"),
]
