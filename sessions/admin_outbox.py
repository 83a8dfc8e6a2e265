"""Admin for the notification outbox."""
