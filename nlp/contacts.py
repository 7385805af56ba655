"""Contacts: phone and WhatsApp numbers in E.164, messenger handles, emails and links.

Numbers are read from the normalised text (spelled-out and letter-for-digit obfuscation
already undone) and parsed with ``phonenumbers``; the region comes from an explicit
prefix, else from the countries of the places in the post, the language, then a default list.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import phonenumbers

from nlp.resources import load_json
from nlp.textmap import Occupied

_WA_SPACED = re.compile(
    r"(?<![\w.@/-])(?:https?://)?wa\.me/\+?[0-9]{1,4}(?: [0-9]{2,4}){2,5}", re.I
)
_URL = re.compile(
    r"(?<![\w.@/-])(?:https?://)?(?:www\.|m\.|web\.|api\.|chat\.)?(?:[a-z0-9-]+\.)*"
    r"(?:wa\.me|whatsapp\.com|t\.me|telegram\.me|tiktok\.com|instagram\.com|facebook\.com|fb\.com|"
    r"fb\.me|m\.me)(?:/[^\s<>\"'()]*)?"
    r"|https?://[^\s<>\"'()]+",
    re.I,
)
_EMAIL = re.compile(r"(?<![\w.+-])[\w.%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_HANDLE = re.compile(r"(?<![\w.@/])@(\w(?:[\w.]{0,30}\w)?)")
_PHONE = re.compile(
    r"(?<![0-9A-Za-z$€£])(?:\+|00)?[0-9]"
    r"(?:(?:[ .\-/\u00a0]|, |\) ?|\(|\s?-\s?| - ){0,2}[0-9]){6,16}"
)
_PREFIX_NEAR = re.compile(r"\s?\(\+([0-9]{1,3})\)")
_PREFIX_BEFORE = re.compile(r"\(\+([0-9]{1,3})\)\s?$")
_NANP_FICTION = re.compile(r"1?55501[0-9]{5}")
_NANP_LONG = re.compile(r"1[2-9][0-9]{2}[2-9][0-9]{6}")
_DATE = re.compile(r"[0-9]{1,2}[./-][0-9]{1,2}[./-](?:19|20)?[0-9]{2}")
_CURRENCY_NEAR = re.compile(r"(?:[$€£]|\b[QL]\.?)\s?$")
_MONEY_AFTER = re.compile(r"\s?(?:mil\b|k\b|dólares|dolares|dlls|usd|pesos|€|euros)", re.I)


@dataclass(frozen=True)
class ContactSpan:
    """A contact in normalised-text coordinates."""

    start: int
    end: int
    type: str
    value: str


def _words(items: Sequence[str]) -> re.Pattern[str]:
    alt = "|".join(re.escape(w) for w in sorted(items, key=len, reverse=True))
    return re.compile(rf"(?<![^\W_])(?:{alt})(?![^\W_])", re.I)


class ContactExtractor:
    """Find contacts with the cue lists in ``contacts.json``."""

    def __init__(self, path: Path) -> None:
        data = load_json(path)
        self.wa_labels = _words(data["whatsapp_labels"])
        self.phone_labels = _words([w for w in data["phone_labels"] if w[0].isalpha()])
        self.platforms: dict[str, str] = data["handle_platforms"]
        self.platform_re = _words(list(self.platforms))
        self.labelled = re.compile(
            r"(?<![^\W_])(?P<label>"
            + "|".join(re.escape(k) for k in sorted(self.platforms, key=len, reverse=True))
            + r")\s*(?::|：|=|-)\s*@?(?P<handle>\w(?:[\w.]{1,30}\w))",
            re.I,
        )
        self.lang_regions: dict[str, list[str]] = data["lang_regions"]
        self.default_regions: list[str] = data["default_regions"]
        self.stop_handles = {w.lower() for w in data["handle_stopwords"]}

    def extract(
        self, text: str, countries: Sequence[str], lang: str, platform: str | None
    ) -> list[ContactSpan]:
        """Return the contacts in ``text``; ``countries`` are those of its places, in order."""
        out: list[ContactSpan] = []
        taken = Occupied(len(text))

        def add(start: int, end: int, kind: str, value: str) -> None:
            if value and not taken.overlaps(start, end):
                out.append(ContactSpan(start, end, kind, value))
                taken.take(start, end)

        regions = self._regions(countries, lang)
        for m in _WA_SPACED.finditer(text):
            digits = re.sub(r"[^0-9]", "", m.group().split("/", 1)[1] if "/" in m.group() else "")
            add(m.start(), m.end(), "whatsapp", self._e164(digits, regions, True) or "")
        for m in _URL.finditer(text):
            raw = m.group().rstrip(".,;:!?")
            kind, value = self._link(raw, regions)
            add(m.start(), m.start() + len(raw), kind, value)
        for m in _EMAIL.finditer(text):
            add(m.start(), m.end(), "email", m.group().lower())
        for m in self.labelled.finditer(text):
            handle = m.group("handle").lower()
            if handle not in self.stop_handles and not handle.isdigit():
                add(
                    m.start("handle") - (1 if text[m.start("handle") - 1] == "@" else 0),
                    m.end("handle"),
                    self.platforms[m.group("label").lower()],
                    handle,
                )
        for m in _HANDLE.finditer(text):
            platform_of = self._handle_platform(text, m.start(), platform)
            if platform_of and m.group(1).lower() not in self.stop_handles:
                add(m.start(), m.end(), platform_of, m.group(1).lower().rstrip("."))
        for m in _PHONE.finditer(text):
            self._phone(text, m, regions, add)
        out.sort(key=lambda c: c.start)
        return out

    def _regions(self, countries: Sequence[str], lang: str) -> list[str]:
        ordered: list[str] = []
        local = [c for c in countries if c != "US"]
        us = ["US"] if "US" in countries else []
        by_lang = self.lang_regions.get(lang, [])
        first = [*by_lang, *local] if lang in ("ht", "pt") else [*local, *by_lang]
        for region in [*first, *us, *self.default_regions]:
            if region not in ordered and region in phonenumbers.SUPPORTED_REGIONS:
                ordered.append(region)
        return ordered

    def _link(self, raw: str, regions: list[str]) -> tuple[str, str]:
        low = raw.lower()
        wa = re.search(r"(?:wa\.me/|phone=)\+?([0-9]{8,15})", low)
        if wa:
            return "whatsapp", self._e164(wa.group(1), regions, international=True) or ""
        path = re.sub(r"^(?:https?://)?(?:www\.|m\.|web\.)?", "", low)
        host, _, rest = path.partition("/")
        first = rest.split("/")[0].split("?")[0]
        if host in ("t.me", "telegram.me") and first not in ("", "joinchat") and first[0] != "+":
            name = rest.split("/")[1] if first == "s" and "/" in rest else first
            return "telegram", name.split("?")[0]
        if host.endswith("tiktok.com") and first.startswith("@"):
            return "tiktok", first[1:]
        if host.endswith("instagram.com") and first:
            return "instagram", first
        if (
            host.endswith(("facebook.com", "fb.com", "fb.me", "m.me"))
            and first
            and first != "profile.php"
        ):
            return "facebook", first
        return "url", raw

    def _handle_platform(self, text: str, at: int, platform: str | None) -> str | None:
        line_start = max(text.rfind("\n", 0, at) + 1, at - 40)
        labels = list(self.platform_re.finditer(text, line_start, at))
        if labels:
            return self.platforms[labels[-1].group().lower()]
        mentioned = {self.platforms[m.group().lower()] for m in self.platform_re.finditer(text)}
        if len(mentioned) == 1:
            return mentioned.pop()
        if platform in ("telegram", "tiktok", "instagram"):
            return platform
        return None

    def _phone(self, text: str, m: re.Match[str], regions: list[str], add: object) -> None:
        raw = m.group().rstrip(" .-/(")
        start, end = m.start(), m.start() + len(raw)
        digits = re.sub(r"[^0-9]", "", raw)
        if not 8 <= len(digits) <= 15 or _DATE.fullmatch(raw):
            return
        if _CURRENCY_NEAR.search(text[max(0, start - 3) : start]) or _MONEY_AFTER.match(text, end):
            return
        international = raw.startswith(("+", "00"))
        if raw.startswith("00"):
            digits = digits[2:]
        prefix = _PREFIX_NEAR.match(text, end) or _PREFIX_BEFORE.search(
            text, max(0, start - 8), start
        )
        if not international and prefix and not digits.startswith(prefix.group(1)):
            digits, international = prefix.group(1) + digits, True
        value = self._e164(digits, regions, international)
        if value is None:
            return
        kind = self._phone_kind(text, start, end)
        add(start, end, kind, value)  # type: ignore[operator]

    def _phone_kind(self, text: str, start: int, end: int) -> str:
        line_start = max(text.rfind("\n", 0, start) + 1, start - 40)
        window = text[line_start:start]
        wa = [m.end() for m in self.wa_labels.finditer(window)]
        ph = [m.end() for m in self.phone_labels.finditer(window)]
        if wa or ph:
            return "whatsapp" if max(wa, default=-1) >= max(ph, default=-1) else "phone"
        if "💬" in window:
            return "whatsapp"
        after = text[end : end + 25].split("\n")[0]
        return "whatsapp" if self.wa_labels.search(after) else "phone"

    def _e164(self, digits: str, regions: list[str], international: bool) -> str | None:
        """Return ``digits`` as an E.164 number, trying an implied prefix then each region."""
        candidates: list[phonenumbers.PhoneNumber] = []
        if not international and _NANP_FICTION.fullmatch(digits):
            return "+1" + digits[-10:]  # the 555-01xx range reserved for fiction
        if not international and _NANP_LONG.fullmatch(digits):
            number = _parse("+" + digits, None)
            if number is not None and phonenumbers.is_possible_number(number):
                return _format(number)
        if not international:
            for region in regions[:2]:
                number = _parse(digits, region)
                if number is not None and phonenumbers.is_valid_number(number):
                    return _format(number)
        if international or len(digits) >= 11:
            number = _parse("+" + digits, None)
            if number is not None:
                if international or phonenumbers.is_valid_number(number):
                    return _format(number)
                candidates.append(number)
        for region in regions:
            number = _parse(digits, region)
            if number is not None and phonenumbers.is_valid_number(number):
                return _format(number)
        for region in regions[:1]:
            number = _parse(digits, region)
            if (
                number is not None
                and phonenumbers.is_possible_number(number)
                and str(number.national_number) == digits.lstrip("0")
            ):
                return _format(number)
        return _format(candidates[0]) if candidates and len(digits) >= 11 else None


def _parse(digits: str, region: str | None) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(digits, region)
    except phonenumbers.NumberParseException:
        return None


def _format(number: phonenumbers.PhoneNumber) -> str:
    e164: str = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if e164.startswith("+521") and len(e164) == 14:
        e164 = "+52" + e164[4:]  # the old mobile "1" is no longer dialled in Mexico
    return e164
