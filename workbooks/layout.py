"""Where things sit on a commune sheet: the template writes these cells and the import reads them.

    row 1   Bộ tiêu chí | <set name>
    row 2   Đơn vị | <name> | Mã đơn vị | <code> | Thời kỳ | <era>
    row 3   Ngày đánh giá | <date, input> | <hint>
    row 5   Mã chỉ tiêu | Nội dung | Chỉ tiêu áp dụng | Đơn vị | Kết quả (input) | Ghi chú minh chứng (input)
    row 6…  one heading row per criterion, then its indicators

Column H is hidden and locked: H1…H5 hold the machine-readable keys (marker, version, set code,
era, commune code) and each table row says in H whether it is a criterion or an indicator row, so
the import never has to guess from the (translatable) visible text.
"""

from assessments.services import values

MARKER = "ntm-assessment-template"
VERSION = "1"

SET_NAME_CELL = "B1"
COMMUNE_NAME_CELL = "B2"
COMMUNE_CODE_CELL = "D2"
ERA_LABEL_CELL = "F2"
DATE_CELL = "B3"
HINT_CELL = "C3"

META_COLUMN = "H"
META_INDEX = 8  # column H as a number
# H1 of the guide sheet: so an import can tell the guide from a sheet someone added.
GUIDE_MARKER = "ntm-assessment-guide"
MARKER_CELL, VERSION_CELL, SET_CODE_CELL, ERA_CELL, CODE_CELL = (f"{META_COLUMN}{n}" for n in range(1, 6))

HEADER_ROW = 5
FIRST_ROW = 6
CODE_COLUMN, NAME_COLUMN, TARGET_COLUMN, UNIT_COLUMN, VALUE_COLUMN, NOTE_COLUMN = "ABCDEF"
LAST_COLUMN = NOTE_COLUMN

ROW_CRITERION = "criterion"
ROW_INDICATOR = "indicator"

WIDTHS = {"A": 15, "B": 62, "C": 20, "D": 10, "E": 16, "F": 42}

# The two answers of a yes/no indicator, exactly as the Excel list offers them.
YES, NO = "Đạt", "Chưa đạt"

# Excel forbids these in sheet titles and cuts titles at 31 characters.
TITLE_FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})
TITLE_MAX = 31


# A percentage is entered as 0-100: the entry service's rule, shared with the template's cell formats.
is_percent = values.is_percent
