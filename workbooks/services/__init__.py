"""Assessment workbooks: the template a commune officer fills in, and its all-or-nothing import.

`from workbooks import services` then `services.template_for(...)`, `services.import_workbook(...)`.
"""

from workbooks.services.importer import Outcome, import_workbook
from workbooks.services.template import template_for

__all__ = ["Outcome", "import_workbook", "template_for"]
