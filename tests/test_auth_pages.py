"""The product's own sign-in: logging in and out, changing and resetting a password, the lockout after
repeated failures (django-axes), and pages that stay Vietnamese until the user picks English."""

import datetime
import re
import zoneinfo

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.urls import reverse
from django.utils import translation
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from accounts.models import Role
from tests import factories
from tests.helpers import LOGIN

pytestmark = pytest.mark.django_db

HANOI = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
WRONG_PASSWORD_VI = "Vui lòng điền vào Tên đăng nhập và mật khẩu chính xác"  # Django's own vi catalogue


@pytest.fixture
def staff(tree):
    """Commune staff of xã A: no is_staff flag, so the admin's login would turn them away."""
    return factories.make_user(
        "canbo.a", unit=tree.a, role=Role.COMMUNE_STAFF, first_name="Cán bộ xã A", email="canbo.a@example.vn"
    )


def sign_in(client, username, password, *, ip="127.0.0.1", **fields):
    return client.post(LOGIN, {"username": username, "password": password, **fields}, REMOTE_ADDR=ip)


def fail(client, username, times, *, ip="127.0.0.1"):
    """Sign in with a wrong password `times` times; the status codes, in order."""
    return [sign_in(client, username, "sai-mat-khau", ip=ip).status_code for _ in range(times)]


def signed_in(client) -> bool:
    return SESSION_KEY in client.session


def english(msgid: str) -> str:
    with translation.override("en"):
        return translation.gettext(msgid)


# Signing in


def test_the_login_page_is_in_vietnamese(client):
    response = client.get(LOGIN)
    assertContains(response, '<html lang="vi">')
    assertContains(response, '<h1 class="h4 mb-1">Đăng nhập</h1>', html=False)
    assertContains(response, "Tên đăng nhập")
    assertContains(response, "Mật khẩu")
    assertContains(response, f'href="{reverse("password_reset")}"')
    assertNotContains(response, "Username")


def test_a_commune_staff_member_signs_in_and_lands_on_home(client, staff):
    assert not staff.is_staff
    response = sign_in(client, "canbo.a", "pw-canbo.a")
    assertRedirects(response, reverse("web:home"))
    assert signed_in(client)
    assertContains(client.get(reverse("web:home")), "Cán bộ xã A")


def test_signing_in_returns_to_the_page_that_asked_for_it(client, tree, staff):
    page = reverse("web:unit", kwargs={"era": tree.a.era, "code": tree.a.code})
    assertRedirects(client.get(page), f"{LOGIN}?next={page}", fetch_redirect_response=False)
    assertRedirects(sign_in(client, "canbo.a", "pw-canbo.a", next=page), page)


def test_a_wrong_password_shows_a_vietnamese_error(client, staff):
    response = sign_in(client, "canbo.a", "sai-mat-khau")
    assertContains(response, WRONG_PASSWORD_VI)
    assert not signed_in(client)


def test_a_signed_in_user_who_opens_the_login_page_goes_home(client, staff):
    client.force_login(staff)
    assertRedirects(client.get(LOGIN), reverse("web:home"))


# Throttling (django-axes)


def test_four_failures_do_not_lock_and_a_success_clears_them(client, staff):
    assert fail(client, "canbo.a", 4) == [200] * 4
    assertRedirects(sign_in(client, "canbo.a", "pw-canbo.a"), reverse("web:home"))
    client.logout()
    # The count started again: four more failures still leave the door open.
    assert fail(client, "canbo.a", 4) == [200] * 4
    assert sign_in(client, "canbo.a", "pw-canbo.a").status_code == 302


def test_the_fifth_failure_locks_even_the_right_password_out(client, staff):
    assert fail(client, "canbo.a", 5) == [200, 200, 200, 200, 429]
    response = sign_in(client, "canbo.a", "pw-canbo.a")
    assertContains(response, "Tạm khóa đăng nhập", status_code=429)
    assertContains(response, "Tài khoản <strong>canbo.a</strong> đã nhập sai mật khẩu 5 lần", status_code=429)
    assert not signed_in(client)


def test_the_lockout_page_says_when_to_try_again(client, staff):
    with time_machine.travel(datetime.datetime(2025, 3, 5, 9, 0, tzinfo=HANOI), tick=False):
        fail(client, "canbo.a", 4)
        response = sign_in(client, "canbo.a", "sai-mat-khau")
    assertContains(response, '<html lang="vi">', status_code=429)
    assertContains(response, "Vui lòng thử lại sau 15 phút, từ 09:15 ngày 05/03/2025.", status_code=429)


def test_the_lock_lifts_after_the_cool_off_and_every_try_meanwhile_restarts_it(client, staff):
    start = datetime.datetime(2025, 3, 5, 9, 0, tzinfo=HANOI)
    with time_machine.travel(start, tick=False) as clock:
        fail(client, "canbo.a", 5)
        clock.move_to(start + datetime.timedelta(minutes=14))
        assert sign_in(client, "canbo.a", "pw-canbo.a").status_code == 429  # locked again until 09:29
        clock.move_to(start + datetime.timedelta(minutes=28))
        assert sign_in(client, "canbo.a", "pw-canbo.a").status_code == 429
        clock.move_to(start + datetime.timedelta(minutes=28 + 16))
        assertRedirects(sign_in(client, "canbo.a", "pw-canbo.a"), reverse("web:home"))


def test_the_lock_is_per_username_and_address(client, tree, staff):
    other = factories.make_user("canbo.b", unit=tree.b, role=Role.COMMUNE_STAFF)
    fail(client, "canbo.a", 5, ip="10.0.0.1")
    assert sign_in(client, "canbo.a", "pw-canbo.a", ip="10.0.0.1").status_code == 429
    # A colleague behind the same address, and the same user elsewhere, still sign in.
    assert sign_in(client, other.username, "pw-canbo.b", ip="10.0.0.1").status_code == 302
    client.logout()
    assert sign_in(client, "canbo.a", "pw-canbo.a", ip="10.0.0.2").status_code == 302


def test_the_admin_login_is_throttled_too(client):
    factories.make_user("quantri", is_staff=True, is_superuser=True)
    url = reverse("admin:login")
    codes = [client.post(url, {"username": "quantri", "password": "sai"}).status_code for _ in range(5)]
    assert codes == [200, 200, 200, 200, 429]
    response = client.post(url, {"username": "quantri", "password": "pw-quantri"})
    assertContains(response, "Tạm khóa đăng nhập", status_code=429)


# Password change and reset


def test_a_user_changes_their_password_and_stays_signed_in(client, staff):
    client.force_login(staff)
    url = reverse("password_change")
    assertContains(client.get(url), "Mật khẩu cũ")
    new = "lua-chin-vang-2025"
    response = client.post(url, {"old_password": "pw-canbo.a", "new_password1": new, "new_password2": new})
    assertRedirects(response, reverse("password_change_done"))
    assertContains(client.get(reverse("password_change_done")), "Đã đổi mật khẩu")
    staff.refresh_from_db()
    assert staff.check_password("lua-chin-vang-2025")
    assert signed_in(client)


def test_a_wrong_old_password_is_refused_in_vietnamese(client, staff):
    client.force_login(staff)
    response = client.post(
        reverse("password_change"),
        {"old_password": "sai", "new_password1": "lua-chin-vang-2025", "new_password2": "lua-chin-vang-2025"},
    )
    assertContains(response, "Mật khẩu cũ không chính xác")
    staff.refresh_from_db()
    assert staff.check_password("pw-canbo.a")


def test_a_too_short_new_password_is_refused_in_vietnamese(client, staff):
    client.force_login(staff)
    response = client.post(
        reverse("password_change"), {"old_password": "pw-canbo.a", "new_password1": "x7#q", "new_password2": "x7#q"}
    )
    assertContains(response, "Mật khẩu quá ngắn: cần ít nhất 8 ký tự.")
    assertNotContains(response, "too short")


def test_a_password_reset_email_lets_the_user_set_a_new_password_and_sign_in(client, staff):
    response = client.post(reverse("password_reset"), {"email": "canbo.a@example.vn"})
    assertRedirects(response, reverse("password_reset_done"))
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["canbo.a@example.vn"]
    assert email.subject == "Đặt lại mật khẩu NTM Tracker"
    assert "Xin chào Cán bộ xã A," in email.body
    assert "Tên đăng nhập của bạn: canbo.a" in email.body
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", email.body).group(1)

    form_page = client.get(link, follow=True)
    assertContains(form_page, "Đặt mật khẩu mới")
    response = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": "lua-chin-vang-2025", "new_password2": "lua-chin-vang-2025"}
    )
    assertRedirects(response, reverse("password_reset_complete"))
    assertRedirects(sign_in(client, "canbo.a", "lua-chin-vang-2025"), reverse("web:home"))
    # The link worked once; now it is spent.
    client.logout()
    assertContains(client.get(link, follow=True), "Liên kết không còn hiệu lực")


def test_a_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client, staff):
    response = client.post(reverse("password_reset"), {"email": "nguoi.la@example.vn"}, follow=True)
    assertContains(response, "Nếu địa chỉ email vừa nhập thuộc về một tài khoản")
    assert mail.outbox == []


# Signing out and the navbar


def test_the_user_menu_offers_password_change_and_a_logout_form(client, staff):
    client.force_login(staff)
    response = client.get(reverse("web:home"))
    change = reverse("password_change")
    assertContains(response, f'<a class="dropdown-item" href="{change}">Đổi mật khẩu</a>', html=True)
    assertContains(response, f'<form action="{reverse("logout")}" method="post">')
    assertNotContains(response, "/admin/logout/")


def test_logging_out_ends_the_session_and_returns_to_the_login_page(client, staff):
    client.force_login(staff)
    response = client.post(reverse("logout"), follow=True)
    assertRedirects(response, LOGIN)
    assertContains(response, "Bạn đã đăng xuất.")
    assert not signed_in(client)


def test_logging_out_needs_a_post(client, staff):
    client.force_login(staff)
    assert client.get(reverse("logout")).status_code == 405
    assert signed_in(client)


def test_the_navbar_login_link_comes_back_to_the_page_but_not_to_a_sign_in_page(client):
    assertContains(client.get("/no-such-page/"), f'href="{LOGIN}?next=%2Fno-such-page%2F"', status_code=404)
    response = client.get(reverse("password_reset"))
    assertContains(response, f'href="{LOGIN}"')
    assertNotContains(response, "?next=")


# Language


def test_an_english_browser_still_gets_vietnamese(client, staff):
    assertContains(client.get(LOGIN, headers={"Accept-Language": "en-US,en;q=0.9"}), '<html lang="vi">')
    client.force_login(staff)
    response = client.get(reverse("web:home"), headers={"Accept-Language": "en"})
    assertContains(response, '<html lang="vi">')
    assertContains(response, "Việc cần làm")
    assert response["Content-Language"] == "vi"


def test_after_choosing_english_the_pages_are_in_english(client):
    sign_in_en = english("Đăng nhập")
    assert sign_in_en != "Đăng nhập", "locale/en has no English for the login link (compilemessages?)"
    response = client.post(reverse("set_language"), {"language": "en", "next": LOGIN}, follow=True)
    assertRedirects(response, LOGIN)
    assertContains(response, '<html lang="en">')
    assertContains(response, f'<h1 class="h4 mb-1">{sign_in_en}</h1>', html=False)
    assertContains(response, "Username")
    assertNotContains(response, "Tên đăng nhập")
    # ... and back.
    response = client.post(reverse("set_language"), {"language": "vi", "next": LOGIN}, follow=True)
    assertContains(response, '<html lang="vi">')


def test_an_unknown_language_cookie_falls_back_to_vietnamese(client):
    client.cookies["django_language"] = "fr"
    assertContains(client.get(LOGIN, headers={"Accept-Language": "en"}), '<html lang="vi">')


def test_the_api_still_answers_in_the_language_its_client_asks_for(client, staff):
    client.force_login(staff)
    url = reverse("api:criteria_set_list")
    assert client.get(url, headers={"Accept-Language": "en"})["Content-Language"] == "en"
    assert client.get(url)["Content-Language"] == "vi"
