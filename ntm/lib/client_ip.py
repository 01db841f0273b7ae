"""The client's address, for login throttling (django-axes) behind a reverse proxy.

Behind a proxy every request comes from the proxy's address (REMOTE_ADDR), so one guesser would lock a
whole office out, or everyone would share one counter. Each proxy appends the address it saw to a header
(X-Forwarded-For), and a client can put anything it likes in front of that, so only the entries the
trusted proxies wrote count: with NTM_PROXY_COUNT proxies, the client is the NTM_PROXY_COUNT-th entry
from the right. A request with fewer entries did not come through all the proxies: REMOTE_ADDR is kept.
"""

import ipaddress

from django.conf import settings


def meta_key(header: str) -> str:
    """The request.META key of an HTTP header name ("X-Forwarded-For" -> "HTTP_X_FORWARDED_FOR")."""
    return "HTTP_" + header.strip().upper().replace("-", "_")


def client_ip(request) -> str | None:
    remote = request.META.get("REMOTE_ADDR")
    count = settings.NTM_PROXY_COUNT
    if count <= 0:
        return remote
    entries = [part.strip() for part in request.META.get(meta_key(settings.NTM_CLIENT_IP_HEADER), "").split(",")]
    entries = [part for part in entries if part]
    if len(entries) < count:
        return remote
    candidate = entries[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
