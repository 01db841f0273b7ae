"""The job kinds the apps declare: a name, a label for the pages, and the function that does the work.

An app declares its kinds in its tasks.py; jobs itself knows none of them, so the dependency runs
from the domain apps to jobs, never back.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class JobKind:
    name: str
    label: str  # lazy, translated when shown
    handler: Callable  # handler(job) -> dict (the job's result); it may report progress and attach a file


_KINDS: dict[str, JobKind] = {}


def job_kind(name: str, *, label) -> Callable:
    """Declare the decorated function as the handler of jobs of kind `name`."""

    def register(handler: Callable) -> Callable:
        known = _KINDS.get(name)
        if known is not None and known.handler.__qualname__ != handler.__qualname__:
            raise ImproperlyConfigured(f"Job kind {name!r} is declared twice.")
        _KINDS[name] = JobKind(name=name, label=label, handler=handler)
        return handler

    return register


def get(name: str) -> JobKind:
    try:
        return _KINDS[name]
    except KeyError:
        raise ImproperlyConfigured(f"Unknown job kind {name!r}: declare it with jobs.registry.job_kind.") from None


def label_of(name: str):
    kind = _KINDS.get(name)
    return kind.label if kind else name
