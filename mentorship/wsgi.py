import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings")
application = get_wsgi_application()

# Matching scores against a mentor matrix held per process; load it now, not on the first request.
from matching.scoring import warm_pool  # noqa: E402

warm_pool()
