"""A recognition decision dated where no decision can be (before the programme began in 2010, in the
future, before the commune existed) is refused by the model's validation: the page, the admin and the
service obey it alike."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from roadmap import services
from roadmap.models import Recognition

pytestmark = pytest.mark.django_db


def _record(commune, date, by):
    return services.recognition_record(
        commune=commune, level="ntm", decision_number="1/QĐ", decision_date=date, issuing_body="UBND tỉnh", by=by
    )


def test_the_service_refuses_a_decision_before_2010(tree, cast):
    with pytest.raises(ValidationError) as caught:
        _record(tree.a, datetime.date(1800, 1, 1), cast.reviewer)
    assert "chương trình xây dựng nông thôn mới bắt đầu từ năm 2010" in " ".join(caught.value.messages)
    with pytest.raises(ValidationError):
        _record(tree.a, datetime.date(2009, 12, 31), cast.reviewer)
    assert not Recognition.objects.exists()
    assert _record(tree.a, datetime.date(2010, 1, 1), cast.reviewer).pk


def test_the_service_refuses_a_decision_before_the_commune_existed(tree, cast):
    with pytest.raises(ValidationError) as caught:
        _record(tree.n, datetime.date(2024, 12, 1), cast.superuser)  # xã N was formed on 01/07/2025
    assert "trước ngày thành lập Xã N (01/07/2025)" in " ".join(caught.value.messages)
    assert not Recognition.objects.exists()


def test_the_page_refuses_a_decision_of_1800(client, tree, cast):
    client.force_login(cast.reviewer)
    response = client.post(
        reverse("roadmap:recognition_add", kwargs={"era": tree.a.era, "code": tree.a.code}),
        {"level": "ntm", "decision_number": "1/QĐ", "decision_date": "1800-01-01", "issuing_body": "UBND tỉnh"},
    )
    assert response.status_code == 200
    assert "chương trình xây dựng nông thôn mới bắt đầu từ năm 2010" in response.content.decode()
    assert not Recognition.objects.exists()


def test_the_admin_refuses_a_decision_of_1800(client, tree, cast):
    client.force_login(cast.superuser)
    response = client.post(
        reverse("admin:roadmap_recognition_add"),
        {
            "commune": tree.a.pk,
            "level": "ntm",
            "decision_number": "1/QĐ",
            "decision_date": "01/01/1800",
            "issuing_body": "UBND tỉnh",
            "note": "",
        },
    )
    assert response.status_code == 200
    assert "chương trình xây dựng nông thôn mới bắt đầu từ năm 2010" in response.content.decode()
    assert not Recognition.objects.exists()
