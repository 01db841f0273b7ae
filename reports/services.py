"""Writes of the reports app: keeping what the office filled in on the report form."""

from reports.models import ReportSettings

FIELDS = (
    "governing_body",
    "issuing_body",
    "number",
    "sign",
    "place",
    "signer_authority",
    "signer_title",
    "signer_name",
    "recipients",
)


def report_settings_save(*, unit, values: dict, by) -> ReportSettings:
    """Keep the fields for `unit` (one row per unit, created the first time), so the form offers them next time."""
    row, _created = ReportSettings.objects.update_or_create(
        unit=unit,
        defaults={name: values.get(name, "") for name in FIELDS} | {"updated_by": by},
    )
    return row
