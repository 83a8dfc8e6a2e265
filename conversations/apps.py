from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    name = "conversations"
    verbose_name = "Conversations around sessions"

    def ready(self) -> None:
        # Booking mail (reminders, the recap) shows the agenda and action items; booking does not
        # import conversations, so conversations hands it the function that renders its part.
        from conversations.mail_extras import booking_mail_extras
        from sessions.emails import register_mail_extension

        register_mail_extension(booking_mail_extras)
