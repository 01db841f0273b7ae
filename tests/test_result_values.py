"""What a result may hold, on every path: the entry service itself, the entry page, the API and a
workbook import refuse the same values and notes with the same message (assessments.services.values),
and store nothing when they do."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from pytest_django.asserts import assertContains

from assessments import services
from assessments.models import IndicatorResult
from criteria.models import Indicator
from tests import factories
from tests.factories import make_draft, make_flow_set
from tests.helpers import FILLED, as_file, filled_template, post_results, problems, refused, row_of, sheet_of
from workbooks import services as workbook_services

pytestmark = pytest.mark.django_db

BASE = "/api/v1"
PERCENT = "Tỷ lệ phần trăm phải từ 0 đến 100, không phải {}."
NOT_A_NUMBER = "“{}” không phải là số."

# (indicator code, entry, message): 2.1 is a percentage (≥70%), 1.1 is yes/no.
REFUSED = [
    ("2.1", {"value": "-5"}, PERCENT.format("-5")),
    ("2.1", {"value": "150"}, PERCENT.format("150")),
    ("2.1", {"value": 99999999999.999}, PERCENT.format("99.999.999.999,999")),
    ("2.1", {"value": "abc"}, NOT_A_NUMBER.format("abc")),
    ("1.1", {"value": 42}, "Chỉ tiêu này chỉ nhận “Đạt” hoặc “Chưa đạt”, không nhận một giá trị số."),
    ("1.1", {"met": 42}, "Chỉ tiêu này chỉ nhận “Đạt” hoặc “Chưa đạt”, không nhận “42”."),
]
TOO_LONG = "Nội dung dài 2.001 ký tự; tối đa 2.000 ký tự."


@pytest.fixture
def draft(tree, cast):
    return make_draft(cast, make_flow_set(cast.department), tree.a, answers={})


def stored(assessment) -> dict:
    return {
        r.indicator.code: (r.value, r.met, r.note)
        for r in IndicatorResult.objects.filter(assessment=assessment).select_related("indicator")
    }


def nothing_stored(assessment) -> bool:
    assessment.refresh_from_db()
    return assessment.revision == 1 and all(v == (None, None, "") for v in stored(assessment).values())


# The entry service: every path goes through it, so nothing else can store what it refuses


@pytest.mark.parametrize("code, entry, message", REFUSED)
def test_the_service_refuses_a_bad_value_keyed_by_its_code(draft, cast, code, entry, message):
    with pytest.raises(ValidationError) as refusal:
        services.indicator_results_update(assessment=draft, entries={code: entry}, by=cast.staff, expected_revision=1)
    assert refusal.value.message_dict == {code: [message]}
    assert nothing_stored(draft)


def test_the_service_lists_every_bad_entry_and_saves_none_of_the_good_ones(draft, cast):
    entries = {"1.2": {"met": True}, "2.1": {"value": "150"}, "1.1": {"met": True, "note": "x" * 2001}}
    with pytest.raises(ValidationError) as refusal:
        services.indicator_results_update(assessment=draft, entries=entries, by=cast.staff)
    assert refusal.value.message_dict == {"2.1": [PERCENT.format("150")], "1.1": [TOO_LONG]}
    assert nothing_stored(draft)


def test_a_value_too_large_for_the_column_is_refused(draft, cast):
    Indicator.objects.filter(criteria_set=draft.criteria_set, code="2.1").update(unit="triệu đồng")
    draft.criteria_set.refresh_from_db()
    for typed in ("100000000000", "99999999999.9999", "1" + "0" * 400):
        with pytest.raises(ValidationError) as refusal:
            services.indicator_results_update(assessment=draft, entries={"2.1": {"value": typed}}, by=cast.staff)
        assert refusal.value.error_dict["2.1"][0].code == "too_large"
        assert "quá lớn; tối đa 99.999.999.999,999" in refusal.value.messages[0]
    services.indicator_results_update(assessment=draft, entries={"2.1": {"value": "99999999999.9994"}}, by=cast.staff)
    assert stored(draft)["2.1"][0] == Decimal("99999999999.999")


def test_a_numeric_indicators_answer_is_computed_whatever_is_sent(draft, cast):
    services.indicator_results_update(assessment=draft, entries={"2.1": {"value": "50", "met": True}}, by=cast.staff)
    assert stored(draft)["2.1"][:2] == (Decimal("50"), False)


def test_a_value_is_rounded_to_the_places_stored_and_answers_may_be_boolean_ish(draft, cast):
    entries = {"2.1": {"value": "72,3456"}, "1.1": {"met": 1}, "1.2": {"met": "false"}, "2.2": {"met": True}}
    services.indicator_results_update(assessment=draft, entries=entries, by=cast.staff)
    rows = stored(draft)
    assert rows["2.1"][:2] == (Decimal("72.346"), True)
    assert (rows["1.1"][1], rows["1.2"][1], rows["2.2"][1]) == (True, False, True)


def test_a_percentage_by_its_variant_is_checked_against_the_variant(tree, cast):
    cs = factories.make_set()
    factories.make_numeric(cs, "2.1", value="5", unit="", variants=[{"region": "", "value": 70}])
    Indicator.objects.filter(criteria_set=cs, code="2.1").update(unit="")
    cs.indicators.get(code="2.1").targets.update(unit="%")
    assessment = make_draft(cast, cs, tree.a, answers={})
    with pytest.raises(ValidationError) as refusal:
        services.indicator_results_update(assessment=assessment, entries={"2.1": {"value": 150}}, by=cast.staff)
    assert refusal.value.message_dict == {"2.1": [PERCENT.format("150")]}


def test_a_note_at_the_limit_is_kept_and_the_limit_is_a_setting(draft, cast, settings):
    services.indicator_results_update(assessment=draft, entries={"1.1": {"note": "x" * 2000}}, by=cast.staff)
    assert len(stored(draft)["1.1"][2]) == 2000
    settings.NTM_NOTE_MAX_CHARS = 10
    with pytest.raises(ValidationError) as refusal:
        services.indicator_results_update(assessment=draft, entries={"1.2": {"note": "y" * 11}}, by=cast.staff)
    assert refusal.value.message_dict == {"1.2": ["Nội dung dài 11 ký tự; tối đa 10 ký tự."]}


def test_the_models_validator_refuses_a_long_note_in_the_admins_forms(draft):
    result = IndicatorResult.objects.filter(assessment=draft).first()
    result.note = "x" * 2001
    with pytest.raises(ValidationError) as refusal:
        result.full_clean()
    assert refusal.value.message_dict == {"note": [TOO_LONG]}


# The API: a 400 whose errors are keyed by indicator code, nothing stored


def patch(client, assessment, *entries):
    body = {"revision": assessment.revision, "results": list(entries)}
    return client.patch(f"{BASE}/assessments/{assessment.pk}/results/", body, content_type="application/json")


@pytest.mark.parametrize("code, entry, message", REFUSED)
def test_the_api_answers_400_per_indicator(client, draft, cast, code, entry, message):
    client.force_login(cast.staff)
    response = patch(client, draft, {"code": code, **entry})
    assert response.status_code == 400
    body = response.json()
    assert body["errors"] == {code: [message]} and body["detail"] == f"{code}: {message}"
    assert nothing_stored(draft)


def test_the_api_takes_json_numbers_as_typed(client, draft, cast):
    client.force_login(cast.staff)
    response = patch(client, draft, {"code": "2.1", "value": 99999999999.999})
    assert response.json()["errors"] == {"2.1": [PERCENT.format("99.999.999.999,999")]}
    assert patch(client, draft, {"code": "2.1", "value": 72.5}).status_code == 200
    assert stored(draft)["2.1"][:2] == (Decimal("72.5"), True)


def test_the_api_refuses_a_two_megabyte_note(client, draft, cast):
    client.force_login(cast.staff)
    response = patch(client, draft, {"code": "1.1", "met": True, "note": "x" * (2 * 1024 * 1024)})
    assert response.status_code == 400
    assert response.json()["errors"] == {"1.1": ["Nội dung dài 2.097.152 ký tự; tối đa 2.000 ký tự."]}
    assert nothing_stored(draft)


# The entry page: the message next to the field, what was typed kept, nothing stored


def edit(client, assessment, **fields):
    return client.post(
        reverse("web:assessment_edit", kwargs={"pk": assessment.pk}), {"revision": str(assessment.revision), **fields}
    )


@pytest.mark.parametrize(
    "typed, message",
    [
        ("-5", PERCENT.format("-5")),
        ("150", PERCENT.format("150")),
        ("99999999999,999", PERCENT.format("99999999999,999")),
        ("abc", NOT_A_NUMBER.format("abc")),  # the page echoes the text typed
    ],
)
def test_the_entry_page_refuses_the_same_values_with_the_same_message(client, draft, cast, typed, message):
    client.force_login(cast.staff)
    response = edit(client, draft, **{"value-2.1": typed})
    assert response.status_code == 200
    assertContains(
        response,
        f'<div class="invalid-feedback" id="value-2.1-error" data-testid="field-error">{message}</div>',
        html=True,
    )
    assert nothing_stored(draft)


def test_the_entry_page_refuses_a_long_note_next_to_it(client, draft, cast):
    client.force_login(cast.staff)
    response = edit(client, draft, **{"met-1.1": "1", "note-1.1": "x" * 2001})
    assert response.status_code == 200
    assertContains(response, 'aria-describedby="note-1.1-error"')
    assertContains(response, TOO_LONG)
    assert nothing_stored(draft)


def test_the_entry_page_caps_its_note_boxes(client, draft, cast):
    client.force_login(cast.staff)
    response = client.get(reverse("web:assessment_edit", kwargs={"pk": draft.pk}))
    assertContains(response, 'maxlength="2000"', count=5)


def test_a_note_of_two_thousand_characters_with_new_lines_fits(client, draft, cast):
    client.force_login(cast.staff)
    note = "\r\n".join(["x" * 99] * 20) + "x"  # 2.019 as posted, 2.000 once its new lines are stored as LF
    response = edit(client, draft, **{"met-1.1": "1", "note-1.1": note})
    assert response.status_code == 302
    assert len(stored(draft)["1.1"][2]) == 2000


def test_the_entry_forms_value_field_calls_the_shared_rule():
    from assessments.services import values

    assert values.clean_value("75,5", indicator=Indicator(kind="numeric", unit="%")) == Decimal("75.500")


# A workbook import: the message on the cell, nothing written


@pytest.mark.parametrize(
    "raw, message",
    [
        (150, PERCENT.format("150")),
        (-5, PERCENT.format("-5")),
        (99999999999.999, PERCENT.format("99.999.999.999,999")),
        ("abc", NOT_A_NUMBER.format("abc")),
    ],
)
def test_the_import_refuses_the_same_values_with_the_same_message(workbook_set, tree, cast, raw, message):
    wb = filled_template(workbook_set, tree, answers={**FILLED, "2.1": (raw, None)})
    outcome = refused(as_file(wb), cast.staff)
    assert problems(outcome) == [("18436 Xã A", f"E{row_of(sheet_of(wb, tree.a), '2.1')}", message)]


def test_the_import_refuses_a_long_note_on_its_cell(workbook_set, tree, cast):
    wb = filled_template(workbook_set, tree, answers={**FILLED, "1.1": ("Đạt", "x" * 2001)})
    outcome = refused(as_file(wb), cast.staff)
    assert problems(outcome) == [("18436 Xã A", f"F{row_of(sheet_of(wb, tree.a), '1.1')}", TOO_LONG)]


def test_the_import_reads_numbers_as_the_entry_page_does(workbook_set, tree, cast):
    wb = filled_template(workbook_set, tree, answers={**FILLED, "3": ("1.234,5", None)})
    outcome = workbook_services.import_workbook(as_file(wb), cast.staff)
    assert outcome.ok, problems(outcome)
    assert IndicatorResult.objects.get(indicator__code="3").value == Decimal("1234.500")


# The admin's results inline: the same rules, the refusal next to its field, nothing stored


def test_the_admin_refuses_the_same_values_next_to_their_fields(client, draft, cast):
    client.force_login(cast.superuser)
    response = post_results(
        client, draft, {"2.1": {"value": "150"}, "1.1": {"value": "42"}, "1.2": {"note": "x" * 2001}}
    )
    assert response.status_code == 200
    forms = response.context["inline_admin_formsets"][0].formset.forms
    errors = {form.instance.indicator.code: form.errors for form in forms if form.errors}
    assert errors == {
        "2.1": {"value": [PERCENT.format("150")]},
        "1.1": {"value": ["Chỉ tiêu này chỉ nhận “Đạt” hoặc “Chưa đạt”, không nhận một giá trị số."]},
        "1.2": {"note": [TOO_LONG]},
    }
    assert nothing_stored(draft)


def test_the_admin_still_saves_a_numeric_value_with_its_computed_answer_posted(client, draft, cast):
    client.force_login(cast.superuser)
    post_results(client, draft, {"2.1": {"value": "75", "met": "false"}})
    assert stored(draft)["2.1"][:2] == (Decimal("75"), True)


def test_a_refusal_by_the_service_behind_the_form_lands_next_to_its_field(draft):
    # The form checks with the same rules first; should the service still refuse (the set's targets
    # changed between the two), its errors keyed by code go to the fields, not to a crash.
    from assessments.forms import entry as entry_forms

    indicators = [r.indicator for r in draft.results.all()]
    form = entry_forms.EntryForm({"revision": "1", "value-2.1": "50", "met-1.1": "1"}, indicators=indicators)
    assert form.is_valid()
    refusal = ValidationError(
        {
            "2.1": [ValidationError(PERCENT.format("150"), code="over_100")],
            "1.1": [ValidationError(TOO_LONG, code="too_long"), ValidationError("x", code="invalid_answer")],
        }
    )
    entry_forms.add_service_errors(form, refusal.error_dict)
    assert form.errors == {"value-2.1": [PERCENT.format("150")], "note-1.1": [TOO_LONG], "met-1.1": ["x"]}
