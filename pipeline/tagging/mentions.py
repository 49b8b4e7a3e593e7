"""Agency mentions: the longest registry name at each position, linked to its canonical id.

Span rules (agencies.md): a generic head before a genitive name is not part of the span ("органам
**Національної поліції**") because only names are in the registry; "України" belongs to the span only when
the name has it; a body followed by "іноземних / інших / суміжних держав" is a foreign authority.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from pipeline.tagging.morph import cases, first_pos
from pipeline.tagging.registry import NOT_A_MENTION, Entry, compiled_entries, registry_cached
from pipeline.tagging.tokens import Token, closing_bracket, tokenize

_FOREIGN_ADJ = re.compile(r"^(іноземн|інш|суміжн|зарубіжн)\w*$")
_STATE = re.compile(r"^(держав|країн)\w*$")
_MEMBER_STATE = re.compile(r"^(?:держав|країн)\w*-член\w*$")  # "держави-члена", "країн-членів"


@dataclass(frozen=True, slots=True)
class Mention:
    start: int
    end: int
    agency: str
    token_start: int  # index of the first token
    token_end: int  # index after the last token


class AgencyMatcher:
    def __init__(self, entries: Sequence[Entry], english: dict[str, str]) -> None:
        self.by_norm: dict[str, list[Entry]] = defaultdict(list)
        self.by_text: dict[str, list[Entry]] = defaultdict(list)
        for e in entries:
            (self.by_text if e.exact else self.by_norm)[e.tokens[0]].append(e)
        for table in (self.by_norm, self.by_text):
            for candidates in table.values():
                candidates.sort(key=lambda e: -len(e.tokens))
        self.en_norm: dict[str, list[tuple[tuple[str, ...], str]]] = defaultdict(list)
        self.en_exact: dict[str, list[tuple[tuple[str, ...], str]]] = defaultdict(list)
        for name, agency in english.items():
            toks = tuple(t.text for t in tokenize(name))
            if name[0].isupper():
                self.en_exact[toks[0]].append((toks, agency))
            else:
                lowered = tuple(t.lower() for t in toks)
                self.en_norm[lowered[0]].append((lowered, agency))
        for table_en in (self.en_norm, self.en_exact):
            for cands in table_en.values():
                cands.sort(key=lambda x: -len(x[0]))

    def find(self, tokens: Sequence[Token], *, work: str | None = None, lang: str = "uk") -> list[Mention]:
        return self._find_en(tokens) if lang == "en" else self._find_uk(tokens, work)

    def _find_uk(self, tokens: Sequence[Token], work: str | None) -> list[Mention]:
        found: list[Mention] = []
        i, n = 0, len(tokens)
        while i < n:
            match = self._longest(tokens, i, work)
            if match is None:
                i += 1
                continue
            entry, length = match
            start, end = i, i + length
            if entry.agency == NOT_A_MENTION:
                i = end  # "податкової міліції": not the police of "міліція"
                continue
            agency = entry.agency
            tail = _foreign_tail(tokens, end) or _bracketed_foreign_tail(tokens, end)
            if tail:
                end, agency = tail, "foreign_authority"
                if start > 0 and _FOREIGN_ADJ.match(tokens[start - 1].norm):
                    start -= 1
            elif (
                start > 0
                and _FOREIGN_ADJ.match(tokens[start - 1].norm)
                and tokens[start - 1].norm.startswith("іноземн")
            ):
                start, agency = start - 1, "foreign_authority"
            elif entry.foreign_tail:
                i += 1
                continue
            if not _names_an_act(tokens, start) and not _adjective_use(tokens, start, end):
                found.append(Mention(tokens[start].start, tokens[end - 1].end, agency, start, end))
            i = end
        return _join_foreign_lists(tokens, _drop_generic_heads(tokens, _join_coordinated(tokens, found, self, work)))

    def _longest(self, tokens: Sequence[Token], i: int, work: str | None) -> tuple[Entry, int] | None:
        best: tuple[Entry, int] | None = None
        for table, key in ((self.by_norm, tokens[i].norm), (self.by_text, tokens[i].text)):
            for entry in table.get(key, ()):
                length = len(entry.tokens)
                if best is not None and length <= best[1]:
                    break
                if entry.acts and work not in entry.acts:
                    continue
                if i + length > len(tokens):
                    continue
                if all(
                    (tokens[i + k].text if entry.exact else tokens[i + k].norm) == entry.tokens[k]
                    for k in range(length)
                ):
                    best = (entry, length)
                    break
        return best

    def _find_en(self, tokens: Sequence[Token]) -> list[Mention]:
        found: list[Mention] = []
        i, n = 0, len(tokens)
        while i < n:
            best: tuple[int, str] | None = None
            for table, key, low in (
                (self.en_exact, tokens[i].text, False),
                (self.en_norm, tokens[i].text.lower(), True),
            ):
                for toks, agency in table.get(key, ()):
                    length = len(toks)
                    if best is not None and length <= best[0]:
                        break
                    window = tokens[i : i + length]
                    if len(window) == length and all(
                        (t.text.lower() if low else t.text) == w for t, w in zip(window, toks, strict=True)
                    ):
                        best = (length, agency)
                        break
            if best is None:
                i += 1
                continue
            length, agency = best
            if not _not_a_body_en(tokens, i, i + length):
                found.append(Mention(tokens[i].start, tokens[i + length - 1].end, agency, i, i + length))
            i += length
        return _of_a_party(tokens, found)


# English determiners: what may stand between a body and "of … Party", or before a body governed by a preposition
EN_DETERMINERS = frozenset(
    {"the", "a", "an", "any", "each", "its", "their", "that", "those", "these", "this", "other", "another"}
)
# "Customs duties", "under Customs seal", "a Customs or economic union": the adjective, not the administration
_CUSTOMS_ACTS = frozenset(
    {"shall", "may", "must", "should", "will", "can", "cannot", "is", "are", "has", "have", "need"}
    | {"to", "at", "in", "of"}
)
# "a State which is not a signatory", "sovereign States", "the States concerned": States that are no Party
_NOT_A_PARTY_BEFORE = frozenset({"sovereign"})
_ANAPHORIC = frozenset({"the", "these", "those", "such", "that", "this"})
_NOT_A_PARTY_AFTER = re.compile(r"^(?:concerned\b|[^.;:]{0,80}?\b(?:which|that|who)\s+(?:is|are)\s+not\b)")


def _not_a_body_en(tokens: Sequence[Token], start: int, end: int) -> bool:
    word = tokens[start].text
    nxt = tokens[end] if end < len(tokens) else None
    if end - start == 1 and word.lower() in ("authority", "authorities"):
        # "those authorities", "the authorities at the Customs office": a body named before, or the office's staff;
        # "the authorities of the requesting Party" names the Party's (competent) authorities
        before = tokens[start - 1].text.lower() if start else ""
        return before in _ANAPHORIC and (nxt is None or nxt.text != "of")
    if end - start != 1 or word not in ("Customs", "State", "States"):
        return False
    if word == "Customs":
        return nxt is not None and nxt.is_word and nxt.text.lower() not in _CUSTOMS_ACTS
    if start and tokens[start - 1].text.lower() in _NOT_A_PARTY_BEFORE:
        return True
    rest = " ".join(t.text for t in tokens[end : end + 16])
    return bool(_NOT_A_PARTY_AFTER.match(rest))


def _merge_with_previous(mentions: list[Mention], joined: Callable[[Mention, Mention], str | None]) -> list[Mention]:
    """Each mention that `joined` ties to the one before it becomes one span with it, with the agency
    `joined` names."""
    result: list[Mention] = []
    for m in mentions:
        agency = joined(result[-1], m) if result else None
        if agency is None:
            result.append(m)
        else:
            prev = result[-1]
            result[-1] = Mention(prev.start, m.end, agency, prev.token_start, m.token_end)
    return result


def _of_a_party(tokens: Sequence[Token], mentions: list[Mention]) -> list[Mention]:
    """ "the customs authorities of the requested Party" is one mention of customs (agencies.md): the Party
    it belongs to is not a body of its own."""

    def joined(prev: Mention, m: Mention) -> str | None:
        if m.agency != "state_party" or prev.agency == "state_party":
            return None
        between = [t.text.lower() for t in tokens[prev.token_end : m.token_start]]
        # "a competent authority in another State Party": of that Party too
        ok = between[:1] in (["of"], ["in"]) and len(between) <= 3 and set(between[1:]) <= EN_DETERMINERS
        return prev.agency if ok else None

    return _merge_with_previous(mentions, joined)


_ACT_NOUNS = re.compile(r"^(закон|положенн|статут|кодекс|указ|постанов|регламент)")
_QUOTES = frozenset({'"', "«", "„", "“"})
PREDICATIVE = re.compile(r"^(?:уповноважен|зобов'язан|повин|вправі|має|мають|може|можуть)")
_COORD = frozenset({",", "та", "і", "й", "або"})


def _names_an_act(tokens: Sequence[Token], start: int) -> bool:
    """«Про Національну поліцію», "положення про митницю": a body named in the title of an act."""
    if start == 0 or tokens[start - 1].norm != "про":
        return False
    before = tokens[start - 2] if start >= 2 else None
    return before is not None and (before.text in _QUOTES or bool(_ACT_NOUNS.match(before.norm)))


def _adjective_use(tokens: Sequence[Token], start: int, end: int) -> bool:
    """ "поліцейські заходи", "поліцейських послуг": the adjective, not an officer; "Судові рішення": the adjective,
    not the dative of "суд"."""
    word = tokens[start].norm
    if end - start != 1 or not (word.startswith("поліцейськ") or word == "судові") or end >= len(tokens):
        return False
    nxt = tokens[end]
    if not nxt.is_word or nxt.norm in _COORD or PREDICATIVE.match(nxt.norm):
        return False  # "Поліцейський уповноважений застосовувати": the officer, with his modal predicate
    return first_pos(nxt.norm) in ("NOUN", "ADJF")


def _is_adjective(t: Token) -> bool:
    if not t.is_word or t.norm in _COORD:
        return False
    return t.norm.startswith("інш") or first_pos(t.norm) in ("ADJF", "PRTF")


def _join_coordinated(
    tokens: Sequence[Token], mentions: list[Mention], matcher: AgencyMatcher, work: str | None
) -> list[Mention]:
    """ "правоохоронних та державних органів", "митними, правоохоронними та іншими органами іноземних держав":
    adjectives coordinated before one head make one span with it."""
    result = list(mentions)
    starts = {m.token_start: m for m in mentions}
    covered = {i for m in mentions for i in range(m.token_start, m.token_end)}
    i = 0
    while i < len(tokens) - 2:
        if i in covered or not _is_adjective(tokens[i]) or tokens[i + 1].norm not in _COORD:
            i += 1
            continue
        j = i + 1
        while j < len(tokens) and j - i < 8 and (tokens[j].norm in _COORD or _is_adjective(tokens[j])):
            j += 1
        joined = [tokens[i], *tokens[j:]]
        match = matcher._longest(joined, 0, work)
        end: int | None = None
        agency = ""
        head_end = j
        if match is not None:
            entry, length = match
            end = head_end = j + length - 1
            agency = entry.agency
            tail = _foreign_tail(tokens, end)
            if tail:
                end, agency = tail, "foreign_authority"
            elif entry.foreign_tail:
                end = None
        inner = next((m for m in mentions if m.token_start < j <= m.token_end - 1 or m.token_start == j), None)
        if end is None and inner is not None and inner.token_start in starts and inner.agency == "foreign_authority":
            end, agency = inner.token_end, inner.agency
        if end is None or not any(t.norm in ("та", "і", "й", "або") for t in tokens[i + 1 : j]):
            i += 1
            continue
        result = [m for m in result if not (i <= m.token_start and m.token_end <= end)]
        foreign = agency == "foreign_authority"
        separate = _separate_bodies(tokens[i:j], tokens[j : head_end if foreign else end], matcher, work)
        if separate and inner is not None:
            # "податкові та митні органи", "митних та правоохоронних органів іноземних держав": each adjective names
            # a body of its own; under a foreign tail every one of them is foreign
            separate = [(k, agency if foreign else a) for k, a in separate]
            result += [Mention(tokens[i + k].start, tokens[i + k].end, a, i + k, i + k + 1) for k, a in separate[:-1]]
            last = i + separate[-1][0]
            result.append(Mention(tokens[last].start, tokens[end - 1].end, separate[-1][1], last, end))
        else:
            result.append(Mention(tokens[i].start, tokens[end - 1].end, agency, i, end))
        covered.update(range(i, end))
        i = end
    return sorted(result, key=lambda m: m.token_start)


def _separate_bodies(
    adjectives: Sequence[Token], head: Sequence[Token], matcher: AgencyMatcher, work: str | None
) -> list[tuple[int, str]] | None:
    """(token offset in the list, agency) of each coordinated adjective when every one of them names a
    different registry body with the shared head; None when any does not ("правоохоронних та інших
    державних органів" is one generic body)."""
    found: list[tuple[int, str]] = []
    for k, t in enumerate(adjectives):
        if t.norm in _COORD:
            continue
        match = matcher._longest([t, *head], 0, work)
        if match is None or match[1] != 1 + len(head):
            return None
        found.append((k, match[0].agency))
    # "митних та правоохоронних органів іноземних держав", "міжнародних та іноземних організацій": each adjective
    # names a body of its own, of the same kind or not (annotations/CONVENTIONS.md, 11 and 20)
    return found if len(found) > 1 else None


def _drop_generic_heads(tokens: Sequence[Token], mentions: list[Mention]) -> list[Mention]:
    """ "оперативного підрозділу Служби безпеки України", "прокурорами Спеціалізованої антикорупційної
    прокуратури": a head right before a named body in the genitive is not a mention of its own
    (agencies.md: the genitive name is the span). Before a body in another case it is ("Органам Національної
    поліції митні органи передають": the subject follows the dative)."""
    kept: list[Mention] = []
    for i, m in enumerate(mentions):
        nxt = mentions[i + 1] if i + 1 < len(mentions) else None
        if (
            nxt is not None
            and m.agency in ("law_enforcement", "prosecutor", "court", "police")
            # "слідчим суддею відповідного апеляційного суду": a determiner between them is in neither span
            and all(t.norm in DETERMINERS for t in tokens[m.token_end : nxt.token_start])
            and nxt.token_start - m.token_end <= 1
            and _genitive(tokens[nxt.token_start])
        ):
            continue
        kept.append(m)
    return kept


# words between a head and its body that belong to neither span (CONVENTIONS.md 20): "такого", "відповідного", …
DETERMINERS = frozenset(
    stem + ending
    for stem in ("так", "відповідн", "інш")
    for ending in ("ий", "а", "е", "і", "ого", "ої", "их", "ому", "ій", "им", "ими", "у")
) | {"цього", "цієї", "цих", "цей", "ця", "це", "ці"}


def _genitive(t: Token) -> bool:
    return (t.text.isupper() and len(t.text) > 1) or "gent" in cases(t.norm)


_PARTY_OF_REQUEST = re.compile(r"^(?:запитуван|запитуюч)\w*$")
# "митним органом країни відправлення", "компетентним органом держави експорту": the other State of a shipment or
# of a non-resident's registration, named by its role
_STATE_OF_SHIPMENT = frozenset(
    {"відправлення", "призначення", "походження", "експорту", "імпорту", "транзиту", "реєстрації"}
)


def _foreign_tail(tokens: Sequence[Token], j: int) -> int | None:
    """Index after "іноземних держав" / "інших держав" / "суміжної держави" starting at j, if there."""
    k = j
    while k < len(tokens) and k - j < 2 and _FOREIGN_ADJ.match(tokens[k].norm):
        k += 1
    if k > j and k < len(tokens) and _STATE.match(tokens[k].norm):
        return k + 1
    if k == j and j + 1 < len(tokens) and _PARTY_OF_REQUEST.match(tokens[j].norm):
        # "уповноваженому органу запитуваної сторони / держави": the other State of a request for legal assistance
        return j + 2 if tokens[j + 1].norm.startswith(("сторон", "держав")) else None
    if (
        k == j
        and j + 2 < len(tokens)
        and _STATE.match(tokens[j].norm)
        and tokens[j + 1].norm in ("виконання", "винесення")
        and tokens[j + 2].norm.startswith("вирок")
    ):
        return j + 3  # "компетентних органів держави виконання вироку"
    if k == j and j + 1 < len(tokens) and _STATE.match(tokens[j].norm) and tokens[j + 1].norm in _STATE_OF_SHIPMENT:
        return j + 2
    if k == j and j < len(tokens) and tokens[j].text == ")":
        # "органів правопорядку (правоохоронних органів) інших держав": the bracket closes a synonym
        return _foreign_tail(tokens, j + 1)
    if k == j:
        return _union_tail(tokens, j)
    return None


def _union_tail(tokens: Sequence[Token], j: int) -> int | None:
    """Index after "Європейського Союзу", "держав - членів Європейського Союзу", "держави-члена" starting at j: the
    bodies of the European Union and of its member States are foreign."""
    norms = [t.norm for t in tokens[j : j + 5]]
    if norms[:2] == ["європейського", "союзу"]:
        return j + 2
    if norms and _MEMBER_STATE.match(norms[0]):
        return j + 1 + (2 if norms[1:3] == ["європейського", "союзу"] else 0)
    if len(norms) >= 3 and _STATE.match(norms[0]) and norms[1] in ("-", "–", "—") and norms[2].startswith("член"):
        return j + 3 + (2 if norms[3:5] == ["європейського", "союзу"] else 0)
    return None


def _bracketed_foreign_tail(tokens: Sequence[Token], j: int) -> int | None:
    """Index after "(…) інших держав" starting at j: a bracketed synonym between a body and its State."""
    if j >= len(tokens) or tokens[j].text != "(":
        return None
    close = closing_bracket(tokens, j)
    return _foreign_tail(tokens, close + 1) if close is not None else None


def _join_foreign_lists(tokens: Sequence[Token], mentions: list[Mention]) -> list[Mention]:
    """ "з поліцейськими та іншими відповідними органами іноземних держав": a body listed with "other ...
    bodies of foreign States" is one of them, so the list is one foreign mention."""

    def joined(prev: Mention, m: Mention) -> str | None:
        if m.agency != "foreign_authority" or prev.agency == "foreign_authority":
            return None
        between = tokens[prev.token_end : m.token_start]
        ok = (
            2 <= len(between) <= 4
            and between[0].norm in ("та", "і", "й")
            and between[1].norm.startswith("інш")
            and all(_is_adjective(t) for t in between[2:])
        )
        return m.agency if ok else None

    return _merge_with_previous(mentions, joined)


@lru_cache(maxsize=2)
def default_matcher(path: str | None = None) -> AgencyMatcher:
    return AgencyMatcher(compiled_entries(path), registry_cached(path).english)


def find_mentions(text: str, *, work: str | None = None, lang: str = "uk") -> list[Mention]:
    return default_matcher().find(tokenize(text), work=work, lang=lang)
