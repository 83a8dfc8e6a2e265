from django.apps import AppConfig


class MentorshipConfig(AppConfig):
    name = "mentorship"

    def ready(self) -> None:
        from mentorship import prepared  # noqa: F401 - connects its connection_created receiver
