"""Links to the comparison page (web.views_compare) from the commune page's timeline, computed from
the assessments the page already holds: no query."""

from assessments.models import Status


def attach_previous(timeline: list) -> None:
    """Give each assessment of `timeline` (newest first, every approved one of the commune included)
    `previous_approved`: the commune's latest approved assessment on the same set dated before it, or
    None (the one assessments.comparison.pair_for takes when asked for ?a= alone)."""
    for assessment in timeline:
        assessment.previous_approved = next(
            (
                other
                for other in timeline
                if other.status == Status.APPROVED
                and other.criteria_set_id == assessment.criteria_set_id
                and other.as_of < assessment.as_of
            ),
            None,
        )
