"""Settings read from the environment, deploy checks, and the database CI asked for."""

import os

from django.conf import settings
from django.db import connection

from tests.helpers import manage_py


def test_defaults_are_vietnamese_and_local_time():
    assert settings.LANGUAGE_CODE == "vi"
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    assert [code for code, _ in settings.LANGUAGES] == ["vi", "en"]


def test_deploy_check_is_clean_with_debug_off_and_a_real_secret():
    result = manage_py(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY="k" * 20 + "-Zq8#v2LmN0pR5sT7uW9xY1zA3bC6dE",
        ALLOWED_HOSTS="ntm.example.vn",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_a_secret_key_is_required_when_debug_is_off():
    result = manage_py("check", DEBUG="0", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_an_empty_broker_means_eager_celery():
    result = manage_py(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.CELERY_TASK_ALWAYS_EAGER)",
        CELERY_BROKER_URL="",
    )
    assert result.stdout.strip().splitlines()[-1] == "True"
    result = manage_py(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.CELERY_TASK_ALWAYS_EAGER)",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
    )
    assert result.stdout.strip().splitlines()[-1] == "False"


def test_the_suite_runs_on_the_database_it_was_asked_for():
    # .ci/run runs the suite twice; this proves the second run really is on PostgreSQL.
    url = os.environ.get("DATABASE_URL", "")
    assert connection.vendor == ("postgresql" if url.startswith("postgres") else "sqlite")
