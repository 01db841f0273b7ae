"""Uploaded files are private: no URL serves MEDIA_ROOT directly, whatever DEBUG says."""

import importlib

from django.conf import settings
from django.test import override_settings
from django.urls import Resolver404, get_resolver

import ntm.urls


def test_media_files_are_not_served_as_plain_files_even_in_debug():
    with override_settings(DEBUG=True):
        module = importlib.reload(ntm.urls)
        try:
            resolver = get_resolver(module)
            try:
                match = resolver.resolve(f"{settings.MEDIA_URL}evidence/2025/secret.pdf")
            except Resolver404:
                match = None
            assert match is None or "serve" not in match.func.__name__
        finally:
            importlib.reload(ntm.urls)
