from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and profiles"

    def ready(self):
        from accounts.selectors import connect_signals

        connect_signals()
