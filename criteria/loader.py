"""Criteria sets from YAML files (format: criteria/data/FORMAT.md): parse, validate, write as drafts.

Every file of a run is validated before anything is written, and all writes share one
transaction: one malformed file loads nothing, and the error names the file and the line. A gap
in a file (`target: null`) stays a gap in the database; the loader never fills one in.
"""

import collections.abc
import datetime
import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml
from django.db import models, transaction
from django.utils.translation import gettext as _

from communes.models import AdministrativeUnit, CommuneGroup, Era, Level, Region
from criteria.models import (
    Confidence,
    CriteriaSet,
    Criterion,
    Department,
    Indicator,
    IndicatorKind,
    IndicatorTarget,
    Operator,
    SetLevel,
    SetStatus,
    SourceDocument,
)
from criteria.sources import KEY

OFFICIAL_DIR = Path(__file__).resolve().parent / "data" / "official"
SOURCES_FILE = OFFICIAL_DIR / "sources.yaml"

TARGET_KEYS = {"text", "op", "value", "unit"}
GENERAL_COLUMN = "chung"  # the decisions' "chỉ tiêu chung" column: no region, no group
REGIONS, GROUPS = set(Region.values), set(CommuneGroup.values)
VARIANT_COLUMNS = (("targets_by_region", REGIONS, "region"), ("targets_by_group", GROUPS, "commune_group"))
SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")
PERIOD = re.compile(r"(\d{4})\s*[-–]\s*(\d{4})")


def bundled_files() -> list[Path]:
    """The official sets shipped with the app (sources.yaml is not a set)."""
    return sorted(p for p in OFFICIAL_DIR.glob("*.yaml") if p != SOURCES_FILE)


# --- YAML with line numbers -------------------------------------------------------------------


class Mapping(dict):
    """A YAML mapping that remembers where it and each of its keys stand in the file."""

    def __init__(self, line: int = 0):
        super().__init__()
        self.line, self.key_lines = line, {}

    def line_of(self, key) -> int:
        return self.key_lines.get(key, self.line)


class LineLoader(yaml.SafeLoader):
    """SafeLoader whose mappings are `Mapping`s; a key written twice is an error, not "last wins"."""

    def construct_line_mapping(self, node):
        data = Mapping(node.start_mark.line + 1)
        yield data
        explicit = [k for k, _v in node.value if k.tag != "tag:yaml.org,2002:merge"]
        self.flatten_mapping(node)
        seen = set()
        for key_node, value_node in node.value:
            key = self.construct_object(key_node)
            if not isinstance(key, collections.abc.Hashable):
                raise yaml.constructor.ConstructorError(None, None, "unhashable key", key_node.start_mark)
            if key_node in explicit:  # keys merged in with `<<` may be overridden; written ones may not
                if key in seen:
                    raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
                seen.add(key)
            data[key] = self.construct_object(value_node)
            data.key_lines[key] = key_node.start_mark.line + 1


LineLoader.add_constructor("tag:yaml.org,2002:map", LineLoader.construct_line_mapping)


class LoadError(Exception):
    """Malformed input; `messages` are "FILE:LINE: message" lines."""

    def __init__(self, messages: list[str]):
        super().__init__("\n".join(messages))
        self.messages = messages


def read_yaml(path: Path) -> tuple[object, bytes]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise LoadError([f"{path}: cannot read the file ({exc.strerror})"]) from exc
    try:
        return yaml.load(raw.decode("utf-8"), Loader=LineLoader), raw
    except UnicodeDecodeError as exc:
        raise LoadError([f"{path}: the file is not UTF-8 text"]) from exc
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        detail = "; ".join(p for p in (exc.context, exc.problem) if p)
        raise LoadError([f"{path}:{line}: YAML syntax error: {detail}"]) from exc


def plain(value):
    """A JSON-ready copy: mappings with string keys, dates as ISO strings."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


# --- Validation -------------------------------------------------------------------------------

STR, INT, BOOL, LIST, MAP, DATE = "a text", "a whole number", "true or false", "a list", "a mapping", "a date"
_TYPES = {STR: (str,), INT: (int,), BOOL: (bool,), LIST: (list,), MAP: (dict,), DATE: (datetime.date, str)}

SET_KEYS = {
    "code": (STR, True),
    "name": (STR, True),
    "level": (STR, True),
    "criteria": (LIST, True),
    "decision": (STR, False),
    "issued": (DATE, False),
    "effective": (DATE, False),
    "signer": (STR, False),
    "issuer": (STR, False),
    "appendix": (STR, False),
    "period": (STR, False),
    "completeness": (STR, False),
    "notes": (STR, False),
    "counts": (MAP, False),
    "groups": (LIST, False),
    "regions": (LIST, False),
    "commune_groups": (LIST, False),
    "province": (STR, False),
    "derived_from": (STR, False),
    "departments": (MAP, False),
}
# Keys stored in columns; every other top-level key goes to CriteriaSet.provenance as written.
SET_COLUMN_KEYS = {
    "code",
    "name",
    "level",
    "criteria",
    "decision",
    "issued",
    "effective",
    "signer",
    "issuer",
    "appendix",
    "period",
    "completeness",
    "notes",
    "province",
    "province_era",
    "derived_from",
}
CRITERION_KEYS = {
    "number": (INT, True),
    "name": (STR, True),
    "name_verified": (BOOL, False),
    "verified": (BOOL, False),
    "sources": (LIST, False),
    "note": (STR, False),
    "department": (STR, False),
    "indicators": (LIST, False),
}
INDICATOR_KEYS = {
    "code": (STR, True),
    "name": (STR, True),
    "target": (MAP, False),
    "targets_by_region": (MAP, False),
    "targets_by_group": (MAP, False),
    "targets_by_year": (MAP, False),
    "unit": (STR, False),
    "verified": (BOOL, False),
    "confidence": (STR, False),
    "sources": (LIST, False),
    "note": (STR, False),
    "evidence_guidance": (STR, False),
}


@dataclass
class ParsedIndicator:
    fields: dict
    targets: list[dict]
    line: int

    @property
    def has_target(self) -> bool:
        return bool(self.fields["target_text"] or self.fields["operator"] or self.targets)


@dataclass
class ParsedCriterion:
    fields: dict
    department: str
    indicators: list[ParsedIndicator]


@dataclass
class ParsedSet:
    path: Path
    sha256: str
    fields: dict
    criteria: list[ParsedCriterion]
    derived_from: str = ""
    departments: dict = field(default_factory=dict)
    line_of_derived_from: int = 1

    @property
    def code(self) -> str:
        return self.fields["code"]

    @property
    def indicators(self) -> list[ParsedIndicator]:
        return [i for c in self.criteria for i in c.indicators]


class Checker:
    """Collects the problems of one file, each with its line."""

    def __init__(self, path: Path):
        self.path, self.problems = path, []

    def error(self, line: int, message: str) -> None:
        self.problems.append(f"{self.path}:{line}: {message}")

    def fields(self, m: Mapping, schema: dict, what: str) -> dict:
        """The schema's keys of `m` that have the right type (null counts as absent)."""
        out = {}
        for key, (kind, required) in schema.items():
            value = m.get(key)
            if value is None:
                if required:
                    self.error(m.line, f"{what} has no `{key}`")
                continue
            if not isinstance(value, _TYPES[kind]) or (kind == INT and isinstance(value, bool)):
                # YAML reads 17.10 as the number 17.1 and 01 as 1: codes must be quoted to stay as written.
                hint = ' (put it in quotes, e.g. "17.10", so it stays as written)' if kind == STR else ""
                self.error(m.line_of(key), f"`{key}` of {what} must be {kind}, not {value!r}{hint}")
                continue
            if kind == DATE and isinstance(value, str):
                value = self.date(m, key, value)
            out[key] = value
        return out

    def date(self, m: Mapping, key: str, value: str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            self.error(m.line_of(key), f"`{key}` must be a date like 2022-03-08, not {value!r}")
            return None

    def lengths(self, model, values: dict, line: int, what: str) -> None:
        for name, value in values.items():
            limit = getattr(model._meta.get_field(name), "max_length", None) if isinstance(value, str) else None
            if limit and len(value) > limit:
                self.error(line, f"{what}: `{name}` is longer than {limit} characters")

    def mappings(self, items: list, what: str, line: int) -> list[Mapping]:
        good = [m for m in items if isinstance(m, Mapping)]
        if len(good) != len(items):
            self.error(line, f"every entry of {what} must be a mapping")
        return good


def _sources(checker: Checker, m: Mapping, values: dict) -> str:
    keys = values.get("sources", [])
    if not all(isinstance(k, str) for k in keys):
        checker.error(m.line_of("sources"), "`sources` must be a list of source keys such as [S1, S2]")
        return ""
    return ", ".join(keys)


def parse_target(checker: Checker, m, line: int, what: str) -> dict | None:
    """{text, op, value, unit} → target fields; None (and a recorded problem) when malformed."""
    if not isinstance(m, Mapping):
        checker.error(line, f"{what} must be a mapping {{text, op, value, unit}} or null, not {m!r}")
        return None
    unknown = set(m) - TARGET_KEYS
    if unknown:
        checker.error(
            m.line,
            f"{what}: unknown key(s) {', '.join(sorted(map(str, unknown)))} (a target has text, op, value, unit)",
        )
        return None
    text, op, value, unit = (m.get(k) for k in ("text", "op", "value", "unit"))
    problems = len(checker.problems)
    if text is not None and not isinstance(text, str):
        checker.error(m.line_of("text"), f"{what}: `text` must be a text, not {text!r}")
    if unit is not None and not isinstance(unit, str):
        checker.error(m.line_of("unit"), f"{what}: `unit` must be a text, not {unit!r}")
    if (op is None) != (value is None):
        checker.error(m.line, f"{what}: `op` and `value` go together (give both or neither)")
    if op is not None and op not in Operator.values:
        checker.error(m.line_of("op"), f"{what}: `op` must be one of {' '.join(Operator.values)}, not {op!r}")
    number = _decimal(checker, m, value, what) if value is not None else None
    if text is None and op is None:
        checker.error(m.line, f"{what} needs `text` or `op` and `value` (write null when it was not retrieved)")
    if len(checker.problems) > problems:
        return None
    return {"operator": op or "", "value": number, "text": text or "", "unit": unit or ""}


def _decimal(checker: Checker, m: Mapping, value, what: str) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        checker.error(m.line_of("value"), f"{what}: `value` must be a number, not {value!r}")
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or number.as_tuple().exponent < -3 or abs(number) >= 10**11:
        checker.error(m.line_of("value"), f"{what}: `value` must have at most 3 decimals and 11 digits")
        return None
    return number


def _variant(checker, m: Mapping, key, value, what: str, **where) -> dict | None:
    if value is None:  # a null is a gap in the sources, not a target
        return None
    target = parse_target(checker, value, m.line_of(key), what)
    return target and {"region": "", "commune_group": "", "year": 0, **where, **target}


def parse_variants(checker: Checker, values: dict, code: str) -> tuple[list[dict], list[str]]:
    """Targets by region, by group and by year; also the labels of the variants left null."""
    variants, missing = [], []
    for key, allowed, column in VARIANT_COLUMNS:
        columns = values.get(key, Mapping())
        for name, value in columns.items():
            if name not in allowed:
                checker.error(
                    columns.line_of(name),
                    f"indicator {code}: `{name}` is not a valid key of {key} "
                    f"(expected one of {', '.join(sorted(allowed))})",
                )
                continue
            variants.append(_variant(checker, columns, name, value, f"indicator {code} {key}.{name}", **{column: name}))
            missing += [name] if value is None else []
    years = values.get("targets_by_year", Mapping())
    for year, columns in years.items():
        found, gaps = _year(checker, years, year, columns, code)
        variants += found
        missing += gaps
    return [v for v in variants if v], missing


def _year(checker: Checker, years: Mapping, year, columns, code: str) -> tuple[list, list[str]]:
    what = f"indicator {code} targets_by_year.{year}"
    if isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 2100:
        checker.error(years.line_of(year), f"indicator {code}: year {year!r} of targets_by_year must be like 2022")
        return [], []
    if columns is None:
        return [], [str(year)]
    if isinstance(columns, Mapping) and set(columns) & TARGET_KEYS:  # one target for every column
        return [_variant(checker, years, year, columns, what, year=year)], []
    if not isinstance(columns, Mapping):
        checker.error(years.line_of(year), f"{what} must be a target or a mapping of columns to targets")
        return [], []
    found, gaps = [], []
    for name, value in columns.items():
        column = {"year": year}
        if name in REGIONS:
            column["region"] = name
        elif name in GROUPS:
            column["commune_group"] = name
        elif name != GENERAL_COLUMN:
            checker.error(columns.line_of(name), f"{what}: `{name}` is not {GENERAL_COLUMN}, a region or a group")
            continue
        found.append(_variant(checker, columns, name, value, f"{what}.{name}", **column))
        gaps += [f"{year}/{name}"] if value is None else []
    return found, gaps


def parse_indicator(checker: Checker, m: Mapping, position: int) -> ParsedIndicator | None:
    values = checker.fields(m, INDICATOR_KEYS, "an indicator")
    code = values.get("code", "?")
    base = (
        parse_target(checker, values["target"], m.line_of("target"), f"indicator {code} target")
        if "target" in values
        else None
    )
    if values.get("confidence", "") not in Confidence.values:
        checker.error(m.line_of("confidence"), f"indicator {code}: `confidence` must be medium or low")
    variants, missing = parse_variants(checker, values, code)
    extra = {k: plain(v) for k, v in m.items() if k not in INDICATOR_KEYS}
    if missing:
        extra["targets_not_retrieved"] = missing
    base = base or {"operator": "", "value": None, "text": "", "unit": ""}
    unit = base["unit"] or values.get("unit", "")
    numeric = bool(base["operator"]) or any(v["operator"] for v in variants)
    fields = {
        "code": code,
        "position": position,
        "name": values.get("name", ""),
        "kind": IndicatorKind.NUMERIC if numeric else IndicatorKind.BOOLEAN,
        "operator": base["operator"],
        "target_value": base["value"],
        "target_text": base["text"],
        "unit": unit,
        "evidence_guidance": values.get("evidence_guidance", ""),
        "verified": values.get("verified", False),
        "confidence": values.get("confidence", ""),
        "sources": _sources(checker, m, values),
        "note": values.get("note", "").strip(),
        "provenance": extra,
    }
    for variant in variants:
        variant["unit"] = variant["unit"] or unit
        checker.lengths(IndicatorTarget, variant, m.line, f"indicator {code}")
    checker.lengths(Indicator, fields, m.line, f"indicator {code}")
    return ParsedIndicator(fields, variants, m.line) if "code" in values else None


def parse_criterion(checker: Checker, m: Mapping, groups: dict) -> tuple[ParsedCriterion, dict]:
    values = checker.fields(m, CRITERION_KEYS, "a criterion")
    number = values.get("number", 0)
    if "number" in values and number < 1:
        checker.error(m.line_of("number"), f"criterion number must be 1 or more, not {number}")
    group = groups.get(number, {})
    department = values.get("department", "")
    if department and not SLUG.match(department):
        checker.error(m.line_of("department"), f"department code {department!r} may only use letters, digits, - and _")
    # The 1980 file writes `verified` on criteria for what the other files call `name_verified`.
    name_verified = values.get("name_verified", values.get("verified", False))
    fields = {
        "number": number,
        "name": values.get("name", ""),
        "group_number": group.get("number"),
        "group_name": group.get("name", ""),
        "name_verified": name_verified,
        "sources": _sources(checker, m, values),
        "note": values.get("note", "").strip(),
    }
    checker.lengths(Criterion, fields, m.line, f"criterion {number}")
    items = checker.mappings(values.get("indicators", []), f"criterion {number}'s indicators", m.line_of("indicators"))
    # Position within the criterion: removing a row elsewhere in the file does not renumber this one.
    indicators = [parse_indicator(checker, i, position) for position, i in enumerate(items)]
    extra = {k: plain(v) for k, v in m.items() if k not in CRITERION_KEYS}
    if "name_verified" in values and "verified" in values:
        extra["verified"] = values["verified"]
    return ParsedCriterion(fields, department, [i for i in indicators if i]), extra


def parse_groups(checker: Checker, data: Mapping, values: dict, numbers: set) -> dict[int, dict]:
    """Criterion number → {number, name} of its group, from the set's `groups` list."""
    groups = {}
    for g in checker.mappings(values.get("groups", []), "groups", data.line_of("groups")):
        number, name, members = g.get("number"), g.get("name"), g.get("criteria")
        if not isinstance(number, int) or not isinstance(name, str) or not isinstance(members, list):
            checker.error(g.line, "a group needs `number` (a whole number), `name` and `criteria` (a list of numbers)")
            continue
        for member in members:
            if member in groups:
                checker.error(g.line_of("criteria"), f"criterion {member} is in more than one group")
            elif member not in numbers:
                checker.error(g.line_of("criteria"), f"group {number} lists criterion {member}, not in the file")
            groups[member] = {"number": number, "name": name}
    return groups


def check_columns(checker: Checker, data: Mapping, values: dict) -> None:
    """The `regions` and `commune_groups` lists use the codes the app knows."""
    for key, allowed in (("regions", REGIONS), ("commune_groups", GROUPS)):
        for entry in checker.mappings(values.get(key, []), key, data.line_of(key)):
            if entry.get("code") not in allowed:
                expected = ", ".join(sorted(allowed))
                checker.error(entry.line, f"{key}: code {entry.get('code')!r} is not one of {expected}")


COUNT_COLUMNS = {"criteria": "stated_criteria_count", "indicators": "stated_indicator_count"}


def stated_counts(checker: Checker, data: Mapping, values: dict, actual: dict) -> dict:
    """Columns from counts.<thing>_stated_by_*; counts.<thing>_in_this_file, when given, must be right."""
    counts, out = values.get("counts", Mapping()), {}
    for key, value in counts.items():
        thing, _sep, rest = str(key).partition("_")
        if thing not in COUNT_COLUMNS or not (rest.startswith("stated") or rest == "in_this_file"):
            continue  # other counts (e.g. previous_period_for_comparison) stay in provenance only
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
            checker.error(counts.line_of(key), f"counts.{key} must be a whole number or null, not {value!r}")
        elif rest == "in_this_file" and value != actual[thing]:
            checker.error(counts.line_of(key), f"counts.{key} is {value} but the file lists {actual[thing]} {thing}")
        elif rest.startswith("stated") and value is not None:
            if out.get(COUNT_COLUMNS[thing], value) != value:
                checker.error(counts.line_of(key), f"counts.{key} disagrees with another stated count of {thing}")
            out[COUNT_COLUMNS[thing]] = value
    return out


def _period(checker: Checker, data: Mapping, values: dict) -> tuple[int | None, int | None]:
    match = PERIOD.search(values.get("period", "")) or PERIOD.search(values.get("name", ""))
    if "period" in values and not PERIOD.search(values["period"]):
        checker.error(data.line_of("period"), f"`period` must look like 2021-2025, not {values['period']!r}")
    return (int(match[1]), int(match[2])) if match else (None, None)


def _province(checker: Checker, data: Mapping, code: str, start: int | None) -> AdministrativeUnit | None:
    if not code:
        return None
    era = data.get("province_era", Era.CURRENT if start and start >= 2026 else Era.PRE_2025 if start else None)
    era = str(era) if era is not None else None
    if era not in Era.values:
        checker.error(
            data.line_of("province_era") if "province_era" in data else data.line_of("province"),
            f"`province_era` must be {' or '.join(Era.values)} (needed when the period is not known)",
        )
        return None
    unit = AdministrativeUnit.objects.filter(era=era, code=code, level=Level.PROVINCE).first()
    if unit is None:
        checker.error(data.line_of("province"), f"province {code} ({era}) is not loaded; run load_units first")
    return unit


def parse_set(path: Path) -> ParsedSet:
    """Validate one file; LoadError lists every problem found in it."""
    data, raw = read_yaml(path)
    checker = Checker(path)
    if not isinstance(data, Mapping):
        raise LoadError([f"{path}:1: a criteria set file is a mapping with code, name, level and criteria"])
    values = checker.fields(data, SET_KEYS, "the set")
    start, end = _period(checker, data, values)
    set_fields = {
        "code": values.get("code", ""),
        "name": values.get("name", ""),
        "level": values.get("level", ""),
        "decision_number": values.get("decision", ""),
        "decision_date": values.get("issued"),
        "effective_date": values.get("effective"),
        "signer": values.get("signer", ""),
        "issuer": values.get("issuer", ""),
        "appendix": values.get("appendix", ""),
        "period_start": start,
        "period_end": end,
        "completeness": values.get("completeness", ""),
        "notes": values.get("notes", "").strip(),
        "province": _province(checker, data, values.get("province"), start),
        "source_file": path.name,
        "source_hash": hashlib.sha256(raw).hexdigest(),
    }
    _check_set_fields(checker, data, values, set_fields)
    criteria, extras = _parse_criteria(checker, data, values)
    indicators = [i for c in criteria for i in c.indicators]
    set_fields |= stated_counts(checker, data, values, {"criteria": len(criteria), "indicators": len(indicators)})
    provenance = {k: plain(v) for k, v in data.items() if k not in SET_COLUMN_KEYS}
    set_fields["provenance"] = provenance | ({"criteria_extra": extras} if extras else {})
    departments = _departments(checker, data, values, criteria)
    if checker.problems:
        raise LoadError(checker.problems)
    return ParsedSet(
        path,
        set_fields["source_hash"],
        set_fields,
        criteria,
        values.get("derived_from", ""),
        departments,
        data.line_of("derived_from"),
    )


def _check_set_fields(checker: Checker, data: Mapping, values: dict, fields: dict) -> None:
    if fields["code"] and not SLUG.match(fields["code"]):
        checker.error(data.line_of("code"), f"set code {fields['code']!r} may only use letters, digits, - and _")
    if fields["level"] and fields["level"] not in SetLevel.values:
        checker.error(data.line_of("level"), f"`level` must be one of {', '.join(SetLevel.values)}")
    checker.lengths(CriteriaSet, fields, data.line, "the set")
    check_columns(checker, data, values)


def _parse_criteria(checker: Checker, data: Mapping, values: dict) -> tuple[list[ParsedCriterion], dict]:
    items = checker.mappings(values.get("criteria", []), "criteria", data.line_of("criteria"))
    groups = parse_groups(checker, data, values, {m.get("number") for m in items})
    criteria, extras, seen, codes = [], {}, {}, {}
    for m in items:
        criterion, extra = parse_criterion(checker, m, groups)
        number = criterion.fields["number"]
        if number in seen:
            checker.error(m.line_of("number"), f"duplicate criterion number {number} (first at line {seen[number]})")
        seen.setdefault(number, m.line_of("number"))
        for indicator in criterion.indicators:
            code = indicator.fields["code"]
            if code in codes:
                checker.error(indicator.line, f"duplicate indicator code {code!r} (first at line {codes[code]})")
            codes.setdefault(code, indicator.line)
        criteria.append(criterion)
        if extra:
            extras[str(number)] = extra
    return criteria, extras


def _departments(checker: Checker, data: Mapping, values: dict, criteria: list) -> dict[str, str]:
    """Department code → name for the departments the file needs; unknown codes must be named."""
    names = values.get("departments", {})
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in names.items()):
        checker.error(data.line_of("departments"), "`departments` maps department codes to names")
        return {}
    wanted = {c.department for c in criteria if c.department}
    known = set(Department.objects.filter(code__in=wanted).values_list("code", flat=True))
    for code in sorted(wanted - known - set(names)):
        checker.error(data.line_of("departments"), f"department {code!r} does not exist; name it under `departments:`")
    return {code: names.get(code, "") for code in wanted}


def parse_sources(path: Path = SOURCES_FILE) -> list[dict]:
    data, _raw = read_yaml(path)
    checker = Checker(path)
    entries = data.get("sources") if isinstance(data, Mapping) else None
    if not isinstance(entries, list):
        raise LoadError([f"{path}:1: the file must have a `sources:` list"])
    out, seen = [], set()
    for m in checker.mappings(entries, "sources", data.line_of("sources")):
        key, url, description = m.get("key"), m.get("url") or "", m.get("description") or ""
        if not isinstance(key, str) or not KEY.match(key) or key in seen:
            checker.error(m.line, f"source key {key!r} is missing, malformed or repeated")
        elif not isinstance(url, str) or not isinstance(description, str):
            checker.error(m.line, f"source {key}: `url` and `description` must be texts")
        else:
            out.append({"key": key, "url": url, "description": description.strip()})
        seen.add(key)
    if checker.problems:
        raise LoadError(checker.problems)
    return out


def parse_files(paths: list[Path]) -> list[ParsedSet]:
    """Every file parsed and checked, sets ordered so that a set comes after the one it derives from."""
    parsed, problems = [], []
    for path in paths:
        try:
            parsed.append(parse_set(path))
        except LoadError as exc:
            problems += exc.messages
    by_code = {}
    for p in parsed:
        if p.code in by_code:
            problems.append(f"{p.path}:1: set code {p.code!r} is also used by {by_code[p.code].path}")
        by_code[p.code] = p
    problems += _check_derived_from(parsed, by_code)
    if problems:
        raise LoadError(problems)
    return _parents_first(parsed, by_code)


def _check_derived_from(parsed: list[ParsedSet], by_code: dict) -> list[str]:
    wanted = {p.derived_from for p in parsed if p.derived_from}
    known = set(CriteriaSet.objects.filter(code__in=wanted).values_list("code", flat=True)) | set(by_code)
    problems = []
    for p in parsed:
        if p.derived_from and (p.derived_from not in known or p.derived_from == p.code):
            problems.append(
                f"{p.path}:{p.line_of_derived_from}: derived_from {p.derived_from!r} is not a loaded set "
                f"nor one of the files of this run"
            )
    return problems


def _parents_first(parsed: list[ParsedSet], by_code: dict) -> list[ParsedSet]:
    ordered, done = [], set()

    def visit(p: ParsedSet, trail: tuple):
        if p.code in done:
            return
        if p.code in trail:
            raise LoadError([f"{p.path}:{p.line_of_derived_from}: derived_from forms a cycle: {' → '.join(trail)}"])
        parent = by_code.get(p.derived_from)
        if parent:
            visit(parent, (*trail, p.code))
        done.add(p.code)
        ordered.append(p)

    for p in parsed:
        visit(p, ())
    return ordered


# --- Writing ----------------------------------------------------------------------------------


@dataclass
class SetOutcome:
    parsed: ParsedSet
    action: str
    status: str

    def summary(self) -> str:
        p = self.parsed
        indicators = p.indicators
        with_target = sum(i.has_target for i in indicators)
        return _(
            "%(code)s (%(file)s): %(action)s — tiêu chí %(criteria)s, chỉ tiêu %(indicators)s, đã kiểm chứng "
            "%(verified)s, có ngưỡng %(with_target)s, chưa có ngưỡng %(without_target)s → %(status)s"
        ) % {
            "code": p.code,
            "file": p.path.name,
            "action": self.action,
            "criteria": _ratio(len(p.criteria), p.fields.get("stated_criteria_count")),
            "indicators": _ratio(len(indicators), p.fields.get("stated_indicator_count")),
            "verified": sum(i.fields["verified"] for i in indicators),
            "with_target": with_target,
            "without_target": len(indicators) - with_target,
            "status": SetStatus(self.status).label,
        }


def _ratio(count: int, stated: int | None) -> str:
    if stated is None:
        return _("%(n)s (văn bản không nêu tổng số)") % {"n": count}
    gap = stated - count
    if gap > 0:
        return _("%(n)s/%(stated)s (thiếu %(gap)s)") % {"n": count, "stated": stated, "gap": gap}
    if gap < 0:
        return _("%(n)s/%(stated)s (nhiều hơn số nêu %(gap)s)") % {"n": count, "stated": stated, "gap": -gap}
    return f"{count}/{stated}"


@dataclass
class CriteriaLoadReport:
    sets: list[SetOutcome]
    sources: dict
    dry_run: bool

    def lines(self) -> list[str]:
        head = [_("Chạy thử: không ghi gì.")] if self.dry_run else []
        s = self.sources
        sources = _("nguồn: %(total)s (tạo %(created)s, cập nhật %(updated)s)") % s
        return head + [o.summary() for o in self.sets] + [sources]


def _save(obj: models.Model, values: dict, reason: str, **related) -> models.Model:
    """Create `obj` or save only the fields that changed; `related` fills relation caches."""
    if obj.pk is None:
        changed = list(values)
    else:
        changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    for name, value in related.items():
        setattr(obj, name, value)
    if changed:
        auto_now = [f.name for f in obj._meta.concrete_fields if getattr(f, "auto_now", False)]
        obj._change_reason = reason
        obj.save(update_fields=None if obj.pk is None else changed + auto_now)
    return obj


def _write_set(p: ParsedSet, existing: CriteriaSet | None) -> CriteriaSet:
    reason = f"load_criteria {p.path.name}"
    derived = CriteriaSet.objects.get(code=p.derived_from) if p.derived_from else None
    values = {k: v for k, v in p.fields.items() if k != "province"} | {
        "province_id": getattr(p.fields["province"], "pk", None),
        "derived_from_id": getattr(derived, "pk", None),
        "status": SetStatus.DRAFT,
    }
    cs = _save(existing or CriteriaSet(), values, reason)
    departments = {
        code: Department.objects.get_or_create(code=code, defaults={"name": name or code})[0]
        for code, name in p.departments.items()
    }
    criteria = {c.number: c for c in cs.criteria.all()}
    indicators = {i.code: i for i in Indicator.objects.filter(criteria_set=cs)}
    targets = {
        (t.indicator_id, t.region, t.commune_group, t.year): t
        for t in IndicatorTarget.objects.filter(indicator__criteria_set=cs)
    }
    kept_targets = set()
    for pc in p.criteria:
        # Without `department` in the file, an assignment made in the admin is kept.
        department = {"department_id": departments[pc.department].pk} if pc.department else {}
        crit = _save(criteria.get(pc.fields["number"]) or Criterion(), pc.fields | department, reason, criteria_set=cs)
        for pi in pc.indicators:
            ind = _save(
                indicators.get(pi.fields["code"]) or Indicator(),
                pi.fields | {"criterion_id": crit.pk},
                reason,
                criterion=crit,
                criteria_set=cs,
            )
            for pt in pi.targets:
                key = (ind.pk, pt["region"], pt["commune_group"], pt["year"])
                _save(targets.get(key) or IndicatorTarget(), pt, reason, indicator=ind)
                kept_targets.add(key)
    _delete_stale(cs, p, targets, kept_targets)
    return cs


def _delete_stale(cs: CriteriaSet, p: ParsedSet, targets: dict, kept: set) -> None:
    """Rows of the draft that the file no longer has (after the upserts, so moved rows survive)."""
    IndicatorTarget.objects.filter(pk__in=[t.pk for key, t in targets.items() if key not in kept]).delete()
    Indicator.objects.filter(criteria_set=cs).exclude(code__in=[i.fields["code"] for i in p.indicators]).delete()
    cs.criteria.exclude(number__in=[c.fields["number"] for c in p.criteria]).delete()


def _plan(p: ParsedSet, existing: CriteriaSet | None, dry_run: bool) -> tuple[str, bool]:
    """What happens to `p`: (action text, whether to write)."""
    if existing is None:
        return (_("sẽ tạo") if dry_run else _("đã tạo")), True
    if existing.status != SetStatus.DRAFT or existing.in_use:
        state = existing.get_status_display().lower() if existing.status != SetStatus.DRAFT else _("đang được dùng")
        return _("bỏ qua (%(state)s; hãy sao chép bộ để sửa)") % {"state": state}, False
    if existing.source_hash == p.sha256:
        return _("không đổi"), False
    return (_("sẽ cập nhật") if dry_run else _("đã cập nhật")), True


def upsert_sources(entries: list[dict], *, dry_run: bool) -> dict:
    existing = SourceDocument.objects.in_bulk([e["key"] for e in entries], field_name="key")
    created = sum(e["key"] not in existing for e in entries)
    updated = 0
    for entry in entries:
        doc = existing.get(entry["key"])
        if doc is not None:
            updated += any(getattr(doc, k) != v for k, v in entry.items())
        if not dry_run:
            _save(doc or SourceDocument(), entry, "load_criteria sources.yaml")
    return {"total": len(entries), "created": created, "updated": updated}


def load_files(paths: list[Path], *, dry_run: bool = False, sources_path: Path = SOURCES_FILE) -> CriteriaLoadReport:
    """Validate every file, then (unless dry_run) write all sets and the sources in one transaction."""
    sources = parse_sources(sources_path)
    parsed = parse_files(paths)
    existing = CriteriaSet.objects.in_bulk([p.code for p in parsed], field_name="code")
    outcomes = []
    with transaction.atomic():
        source_counts = upsert_sources(sources, dry_run=dry_run)
        for p in parsed:
            action, write = _plan(p, existing.get(p.code), dry_run)
            status = existing[p.code].status if p.code in existing and not write else SetStatus.DRAFT
            if write and not dry_run:
                _write_set(p, existing.get(p.code))
            outcomes.append(SetOutcome(p, action, status))
    return CriteriaLoadReport(outcomes, source_counts, dry_run)
