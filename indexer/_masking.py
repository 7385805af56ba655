"""Replace contact mentions inside a text and keep every other span pointing at the same words.

Pure string work for ``indexer.privacy``: which stretches of a text are a contact (the NLP
spans, when ``text[start:end] == raw``, plus every other occurrence of the contact as written,
as normalised, or as the same phone digits with any separators), and the text with those
stretches replaced. Everything outside the replaced stretches is kept exactly; offsets of the
other mentions are moved by the difference in length so they still name their words.

A safety net for what the NLP missed (``CONTACT_SHAPES``): anything shaped like a contact —
an ``@handle``, an email, a ``t.me/`` handle, a run of 8 to 15 digits written like a phone
(dates excluded) — is masked too, unless it overlaps another mention (a price, a place, an
alias), which the NLP has already said is something else.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from indexer.normalise import contact_key

MIN_NEEDLE_CHARS = 3
"""Shorter strings are not searched for elsewhere in the text (only their own span is masked)."""
MIN_PHONE_DIGITS = 7
NATIONAL_DIGITS = 10
_SEP = r"[\s.\-()/]*"
CONTACT_SHAPES = (
    re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),  # email
    re.compile(r"(?<![\w@.])@[A-Za-z0-9_.]{3,}[A-Za-z0-9_]"),  # @handle
    re.compile(r"(?<=t\.me/)[A-Za-z0-9_]{3,}", re.IGNORECASE),  # t.me/handle
    re.compile(r"(?<![\w+])\+?\d(?:[\s.\-()]{0,2}\d){7,14}(?!\w)"),  # phone-like digits
)
_DATE = re.compile(r"^\d{1,4}([.\-])\d{1,2}\1\d{1,4}$")


@dataclass(frozen=True)
class Edit:
    """Replace ``text[start:end]`` with ``replacement``."""

    start: int
    end: int
    replacement: str


@dataclass(frozen=True)
class Target:
    """One contact to mask: its span in the text, how it is written and normalised."""

    start: int
    end: int
    raw: str
    value: str
    replacement: str


def _phone_pattern(digits: str) -> str:
    """Return a regex for ``digits`` written with any separators, country code optional."""
    national, country = digits[-NATIONAL_DIGITS:], digits[:-NATIONAL_DIGITS]
    body = _SEP.join(national)
    if country:
        body = rf"(?:\+?{_SEP.join(country)}{_SEP})?{body}"
    return rf"(?<![\w+]){body}(?!\d)"


def patterns(target: Target) -> list[re.Pattern[str]]:
    """Return the regexes finding ``target`` elsewhere in a text (whole words, any case)."""
    found: list[re.Pattern[str]] = []
    for needle in dict.fromkeys((target.raw.strip(), target.value.strip())):
        if len(needle) >= MIN_NEEDLE_CHARS:
            found.append(re.compile(rf"(?<!\w){re.escape(needle)}(?!\w)", re.IGNORECASE))
    key = contact_key(target.value)
    if key.isdigit() and len(key) >= MIN_PHONE_DIGITS:
        found.append(re.compile(_phone_pattern(key)))
    return found


def shaped_like_contacts(
    text: str, replace: Callable[[str], str], keep: Sequence[tuple[int, int]] = ()
) -> list[Edit]:
    """Return edits for what looks like a contact (``CONTACT_SHAPES``) outside ``keep`` spans."""
    found = []
    for shape in CONTACT_SHAPES:
        for match in shape.finditer(text):
            start, end, written = match.start(), match.end(), match.group()
            if _DATE.match(written) or any(s < end and start < e for s, e in keep):
                continue
            found.append(Edit(start, end, replace(written)))
    return found


def find_edits(
    text: str,
    targets: Sequence[Target],
    *,
    spans: bool = True,
    guess: Callable[[str], str] | None = None,
    keep: Sequence[tuple[int, int]] = (),
) -> list[Edit]:
    """Return the non-overlapping stretches of ``text`` to replace, in order.

    A target's own span counts only when it holds exactly its ``raw`` (a stale or made-up
    span is ignored, never trusted to mask the wrong words). With ``guess``, whatever is
    shaped like a contact outside the ``keep`` spans is replaced by ``guess(written)``.
    Overlapping stretches merge and take the replacement of the one that starts first.
    """
    found: list[Edit] = shaped_like_contacts(text, guess, keep) if guess else []
    for target in targets:
        start, end = target.start, target.end
        if spans and 0 <= start < end <= len(text) and text[start:end] == target.raw:
            found.append(Edit(start, end, target.replacement))
        for pattern in patterns(target):
            found += [Edit(m.start(), m.end(), target.replacement)
                      for m in pattern.finditer(text) if m.end() > m.start()]
    found.sort(key=lambda edit: (edit.start, -edit.end))
    merged: list[Edit] = []
    for edit in found:
        if merged and edit.start < merged[-1].end:
            last = merged[-1]
            merged[-1] = Edit(last.start, max(last.end, edit.end), last.replacement)
        else:
            merged.append(edit)
    return merged


class Remap:
    """The text after the edits, and where each old offset went."""

    def __init__(self, text: str, edits: Sequence[Edit]) -> None:
        """Apply ``edits`` (sorted, non-overlapping) to ``text``."""
        self.edits = list(edits)
        self._starts = [edit.start for edit in self.edits]
        self._new: list[tuple[int, int]] = []
        parts: list[str] = []
        cursor = shift = 0
        for edit in self.edits:
            parts += [text[cursor:edit.start], edit.replacement]
            new_start = edit.start + shift
            self._new.append((new_start, new_start + len(edit.replacement)))
            shift += len(edit.replacement) - (edit.end - edit.start)
            cursor = edit.end
        parts.append(text[cursor:])
        self.text = "".join(parts)

    def position(self, offset: int, *, end: bool) -> int:
        """Return where ``offset`` is in the new text; inside an edit, that edit's new bounds."""
        index = bisect_right(self._starts, offset) - 1
        if index < 0:
            return offset
        edit, (new_start, new_end) = self.edits[index], self._new[index]
        if offset >= edit.end:
            return new_end + (offset - edit.end)
        if offset == edit.start:
            return new_start
        return new_end if end else new_start

    def touches(self, start: int, end: int) -> bool:
        """Tell whether ``[start, end)`` overlaps an edit."""
        return any(edit.start < end and start < edit.end for edit in self.edits)


def mask(text: str, targets: Iterable[Target]) -> str:
    """Return ``text`` with every occurrence of the targets replaced (no spans trusted)."""
    return Remap(text, find_edits(text, list(targets), spans=False)).text
