"""The workbook job kinds (thin: the work is in workbooks.services.background)."""

from django.utils.translation import gettext_lazy

from jobs.registry import job_kind
from workbooks.services import background


@job_kind(background.IMPORT, label=gettext_lazy("Nhập sổ tính kết quả đánh giá"))
def workbook_import(job) -> dict:
    return background.import_run(job)


@job_kind(background.TEMPLATE, label=gettext_lazy("Lập mẫu sổ tính nhập đánh giá"))
def workbook_template(job) -> dict:
    return background.template_run(job)
