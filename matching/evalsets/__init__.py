"""Evaluation sets for match quality, kept apart from development (see each module's docstring)."""
