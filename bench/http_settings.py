"""Settings for bench/http.py only: the product's settings plus the benchmark's bare baselines.

The baselines live at /_bench/... in bench.http_urls, which includes the product's URLconf
unchanged; mentorship.urls never mounts them. Throttles stay on (their Redis round-trips are part
of what a request costs) but are raised so that one load generator is never answered 429.
"""

import os

from mentorship.settings import *  # noqa: F403
from mentorship.settings import CELERY_BROKER_URL, REST_FRAMEWORK

ROOT_URLCONF = "bench.http_urls"
DEBUG = False
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "10000000/min", "user": "10000000/min"}}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
# The loading process publishes its tasks nowhere (memory://): nothing consumes them, and a
# broker shared with a development worker would run them against the wrong database.
CELERY_BROKER_URL = os.environ.get("BENCH_HTTP_BROKER") or CELERY_BROKER_URL
