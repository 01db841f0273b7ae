"""Sending a stored file (evidence, a job's result) to a user whose scope the view has already checked.

The file is streamed through Django from whichever storage holds it (local disk or a bucket). With
NTM_STORAGE_REDIRECT on and a bucket as storage, the response is instead a redirect to a signed URL that
is valid NTM_STORAGE_URL_EXPIRY seconds (the bucket then sends the bytes, with the same file name and
type): the link in the page is still the checked view, so a URL copied from it expires within a minute.
"""

from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponseRedirect


def can_redirect(storage) -> bool:
    """True when downloads from `storage` go by signed URL (a bucket, and NTM_STORAGE_REDIRECT on)."""
    return bool(settings.NTM_STORAGE_REDIRECT) and hasattr(storage, "bucket_name") and hasattr(storage, "url")


def _disposition(filename: str) -> str:
    ascii_name = filename.encode("ascii", "ignore").decode().replace('"', "") or "download"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def stored_file_response(field_file, *, filename: str, content_type: str | None = None, missing: str = ""):
    """The response that sends `field_file` (a FieldFile) as an attachment named `filename`.

    A file that the storage no longer has is a 404 with `missing` as its message.
    """
    storage, name = field_file.storage, field_file.name
    if can_redirect(storage):
        parameters = {"ResponseContentDisposition": _disposition(filename), "ResponseCacheControl": "private, no-store"}
        if content_type:
            parameters["ResponseContentType"] = content_type
        response = HttpResponseRedirect(
            storage.url(name, parameters=parameters, expire=settings.NTM_STORAGE_URL_EXPIRY)
        )
        response["Cache-Control"] = "private, no-store"  # the signed URL is for this user, now
        return response
    try:
        stored = storage.open(name, "rb")
    except FileNotFoundError:
        raise Http404(missing) from None
    kwargs = {"content_type": content_type} if content_type else {}
    return FileResponse(stored, as_attachment=True, filename=filename, **kwargs)
