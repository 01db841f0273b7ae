"""What a dashboard covers: the communes under one unit, or every commune of an era (national view).

There is no country unit in the tree (provinces are the top level), so the national view is an
"area" without a unit; everything else reads the area, never the unit, and works for both.
"""

from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlencode

from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect
from django.urls import get_script_prefix, reverse
from django.utils.translation import gettext

from accounts.selectors import sees_everything, unit_scope_q
from communes.models import AdministrativeUnit, Era, Level
from communes.selectors import unit_for


@dataclass
class Area:
    era: str
    unit: AdministrativeUnit | None = None  # None: the whole country

    @property
    def name(self) -> str:
        return self.unit.name if self.unit else gettext("Cả nước")

    @property
    def era_label(self) -> str:
        return Era(self.era).label

    def communes_q(self, prefix: str = "") -> Q:
        """The communes of the area (prefix "commune__" to filter assessments)."""
        q = Q(**{f"{prefix}era": self.era, f"{prefix}level": Level.COMMUNE})
        if self.unit:
            q &= Q(**{f"{prefix}path__startswith": self.unit.path})
        return q

    @property
    def shows_parent(self) -> bool:
        # A district's communes all have the district as parent: the column would repeat its name.
        return self.unit is None or self.unit.level < Level.COMMUNE - 1

    @property
    def summarises(self) -> bool:
        """Above a district: the country, or a province of the pre-2025 tree (whose children are districts).

        Its dashboard shows one row per child unit; a 2025 province's children are communes, so its
        dashboard is a (paginated) commune list, as a district's is.
        """
        return self.unit is None or (self.unit.level == Level.PROVINCE and self.era == Era.PRE_2025)

    def url(self, page: str, query: dict | None = None) -> str:
        """The URL of dashboard `page` (unit, heatmap, holdbacks, trend, xlsx, print) for this area."""
        if self.unit:
            path = dashboard_path(f"dashboards:{page}", self.era, self.unit.code, get_script_prefix())
        else:
            name = "national" if page == "unit" else f"national_{page}"
            path = dashboard_path(f"dashboards:{name}", self.era, None, get_script_prefix())
        query = {k: v for k, v in (query or {}).items() if v not in (None, "")}
        return f"{path}?{urlencode(query)}" if query else path


@lru_cache(maxsize=4096)
def dashboard_path(name: str, era: str, code: str | None, script_prefix: str) -> str:
    """reverse() of a dashboard page, once per process: a page links to its own area a dozen times (tabs,
    sort links, pages, exports), and the URLconf does not change while the process lives. The script
    prefix is part of the key because reverse() writes it in."""
    kwargs = {"era": era} if code is None else {"era": era, "code": code}
    return reverse(name, kwargs=kwargs)


def area_for(user, *, era: str, code: str | None = None) -> Area:
    """The unit's area if the user may see the unit, the national one for users who see everything; else 404."""
    if era not in Era.values:
        raise Http404
    if code is None:
        if not sees_everything(user):
            raise Http404
        return Area(era)
    unit = unit_for(era=era, code=code, scope=unit_scope_q(user))
    return Area(era, unit)


def commune_redirect(area: Area):
    """A commune's own page already shows its results (there is nothing to roll up): the redirect to
    it when the area is a commune, else None."""
    return redirect(area.unit) if area.unit and area.unit.is_commune else None
