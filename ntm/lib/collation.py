"""Vietnamese alphabetical order, which neither SQLite nor PostgreSQL's usual collations give:
they put "Xã Đông Kinh" after "Xã Yên Hòa" and "Thượng" before "Thạch".

The alphabet is a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y. Names compare letter by
letter first, and by tone only where the letters are the same, in the dictionaries' order:
ngang, huyền, hỏi, ngã, sắc, nặng.
"""

import unicodedata
from functools import lru_cache

ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
# Marks that make another letter (ă, â, ê, ô, ơ, ư) rather than a tone.
LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}
LETTER_BASE = 0x10FF00
TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


@lru_cache(maxsize=65536)  # pure; a page sorting 10,000 communes asks for the same district names again and again
def vietnamese_key(text: str) -> tuple:
    """A sort key: sorted(units, key=lambda u: vietnamese_key(u.name))."""
    letters: list[str] = []
    tones: list[int] = []
    for char in unicodedata.normalize("NFD", text.lower()):
        if char in TONES and tones:
            tones[-1] = TONES[char]
        elif char in LETTER_MARKS and letters:
            letters[-1] = unicodedata.normalize("NFC", letters[-1] + char)
        else:
            letters.append(char)
            tones.append(0)
    # Spaces, digits and punctuation sort before letters, so "Xã An" comes before "Xã Anh". The key is
    # made of strings, which compare in C: sorting 10,000 communes by tuples of tuples took 0.15 s.
    # Letters become characters of the last private-use plane, above anything a name holds.
    ranks = "".join(chr(LETTER_BASE + ALPHABET.index(c)) if len(c) == 1 and c in ALPHABET else c for c in letters)
    return ranks, "".join(map(str, tones)), text
