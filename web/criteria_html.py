"""The commune page's criteria table body, written in Python rather than in a template loop.

A commune page shows every indicator of each set it was assessed under (57 + 75 rows for a pre-2025
commune): the template engine's ~25 nodes per indicator row were half of the page's time. Labels,
URL shapes and number formats are looked up once per table; each row is one string with its values
escaped. templates/web/commune/_criteria_table.html holds the table around it; the tests read the
markup back (data-testid, data-code, the collapse ids).
"""

from urllib.parse import quote

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from ntm.lib.html import escape as _e
from ntm.lib.numbers import plain_number
from web.why_links import modal_attrs


def criteria_bodies_html(summary) -> SafeString:
    """One <tbody> per criterion of `summary` (web.unit_page.SetSummary): its row, then its indicators."""
    approved_pk = summary.approved.pk
    code = _e(summary.criteria_set.code)
    evidence_url = reverse("api:evidence", kwargs={"pk": approved_pk, "evidence_pk": 999999999}).replace(
        "999999999", "{pk}"
    )
    # Each badge opens its explanation (web.views_why): the criterion's carries data-why-criterion, which
    # static/web/why.js clicks when the page is opened at the criterion's anchor (from the heatmap).
    why_criterion = reverse("web:why_criterion", kwargs={"pk": approved_pk, "number": 999999999}).replace(
        "999999999", "{number}"
    )
    why_indicator = reverse("web:why_indicator", kwargs={"pk": approved_pk, "code": "CODE"}).replace("CODE", "{code}")
    why_criterion, why_indicator = modal_attrs(why_criterion), modal_attrs(why_indicator)  # "{…}" survive escaping
    met, unmet, unknown = (_e(gettext("Đạt")), _e(gettext("Chưa đạt")), _e(gettext("Chưa xác định")))
    badge = {
        True: f'<span class="badge text-bg-success">{met}</span>',
        False: f'<span class="badge text-bg-danger">{unmet}</span>',
        None: f'<span class="badge text-bg-secondary">{unknown}</span>',
    }
    head = (
        '<thead><tr class="small text-body-secondary">'
        f'<th scope="col" class="indicator-code">{_e(gettext("Mã"))}</th>'
        f'<th scope="col">{_e(gettext("Nội dung chỉ tiêu"))}</th>'
        f'<th scope="col" class="d-none d-md-table-cell">{_e(gettext("Mức cần đạt"))}</th>'
        f'<th scope="col">{_e(gettext("Kết quả"))}</th></tr></thead>'
    )
    target_label, evidence_label = _e(gettext("Mức cần đạt")), _e(gettext("Minh chứng"))
    no_indicators = _e(gettext("Tiêu chí này chưa có chỉ tiêu nào trong bộ tiêu chí."))
    out = []
    for row in summary.criteria:
        number = _e(row.criterion.number)
        collapse_id = f"tc-{approved_pk}-{number}"
        out.append(
            f'<tbody id="crit-{code}-{number}" data-testid="criterion" data-number="{number}"><tr>'
            f'<td class="criterion-number fw-semibold">{number}</td>'
            '<td><button type="button" class="btn btn-link p-0 text-start criterion-toggle collapsed" '
            f'data-bs-toggle="collapse" data-bs-target="#{collapse_id}" aria-expanded="false" '
            f'aria-controls="{collapse_id}">{_e(row.criterion.name)}</button></td>'
            f'<td><a {why_criterion.format(number=row.criterion.number)} class="why-link" '
            f"data-why-criterion>{badge[True] if row.met else badge[False]}</a></td>"
            f'<td class="text-end text-nowrap" data-testid="criterion-count">{row.met_count}/{len(row.results)}</td>'
            f'</tr><tr class="collapse indicator-details" id="{collapse_id}"><td colspan="4" class="pt-0 ps-md-5">'
        )
        if not row.results:
            out.append(f'<p class="small text-body-secondary mb-2">{no_indicators}</p></td></tr></tbody>')
            continue
        out.append(f'<table class="table table-sm table-borderless mb-2 indicator-table">{head}<tbody>')
        for r in row.results:
            indicator = r.indicator
            target = _e(r.target_applied or "—")
            cells = [
                f'<tr data-testid="indicator" data-code="{_e(indicator.code)}">'
                f'<th scope="row" class="indicator-code">{_e(indicator.code)}</th>'
                f"<td>{_e(indicator.name)}"
                f'<div class="d-md-none small text-body-secondary">{target_label}: {target}</div>'
            ]
            if r.note:
                cells.append(
                    f'<div class="small text-body-secondary" data-testid="evidence-note">'
                    f"{evidence_label}: {_e(r.note)}</div>"
                )
            files = r.evidence_list  # web.unit_page reads them as a list
            if files:
                links = "".join(
                    f'<li class="list-inline-item"><a href="{evidence_url.format(pk=f.pk)}">'
                    f"{_e(f.original_name)}</a></li>"
                    for f in files
                )
                cells.append(f'<ul class="list-inline small mb-0" data-testid="evidence-files">{links}</ul>')
            cells.append(
                f'</td><td class="d-none d-md-table-cell target-cell">{target}</td>'
                '<td class="text-nowrap" data-testid="indicator-result">'
                f'<a {why_indicator.format(code=quote(indicator.code, safe=""))} class="why-link">'
            )
            if indicator.kind == "numeric" and r.value is not None:
                unit = indicator.unit
                suffix = "%" if unit == "%" else f" {_e(unit)}" if unit else ""
                cells.append(
                    f'<span class="me-1">{_e(plain_number(r.value))}{suffix}</span> '
                )  # a space, as inline text
            cells.append(f"{badge.get(r.met, badge[None])}</a></td></tr>")
            out.append("".join(cells))
        out.append("</tbody>\n</table></td></tr></tbody>\n")
    return mark_safe("".join(out))
