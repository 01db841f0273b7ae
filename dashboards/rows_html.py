"""The commune rows of the dashboard table, written in Python rather than in a template loop.

The country has 10,051 pre-2025 communes: Django's template engine spends about 0.7 ms on each row
of this table (variable lookups, two {% url %}, filters), most of the national page's time. Here the
translations, the URL shapes and the date format are looked up once per page, and each row is one
string format with its values escaped. templates/dashboards/unit.html documents the markup; the
tests read it back (data-testid, data-code, data-status).
"""

from functools import lru_cache
from urllib.parse import quote

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from ntm.lib.dates import short_date
from ntm.lib.html import escape, width_class
from ntm.lib.numbers import grouped as number

PLACEHOLDER = "00000"


def _q(part: str) -> str:
    """A URL path segment: percent-encoded (a code holding "/", "?" or "#" stays one segment)."""
    return part if part.isalnum() else quote(part, safe="")


def _url_shape(name: str, **kwargs) -> str:
    # reverse() once with placeholders; each row then fills them in, percent-encoded and escaped (codes
    # are validated by communes.models.unit_code_validator, but a row never trusts that).
    return reverse(name, kwargs=kwargs)


def commune_rows_html(rows, *, shows_parent: bool, recognitions_installed: bool) -> SafeString:
    unit_url = (
        _url_shape("web:unit", era="ERA", code=PLACEHOLDER).replace("ERA", "{era}").replace(PLACEHOLDER, "{code}")
    )
    assessment_url = reverse("web:assessment", kwargs={"pk": 999999999}).replace("999999999", "{pk}")
    # The commune's latest approved assessment against its previous approved one (web.views_compare).
    compare_url = reverse("web:assessment_compare") + "?a={pk}"

    def unit_href(unit) -> str:
        return escape(unit_url.format(era=_q(unit.era), code=_q(unit.code)))

    text = {
        "share": escape(gettext("Tỷ lệ tiêu chí đạt")),
        "met": escape(gettext("Đạt chuẩn")),
        "met_held": escape(gettext("Đạt các chỉ tiêu đã có (bộ chưa đầy đủ)")),
        "unmet": escape(gettext("Chưa đạt")),
        "none": escape(gettext("Chưa đánh giá")),
        "at_risk": escape(gettext("có nguy cơ rớt chuẩn")),
        "submitted": escape(gettext("Chờ thẩm định")),
        "returned": escape(gettext("Bị trả lại")),
        "compare": escape(gettext("so sánh")),
        "compare_title": escape(gettext("So sánh với lần duyệt trước")),
    }
    badge = {
        "met": f'<span class="badge text-bg-success">{text["met"]}</span>',
        "unmet": f'<span class="badge text-bg-danger">{text["unmet"]}</span>',
    }
    badge["met_held"] = f'<span class="badge text-bg-success">{text["met_held"]}</span>'
    notes: dict = {}  # one set per page: its note is escaped once
    recognised = gettext("Đã công nhận %(level)s · QĐ %(number)s")
    date_text = lru_cache(maxsize=None)(short_date)
    out = []
    for row in rows:
        s, commune = row.summary, row.commune
        cells = [
            f'<tr data-testid="commune-row" data-code="{escape(commune.code)}" data-status="{escape(row.status)}">',
            f'<th scope="row" class="fw-normal"><a href="{unit_href(commune)}">{escape(commune.name)}</a></th>',
        ]
        if shows_parent:
            cells.append(f'<td class="small">{escape(row.parent_name or "")}</td>')
        if s:
            note = ""
            if not s.get("set_complete", True):
                key = (s["indicators_total"], s.get("indicators_stated"))
                if key not in notes:
                    notes[key] = (
                        f' <small class="text-warning-emphasis d-block" data-testid="set-incomplete">'
                        f"{escape(row.set_note)}</small>"
                    )
                note = notes[key]
            color = "bg-success" if row.status == "met" else "bg-warning" if row.short_by <= 2 else "bg-danger"
            cells.append(
                f'<td class="crit-cell"><span class="crit-count">'
                f"{number(s['criteria_met'])}/{number(s['criteria_total'])}</span>"
                f'<span class="progress" role="progressbar" aria-label="{text["share"]}" aria-valuenow="{row.percent}" '
                f'aria-valuemin="0" aria-valuemax="100"><span class="progress-bar {color} {width_class(row.percent)}">'
                f"</span></span></td>"
                f'<td class="text-nowrap">{number(s["indicators_met"])}/{number(s["indicators_total"])}{note}</td>'
            )
        else:
            cells.append('<td class="crit-cell">—</td><td class="text-nowrap">—</td>')
        shown = "met_held" if row.status == "met" and s and not s.get("set_complete", True) else row.status
        status = badge.get(shown, f'<span class="badge text-bg-secondary">{text["none"]}</span>')
        if row.at_risk:
            status += f' <span class="badge text-bg-warning" data-testid="at-risk">{text["at_risk"]}</span>'
        cells.append(f"<td>{status}</td>")
        if s:
            cells.append(
                f'<td class="text-nowrap"><a href="{assessment_url.format(pk=s["id"])}">'
                f'{escape(date_text(s["as_of"]))}</a> <a href="{compare_url.format(pk=s["id"])}" '
                f'class="small d-print-none" title="{text["compare_title"]}" data-testid="compare-latest">'
                f"{text['compare']}</a></td>"
            )
        else:
            cells.append('<td class="text-nowrap">—</td>')
        pending = row.pending
        cells.append(
            "<td>"
            + (
                f'<span class="badge text-bg-info" data-testid="pending-submitted">{text["submitted"]}</span> '
                if pending and pending.submitted
                else ""
            )
            + (
                f'<span class="badge text-bg-warning" data-testid="pending-returned">{text["returned"]}</span>'
                if pending and pending.returned
                else ""
            )
            + "</td>"
        )
        if recognitions_installed:
            recognition = row.recognition
            label = (
                escape(recognised % {"level": recognition.get_level_display(), "number": recognition.decision_number})
                if recognition
                else ""
            )
            cells.append(f'<td class="small">{label}</td>')
        cells.append("</tr>")
        out.append("".join(cells))
    return mark_safe("\n".join(out))
