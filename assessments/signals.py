"""The receivers that call services on model events (connected by AssessmentsConfig.ready).

The guards that refuse changes to approved records stay beside the models (assessments.models); these
call services, which import the models, so they live here."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from assessments.models import Assessment, Status
from assessments.services.latest import latest_approved_refresh_for

# The stored latest-approved flag follows every approval that starts or ends, whichever code saved it
# (services, admin, scripts); bulk writers call assessments.services.latest_approved_refresh themselves.


@receiver(post_save, sender=Assessment)
def _flag_latest_approved_on_save(sender, instance, raw=False, update_fields=None, **kwargs):
    status_changed = update_fields is not None and "status" in update_fields
    if not raw and (instance.status == Status.APPROVED or status_changed):
        latest_approved_refresh_for(instance)


@receiver(post_delete, sender=Assessment)
def _flag_latest_approved_on_delete(sender, instance, **kwargs):
    # Only demo data gets here approved (assessments.models guards the deletion of real approvals); the
    # commune's previous approval takes over.
    if instance.status == Status.APPROVED:
        latest_approved_refresh_for(instance)
