from django.urls import path

from conversations import views

app_name = "conversations"

urlpatterns = [
    path("conversations/", views.inbox, name="inbox"),
    path("conversations/unread/", views.unread, name="unread"),
    path("attachments/<id:pk>/", views.attachment, name="attachment"),
    path("sessions/<id:pk>/conversation/poll/", views.poll, name="poll"),
    path("sessions/<id:pk>/conversation/messages/<id:message_id>/report/", views.report, name="report"),
    path("moderation/messages/", views.moderation, name="moderation"),
    path("moderation/messages/<id:report_id>/decide/", views.decide, name="decide"),
    path("sessions/<id:pk>/conversation/", views.page, name="page"),
    path("sessions/<id:pk>/conversation/message/", views.message, name="message"),
    path("sessions/<id:pk>/conversation/close/", views.close, name="close"),
    path("sessions/<id:pk>/conversation/block/", views.block, name="block"),
    path("sessions/<id:pk>/conversation/extend/", views.extend, name="extend"),
    path("sessions/<id:pk>/conversation/agenda/", views.agenda_add, name="agenda_add"),
    path("sessions/<id:pk>/conversation/agenda/<id:item_id>/remove/", views.agenda_remove, name="agenda_remove"),
    path("sessions/<id:pk>/conversation/notes/<str:kind>/", views.note, name="note"),
    path("sessions/<id:pk>/conversation/actions/", views.action_add, name="action_add"),
    path("sessions/<id:pk>/conversation/actions/<id:item_id>/toggle/", views.action_toggle, name="action_toggle"),
    path("sessions/<id:pk>/conversation/actions/<id:item_id>/delete/", views.action_delete, name="action_delete"),
]
