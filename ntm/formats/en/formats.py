"""English pages keep the day-first dates of Vietnamese offices in forms: 05/03/2025 is 5 March.

Django's en locale reads 05/03/2025 as May 3 (month first) and shows ISO dates in the admin's date
inputs; a report's dates must mean the same in both languages, so input is day first here too.
"""

DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"]
DATETIME_INPUT_FORMATS = [
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
]
