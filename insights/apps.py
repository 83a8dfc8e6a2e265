from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "insights"
    verbose_name = "Insights for program managers"

    def ready(self) -> None:
        # Booking and ratings tell accounts when a mentor's record changed; accounts may not import
        # insights, so insights hands it the function that recomputes the mentor's recognition.
        from accounts.recognition import register_recognition_refresher
        from insights.recognition import mentor_recognition_refresh

        register_recognition_refresher(mentor_recognition_refresh)
