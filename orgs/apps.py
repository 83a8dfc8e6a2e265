from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "orgs"
    verbose_name = "Organisations and programs"

    def ready(self) -> None:
        # Joining at sign-up and on verifying an address (allauth's signals).
        from orgs import signals

        signals.connect()
