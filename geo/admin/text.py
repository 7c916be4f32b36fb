"""Vietnamese name normalisation: Unicode form, diacritics, administrative prefixes, match keys.

Pure functions, no data files. The registry (``geo.admin.registry``) builds its look-up keys with them:

- :func:`nfc` puts text in Unicode NFC (the form used in every data file of the project).
- :func:`strip_diacritics` removes all marks and maps Đ/đ to D/d ("Đô Lương" -> "Do Luong").
- :func:`split_prefix` separates an administrative prefix ("Huyện", "TP.", "TX", "Q.", ...) and returns
  its canonical spelling ("Thành phố", "Thị xã", "Quận", ...).
- :func:`name_key` is the loose key: prefix removed, lower case, no diacritics, punctuation folded.
- :func:`accent_key` keeps the diacritics but is insensitive to tone-mark placement ("Hoà"/"Hòa",
  "Thuỷ"/"Thủy"), so that an exact match *with* diacritics can be preferred over a loose one.
- :func:`compact_key` is :func:`name_key` without spaces ("Ia H'Drai", "Ia H Drai", "IaHDrai" agree).

A prefix word written *with* diacritics is only recognised when its diacritics are right, so "Tĩnh Gia"
keeps its first word (it is not "Tỉnh Gia") and "Phương Sơn" is not "Phường Sơn". A prefix word written
*without* diacritics ("huyen ky son", "xa phin") is recognised, which can be wrong for names that really
begin with such a word ("Xà Phìn", "Quan Hóa"); :func:`split_prefix` reports this through
:func:`prefix_is_certain` so callers (the registry) can also try the unsplit form.
"""
from __future__ import annotations

import functools
import re
import unicodedata

__all__ = [
    "nfc",
    "strip_diacritics",
    "split_prefix",
    "parse_prefix",
    "name_key",
    "accent_key",
    "plain_key",
    "compact_key",
    "prefix_is_certain",
    "clean_spaces",
    "PREFIX_LEVELS",
    "english_province",
]

# Canonical prefix -> administrative levels where it is a unit type.
PREFIX_LEVELS: dict[str, tuple[str, ...]] = {
    "Tỉnh": ("province",),
    "Thành phố": ("province", "district"),
    "Huyện": ("district",),
    "Quận": ("district",),
    "Thị xã": ("district",),
    "Thị trấn": ("commune",),
    "Xã": ("commune",),
    "Phường": ("commune",),
    "Đặc khu": ("commune",),
}

# Written forms of each prefix, lower case NFC. ``word`` forms need a separator (space, dot, digit for
# Quận/Phường) after them; ``abbr`` forms ending in a dot may be glued to the name ("TP.HCM", "Q.1").
# Forms without diacritics are "uncertain" (see module docstring).
_WORD_FORMS: dict[str, list[str]] = {
    "Thành phố": ["thành phố", "thanh pho"],
    "Thị xã": ["thị xã", "thi xa"],
    "Thị trấn": ["thị trấn", "thi tran"],
    "Đặc khu": ["đặc khu", "dac khu"],
    "Tỉnh": ["tỉnh", "tinh"],
    "Huyện": ["huyện", "huyen"],
    "Quận": ["quận", "quan"],
    "Phường": ["phường", "phuong"],
    "Xã": ["xã", "xa"],
}
_ABBR_FORMS: dict[str, list[str]] = {
    "Thành phố": ["t.p.", "t.p", "tp.", "tp"],
    "Thị xã": ["t.x.", "tx.", "tx"],
    "Thị trấn": ["t.t.", "tt.", "tt"],
    "Huyện": ["h."],
    "Quận": ["q."],
    "Phường": ["p."],
}
# Single letters that count as a prefix only when a number follows directly: "Q1", "P10", "Q 1".
_DIGIT_ONLY_FORMS: dict[str, list[str]] = {"Quận": ["q"], "Phường": ["p"]}
_DIGIT_AFTER_WORD = {"Quận", "Phường"}

_TONE_LETTERS = {
    "\u0300": "f",  # huyền (grave)
    "\u0301": "s",  # sắc (acute)
    "\u0309": "r",  # hỏi (hook above)
    "\u0303": "x",  # ngã (tilde)
    "\u0323": "j",  # nặng (dot below)
}
_APOSTROPHES = "'’‘`´ʼʻ"
_SPACE_RE = re.compile(r"\s+")
_NON_WORD_RE = re.compile(r"[\W_]+", re.UNICODE)


def nfc(s: str) -> str:
    """Return ``s`` in Unicode NFC form (``None`` becomes ``""``)."""
    if s is None:
        return ""
    return unicodedata.normalize("NFC", str(s))


def clean_spaces(s: str) -> str:
    """NFKC (so full-width letters and odd spaces fold), trimmed, white space runs collapsed to one space.

    NFKC leaves Vietnamese letters unchanged (its output is composed, like NFC).
    """
    if s is None:
        return ""
    return _SPACE_RE.sub(" ", unicodedata.normalize("NFKC", str(s))).strip()


def _build_tables() -> tuple[dict[int, str], dict[int, str], dict[int, str]]:
    """Translation tables for precomposed Latin letters (fast paths of the key functions).

    Returns (strip: char -> base letter, untone: char -> char without tone mark, tone: char -> Telex letter).
    """
    strip: dict[int, str] = {}
    untone: dict[int, str] = {}
    tone: dict[int, str] = {}
    for cp in list(range(0x00C0, 0x0250)) + list(range(0x1E00, 0x1F00)):
        ch = chr(cp)
        decomposed = unicodedata.normalize("NFD", ch)
        if len(decomposed) == 1:
            continue
        strip[cp] = "".join(c for c in decomposed if not unicodedata.combining(c))
        marks = [c for c in decomposed if c in _TONE_LETTERS]
        if marks:
            untone[cp] = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONE_LETTERS))
            tone[cp] = _TONE_LETTERS[marks[0]]
    for src, dst in (("Đ", "D"), ("đ", "d"), ("Ð", "D"), ("ð", "d")):
        strip[ord(src)] = dst
    return strip, untone, tone


class _OnlyMapped(dict):
    """str.translate table that deletes every character it does not map."""

    def __missing__(self, key: int) -> None:
        return None


_STRIP_TABLE, _UNTONE_TABLE, _TONE_TABLE_RAW = _build_tables()
_TONE_TABLE = _OnlyMapped(_TONE_TABLE_RAW)


def strip_diacritics(s: str) -> str:
    """Remove every diacritic; Đ/đ (and the look-alike Ð/ð) become D/d. "Kỳ Sơn" -> "Ky Son"."""
    out = nfc(s).translate(_STRIP_TABLE)
    if out.isascii():
        return out
    decomposed = unicodedata.normalize("NFD", out)
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))


def _is_plain(segment: str) -> bool:
    """True when ``segment`` carries no diacritic at all (so it may be a prefix typed without accents)."""
    return strip_diacritics(segment) == segment


def _build_forms() -> list[tuple[str, str, str, bool]]:
    """All leading forms as (form, canonical, kind, plain), longest first. kind: word | abbr | digit."""
    forms = [(f, c, "word", _is_plain(f)) for c, fs in _WORD_FORMS.items() for f in fs]
    forms += [(f, c, "abbr", True) for c, fs in _ABBR_FORMS.items() for f in fs]
    forms += [(f, c, "digit", True) for c, fs in _DIGIT_ONLY_FORMS.items() for f in fs]
    return sorted(forms, key=lambda t: -len(t[0]))


_FORMS = _build_forms()
_FIRST_CHARS = {form[0] for form, *_ in _FORMS}


def _match_prefix(text: str) -> tuple[str, str, bool] | None:
    """Find a prefix in ``text`` (already cleaned). Returns (canonical, remainder, certain) or None.

    The longest matching leading form wins; the trailing gazetteer form "Name (Huyện)" is checked first.
    """
    if text.endswith(")"):
        trailing = _match_trailing_prefix(text)
        if trailing is not None:
            return trailing
    low = text.lower()
    if not low or low[0] not in _FIRST_CHARS:
        return None
    for form, canonical, kind, plain in _FORMS:
        if not low.startswith(form):
            continue
        n = len(form)
        nxt = low[n: n + 1]
        if kind == "word":
            if not (nxt in (" ", ".") or (nxt.isdigit() and canonical in _DIGIT_AFTER_WORD)):
                continue
            # Plain form: the user's text must be plain too (so "Tĩnh" is not "tinh").
            if plain and not _is_plain(text[:n]):
                continue
            certain = not plain
        elif kind == "abbr":
            if form.endswith("."):
                if nxt in ("", "."):
                    continue
            elif nxt not in (" ", "."):
                continue
            certain = True
        else:  # single letter + number: "Q1", "P 10"
            if not low[n:].strip().isdigit():
                continue
            certain = True
        remainder = text[n:].lstrip(" .").strip()
        if remainder:
            return canonical, remainder, certain
    return None


_TRAILING_RE = re.compile(r"^(?P<name>.*\S)\s*\((?P<kind>[^()]+)\)$")


def _match_trailing_prefix(text: str) -> tuple[str, str, bool] | None:
    """The gazetteer's disambiguation form "Kỳ Anh (Huyện)" / "Yên Viên (Thị trấn)"."""
    m = _TRAILING_RE.match(text)
    if not m:
        return None
    kind = m.group("kind").strip().lower()
    for canonical, forms in list(_WORD_FORMS.items()) + list(_ABBR_FORMS.items()):
        for form in forms:
            if kind == form or kind == form.rstrip("."):
                return canonical, m.group("name").strip(), not _is_plain(form) or form in ("tp", "tx", "tt", "tp.", "tx.", "tt.")
    return None


@functools.lru_cache(maxsize=65536)
def parse_prefix(s: str) -> tuple[str, str, bool]:
    """``(canonical_prefix, remainder, certain)``; ``("", cleaned_text, False)`` when there is no prefix.

    ``certain`` is False when the prefix was written without diacritics ("huyen", "xa", "tinh"), i.e.
    when it might be the first word of a name such as "Xà Phìn" typed without accents.
    """
    text = clean_spaces(s)
    found = _match_prefix(text)
    if found is None:
        return "", text, False
    return found


def split_prefix(s: str) -> tuple[str, str]:
    """Split an administrative prefix from a name.

    Returns ``(canonical_prefix, remainder)``; ``("", cleaned_text)`` when there is no prefix or nothing
    would remain. Examples: "Huyện Kỳ Sơn" -> ("Huyện", "Kỳ Sơn"); "TP. Lào Cai" -> ("Thành phố", "Lào Cai");
    "Quận 1" -> ("Quận", "1"); "TX.Cửa Lò" -> ("Thị xã", "Cửa Lò"); "huyen ky son" -> ("Huyện", "ky son").
    The gazetteer's trailing form is understood too: "Kỳ Anh (Thị xã)" -> ("Thị xã", "Kỳ Anh").
    """
    prefix, rest, _ = parse_prefix(s)
    return prefix, rest


def prefix_is_certain(s: str) -> bool:
    """False when the prefix found in ``s`` was written without diacritics (it may be part of the name)."""
    return parse_prefix(s)[2]


def _fold_punctuation(s: str) -> str:
    """Delete apostrophes, turn every other non-word character into a space, collapse spaces."""
    for ch in _APOSTROPHES:
        s = s.replace(ch, "")
    s = _NON_WORD_RE.sub(" ", s)
    return _SPACE_RE.sub(" ", s).strip()


def _normalise_numbers(s: str) -> str:
    """Drop leading zeros of purely numeric words ("Quận 01" -> "quan 1")."""
    return " ".join(str(int(w)) if w.isdigit() else w for w in s.split(" ")) if s else s


@functools.lru_cache(maxsize=65536)
def plain_key(name: str) -> str:
    """Loose key *without* prefix removal: lower case, no diacritics, punctuation folded.

    Use it for names known to carry no prefix (e.g. the short official names in the data files), where
    :func:`name_key` could wrongly cut a leading word such as "Quan" in "Quan Hóa".
    """
    return _normalise_numbers(_fold_punctuation(strip_diacritics(clean_spaces(name)).lower()))


def name_key(s: str) -> str:
    """Loose match key: prefix removed, lower case, no diacritics, single spaces, punctuation folded.

    "TX. Cửa Lò" -> "cua lo"; "Huyện Kỳ Sơn" -> "ky son"; "Ia H'Drai" -> "ia hdrai"; "Quận 01" -> "1".
    """
    return plain_key(split_prefix(s)[1])


@functools.lru_cache(maxsize=65536)
def accent_key(s: str) -> str:
    """Diacritic-preserving key that ignores tone-mark placement and case (no prefix removal).

    Each word's tone mark is removed and appended as a Telex letter, so "Hoà" and "Hòa" both give
    "hoaf" while "Hóa" gives "hoas". Vowel marks (â, ă, ê, ô, ơ, ư) and đ are kept.
    """
    s = _fold_punctuation(clean_spaces(s).lower())
    words = []
    for word in s.split(" "):
        if any(c in _TONE_LETTERS for c in word):  # stray combining tone mark (no precomposed form)
            decomposed = unicodedata.normalize("NFD", word)
            tones = [c for c in decomposed if c in _TONE_LETTERS]
            bare = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONE_LETTERS))
            words.append(bare + _TONE_LETTERS[tones[0]])
        else:
            words.append(word.translate(_UNTONE_TABLE) + word.translate(_TONE_TABLE)[:1])
    return _normalise_numbers(" ".join(words))


def compact_key(s: str) -> str:
    """:func:`name_key` without spaces ("Đắk Lắk" / "Daklak" -> "daklak")."""
    return name_key(s).replace(" ", "")


def english_province(name: str) -> str:
    """A province's Vietnamese full name as an English text writes it, diacritics kept:
    "Tỉnh Lào Cai" -> "Lào Cai province", "Thành phố Hải Phòng" -> "Hải Phòng city"."""
    if name.startswith("Tỉnh "):
        return name[len("Tỉnh "):] + " province"
    if name.startswith("Thành phố "):
        return name[len("Thành phố "):] + " city"
    return name
