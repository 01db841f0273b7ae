"""The Celery app. With no CELERY_BROKER_URL configured, tasks run eagerly in-process."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ntm.settings")

app = Celery("ntm")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
