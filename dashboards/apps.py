from django.apps import AppConfig, apps
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _

from ntm.lib import data_version

# What the dashboards, the commune page and the summary API read: a save or delete of any of these
# bumps the data version (ntm.lib.data_version), so no cached page outlives the data it shows.
SHOWN_MODELS = (
    "assessments.Assessment",
    "communes.AdministrativeUnit",
    "communes.UnitSuccession",
    "criteria.CriteriaSet",
    "criteria.Criterion",
    "criteria.Indicator",
    "criteria.IndicatorTarget",
    "criteria.Crosswalk",
    "criteria.CrosswalkLink",
    "communes.Boundary",
    "roadmap.Plan",
    "roadmap.Recognition",
)


def _changed(sender, instance=None, created=False, **kwargs):
    if not _only_unshown_edit(sender, instance, created, kwargs):
        data_version.bump()
    else:  # the commune's own page lists its pending assessments with their figures
        data_version.bump_unit(instance.commune_id)


def _only_unshown_edit(sender, instance, created, kwargs) -> bool:
    """An edit of a not-approved assessment's values that keeps its status: the dashboards count such
    assessments by status and show only approved summaries, so it changes nothing they show (without
    this, every commune officer's save would empty the whole country's cache in December); only the
    commune's own page does (data_version.bump_unit)."""
    fields = kwargs.get("update_fields")
    return (
        sender._meta.label == "assessments.Assessment"
        and kwargs.get("signal") is post_save
        and not created
        and fields is not None
        and not {"status", "is_latest_approved", "commune", "criteria_set"} & set(fields)
        and instance.status != "approved"
    )


class DashboardsConfig(AppConfig):
    name = "dashboards"
    verbose_name = _("Bảng theo dõi")

    def ready(self):
        for label in SHOWN_MODELS:
            try:
                model = apps.get_model(label)
            except LookupError:  # an app not installed (roadmap is optional)
                continue
            post_save.connect(_changed, sender=model, dispatch_uid=f"data-version-save-{label}")
            post_delete.connect(_changed, sender=model, dispatch_uid=f"data-version-delete-{label}")
