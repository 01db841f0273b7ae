"""Error answers: styled pages in the user's language with a way back and no internals, JSON under /api/,
503 with Retry-After when the database cannot be reached, and the Content-Security-Policy."""

import re
from pathlib import Path

import pytest
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper
from django.test import Client
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def quiet_client():
    """A client that gets the error response instead of the exception (as a browser would)."""
    return Client(raise_request_exception=False)


@pytest.fixture
def user(tree):
    return factories.make_user("nguoi.xem")


def english(client):
    client.cookies["django_language"] = "en"


# 403


def test_a_403_shows_the_reason_the_view_gave_in_a_styled_page(client, user):
    client.force_login(user)
    response = client.get(reverse("dashboards:department"))
    assert response.status_code == 403
    body = response.content.decode()
    assert "Trang này dành cho cán bộ phòng, ban chuyên môn." in body
    assert "Không được phép" in body and 'href="/"' in body and "navbar" in body
    assert "403 Forbidden" not in body


def test_the_403_page_is_in_english_after_choosing_english(client, user):
    english(client)
    client.force_login(user)
    body = client.get(reverse("dashboards:department")).content.decode()
    assert '<html lang="en">' in body and "Access denied" in body and "Back to the home page" in body


def test_a_failed_csrf_check_is_a_styled_403_that_says_what_to_do(user):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    body = response.content.decode()
    assert "Hãy tải lại trang rồi thử lại." in body and "CSRF verification failed" not in body


# 404


def test_an_unknown_api_address_answers_json(client, user):
    client.force_login(user)
    response = client.get("/api/v1/khong-co/")
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Không tìm thấy."}


def test_an_unknown_page_is_the_styled_404(client, user):
    client.force_login(user)
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404 and "Không tìm thấy trang" in response.content.decode()


# 500


@pytest.mark.urls("tests.error_urls")
def test_a_500_is_a_styled_page_without_internals(quiet_client):
    response = quiet_client.get("/boom/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Lỗi máy chủ" in body and 'href="/"' in body and "bootstrap.min.css" in body
    assert "secret internal detail" not in body and "RuntimeError" not in body and "Traceback" not in body


@pytest.mark.urls("tests.error_urls")
def test_the_500_page_is_in_english_after_choosing_english(quiet_client):
    english(quiet_client)
    body = quiet_client.get("/boom/").content.decode()
    assert '<html lang="en">' in body and "Server error" in body


@pytest.mark.urls("tests.error_urls")
def test_an_api_500_answers_json_without_internals(quiet_client):
    response = quiet_client.get("/api/v1/boom/")
    assert response.status_code == 500 and response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Lỗi máy chủ. Vui lòng thử lại sau."}


# The database cannot be reached


@pytest.fixture
def database_down(monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("could not connect to server: Connection refused")

    def down():
        for name in ("execute", "executemany"):
            monkeypatch.setattr(CursorWrapper, name, refuse)

    return down


def test_the_api_answers_503_with_retry_after_when_the_database_is_down(quiet_client, user, database_down):
    quiet_client.force_login(user)
    database_down()
    response = quiet_client.get(reverse("api:criteria_set_list"))
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert response.json() == {"detail": "Cơ sở dữ liệu tạm thời không truy cập được. Vui lòng thử lại sau ít phút."}


def test_a_page_is_a_styled_503_when_the_database_is_down(quiet_client, user, database_down):
    quiet_client.force_login(user)
    database_down()
    response = quiet_client.get(reverse("web:home"))
    assert response.status_code == 503 and response["Retry-After"] == "30"
    body = response.content.decode()
    assert "Tạm thời gián đoạn" in body and "Connection refused" not in body


# Content-Security-Policy


def test_every_page_carries_a_strict_content_security_policy(client, user):
    client.force_login(user)
    policy = client.get(reverse("web:home"))["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'self'" and directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'" and directives["object-src"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
HANDLER_ATTRIBUTE = re.compile(r"\son[a-z]+\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.I)
HTMX_FILTER = re.compile(r'hx-trigger="[^"]*\[')  # a filter is eval'd by htmx


def _sources():
    files = [*sorted((ROOT / "templates").rglob("*.html"))]
    files += [ROOT / "dashboards" / "rows_html.py", ROOT / "web" / "criteria_html.py"]
    return [(path.relative_to(ROOT), path.read_text()) for path in files if path.exists()]


@pytest.mark.parametrize(
    "pattern",
    [INLINE_SCRIPT, HANDLER_ATTRIBUTE, STYLE_ATTRIBUTE, HTMX_FILTER],
    ids=["inline-script", "on-attribute", "style-attribute", "htmx-filter"],
)
def test_no_template_needs_unsafe_inline_or_eval(pattern):
    offenders = [f"{name}: {match.group(0)}" for name, text in _sources() for match in pattern.finditer(text)]
    assert offenders == []


def test_the_api_docs_load_their_start_up_script_from_a_file(client, user):
    client.force_login(user)
    page = client.get(reverse("api:docs"))
    body = page.content.decode()
    assert page.status_code == 200 and "<style>" not in body
    assert not INLINE_SCRIPT.search(body)
    script = client.get(reverse("api:docs") + "?script=")
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()
