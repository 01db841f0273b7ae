"""The version of the data the dashboards show, and a cache keyed by it, so that it is never stale.

Every write that can change what a dashboard, the commune page or the summary API shows calls `bump()`
(an edit of a draft's values, which only the commune's own page shows, calls `bump_unit()` instead):
the model signals wired in dashboards.apps (assessments, units, criteria sets, their criteria,
indicators and targets, roadmap records) and, since bulk writes send no signals, the bulk writers
themselves (the latest-approved refresh, assessments_bulk_create, the unit loader, the criteria-set
copy, the synthetic data). An entry is stored under the version read *before* its data was read, so
data read just before a write lands under the old version and is never served after it.

`bump()` changes the version at once and again when the transaction commits: a reader between the two
may store the not-yet-committed state under the first new version, which the second makes unreachable.

The version and the entries live in Django's default cache: Redis when CACHE_URL is set (shared by
every web process, as a deployment with more than one process needs), local memory otherwise (one
process: `make run`). NTM_DATA_CACHE_SECONDS (default 300; 0 turns the cache off) bounds an entry's life.
"""

import hashlib
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

VERSION_KEY = "ntm:data-version"


def current() -> str:
    """The version now (created on first use; a lost cache entry only starts a new version)."""
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(VERSION_KEY) or uuid.uuid4().hex
    return version


def _new_version() -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def bump() -> None:
    """The data changed (or is about to, in the current transaction): cached entries are unreachable."""
    _new_version()
    transaction.on_commit(_new_version, robust=True)


def unit_key(pk: int) -> str:
    return f"{VERSION_KEY}:unit:{pk}"


def unit_current(pk: int) -> str:
    """The version of what only one commune's own page shows (its drafts' figures), beside current()."""
    version = cache.get(unit_key(pk))
    if version is None:
        cache.add(unit_key(pk), uuid.uuid4().hex, None)
        version = cache.get(unit_key(pk)) or uuid.uuid4().hex
    return version


def bump_unit(pk: int) -> None:
    """A change only the commune's own page shows (an edit of a draft's values): its entries only."""
    cache.set(unit_key(pk), uuid.uuid4().hex, None)
    transaction.on_commit(lambda: cache.set(unit_key(pk), uuid.uuid4().hex, None), robust=True)


def seconds() -> int:
    return int(getattr(settings, "NTM_DATA_CACHE_SECONDS", 300))


def cached(name: str, parts: tuple, compute, *, unit: int | None = None):
    """compute(), or what it returned for the same name and parts under the current version (and, with
    `unit`, that commune's own version too)."""
    if seconds() <= 0:
        return compute()
    digest = hashlib.sha1(repr(parts).encode()).hexdigest()
    version = current() if unit is None else f"{current()}.{unit_current(unit)}"
    key = f"ntm:data:{version}:{name}:{digest}"
    found = cache.get(key)
    if found is not None:
        return found
    value = compute()
    cache.set(key, value, seconds())
    return value
