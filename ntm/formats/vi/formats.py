"""Vietnamese formats as offices write them: 05/03/2025, not Django's 05-03-2025.

Django's vi locale has no DATE_INPUT_FORMATS, so a form would fall back to the American
month/day order and read 05/03/2025 as 3 May: the day comes first here, in output and in input.
"""

SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "H:i d/m/Y"
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"]
DATETIME_INPUT_FORMATS = [
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
]

# 10.051 and 13,9: Django's vi locale sets the separators but no grouping, so 10051 stayed ungrouped.
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
