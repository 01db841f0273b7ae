"""One parser of a `sources` text and one rule for which addresses become links, for every page that
shows them (the commune page, the why dialog and API, the admin)."""

import pytest

from criteria.sources import KEY, source_keys, split_on_keys
from ntm.lib.html import safe_url


@pytest.mark.parametrize(
    "text, keys",
    [
        ("S29, S30", ["S29", "S30"]),
        ("S29; Q4", ["S29", "Q4"]),
        ("xem S29 và S29a", ["S29", "S29a"]),
        ("S1, S1", ["S1"]),
        ("", []),
        (None, []),
    ],
)
def test_the_keys_a_sources_text_cites(text, keys):
    assert source_keys(text) == keys


def test_keys_of_several_texts_come_once_in_order():
    assert source_keys("S30, S29", "S29; Q4") == ["S30", "S29", "Q4"]


def test_the_admin_links_the_keys_and_keeps_the_text_between():
    assert split_on_keys("S29 và S30") == [("S29", True), (" và ", False), ("S30", True)]


def test_a_declared_key_is_upper_case_letters_then_digits():
    assert KEY.match("S29a") and KEY.match("QD4") and not KEY.match("s29") and not KEY.match("S 29")


@pytest.mark.parametrize(
    "url, shown",
    [
        ("https://vanban.chinhphu.vn/x", "https://vanban.chinhphu.vn/x"),
        ("  http://a.vn ", "http://a.vn"),
        ("javascript:alert(1)", ""),
        ("data:text/html,x", ""),
        ("vanban.chinhphu.vn", ""),
        ("", ""),
    ],
)
def test_only_web_addresses_become_links(url, shown):
    assert safe_url(url) == shown
