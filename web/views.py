from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from accounts.selectors import scope_key, unit_scope_q
from communes.selectors import unit_for
from ntm.lib import data_version
from web import compare_links, selectors, todo, unit_page, views_groups


def _missing_indicators(count: int, stated: int | None) -> bool:
    # A set with no indicator at all is incomplete even when the decision's total is unknown.
    return count == 0 or count < (stated or 0)


def _sets_with_gaps() -> list:
    criteria_sets = list(selectors.criteria_sets_for_home())
    for cs in criteria_sets:
        cs.missing_indicators = _missing_indicators(cs.indicator_count, cs.stated_indicator_count)
    return criteria_sets


@login_required
def home(request):
    """ "Việc cần làm": where every user lands after signing in, the work of each of their roles."""
    work = todo.todo_for(request.user)
    ctx = {"todo": work, "memberships": selectors.memberships_for(request.user)}
    if work.admin_units or work.national:
        ctx["sets_to_complete"] = [cs for cs in _sets_with_gaps() if cs.missing_indicators and not cs.is_synthetic]
    return render(request, "web/home.html", ctx)


@login_required
def criteria_sets(request):
    return render(request, "web/criteria_sets.html", {"criteria_sets": _sets_with_gaps()})


@login_required
def criteria_set_detail(request, code):
    criteria_set = selectors.criteria_set_for_page(code)
    criteria = list(criteria_set.criteria.all())
    selectors.attach_sources(criteria)
    indicator_count = sum(len(c.indicators.all()) for c in criteria)
    ctx = {
        "criteria_set": criteria_set,
        "groups": selectors.group_criteria(criteria),
        "criteria_count": len(criteria),
        "indicator_count": indicator_count,
        "missing_indicators": _missing_indicators(indicator_count, criteria_set.stated_indicator_count),
    }
    return render(request, "web/criteria_set_detail.html", ctx)


@login_required
def unit_detail(request, era, code):
    """A unit's page: its information, lineage and sub-units; a commune's results, history and roadmap.

    Everything below the site header is cached under the data version and the unit's own version
    (ntm.lib.data_version: every write that can change it bumps one of them), per language, unit, date,
    URL (the roadmap's links come back to it) and what the user's memberships let them see and do
    (accounts.selectors.scope_key): a hit costs the session, the user, their memberships and the unit.
    """
    unit = unit_for(era=era, code=code, scope=unit_scope_q(request.user))
    today = timezone.localdate()
    parts = (translation.get_language(), unit.pk, today, request.get_full_path(), scope_key(request.user))
    page = data_version.cached("unit-page", parts, lambda: _unit_body(request, unit), unit=unit.pk)
    return render(request, "web/unit_detail.html", {"unit": unit, "body": mark_safe(page["body"]), **page["flags"]})


def _unit_body(request, unit) -> dict:
    relations = unit_page.unit_relations(unit, request.user)
    ctx = {"unit": unit, **relations, "can_set_groups": views_groups.can_set_groups(request.user, unit)}
    if unit.is_commune:
        ctx["commune"] = unit_page.commune_page(unit, request.user, relations["predecessors"] + relations["successors"])
        compare_links.attach_previous(ctx["commune"].timeline)
    has_chart = bool(unit.is_commune and ctx["commune"].chart["datasets"])
    return {"body": render_to_string("web/_unit_body.html", ctx, request), "flags": {"has_chart": has_chart}}


def favicon(request):
    # Browsers ask for /favicon.ico on every site, the admin's pages included, whatever a page links.
    return redirect(static("web/favicon.svg"), permanent=True)
