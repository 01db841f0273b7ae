from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Đánh giá")

    def ready(self):
        from assessments import signals  # noqa: F401 - connects the receivers (the Django idiom)
