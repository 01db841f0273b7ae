from django import template
from django.utils import timezone

from roadmap import pages

register = template.Library()


@register.inclusion_tag("roadmap/_commune_section.html", takes_context=True)
def roadmap_commune_section(context, commune):
    """The roadmap section of a commune page in two queries: plan history and recognitions (the latest
    approved assessments come from the page's own `commune` summaries)."""
    request = context["request"]
    section = pages.commune_section(commune, request.user, timezone.localdate(), context.get("commune"))
    return {"section": section, "request": request}
