"""Source keys (S1, Q4, S29a …): how the `sources` text of a criterion or indicator cites the documents
of sources.yaml (criteria.models.SourceDocument). The one parser of that text, for every page."""

import re

# A key as sources.yaml declares it.
KEY = re.compile(r"^[A-Z]{1,4}\d+[a-z]?$")
# A key inside a free text: "S29, S30", "S29; Q4", "xem S29". The loader only writes lists of keys
# (criteria/data/FORMAT.md); the admin and workbooks may hold anything, so keys are found, not split.
KEY_IN_TEXT = re.compile(r"([A-Za-z]{1,4}\d+[a-z]?)")


def source_keys(*texts: str) -> list[str]:
    """The keys the texts cite, in order, each once: ("S29, S30", "S30; Q4") -> ["S29", "S30", "Q4"]."""
    return list(dict.fromkeys(key for text in texts for key in KEY_IN_TEXT.findall(text or "")))


def split_on_keys(text: str) -> list[tuple[str, bool]]:
    """The text in pieces, each marked as a key or not:
    "S29 và S30" -> [("S29", True), (" và ", False), ("S30", True)]."""
    return [(part, i % 2 == 1) for i, part in enumerate(KEY_IN_TEXT.split(text or "")) if part]
