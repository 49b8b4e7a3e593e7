"""The agency registry (pipeline/data/agencies.toml): validated on load, inflected forms generated with
pymorphy3 (never typed by hand), compiled into a token-sequence matcher."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from pipeline.datafiles import load_data_toml
from pipeline.errors import ConfigError
from pipeline.tagging.morph import fold, parses
from pipeline.tagging.tokens import tokenize

CASES = ("nomn", "gent", "datv", "accs", "ablt", "loct", "voct")
NUMBERS = ("sing", "plur")
CANONICAL_IDS = frozenset(
    {
        "customs",
        "mof",
        "tax",
        "sfs",
        "police",
        "sbu",
        "border_guard",
        "beb",
        "nabu",
        "dbr",
        "prosecutor",
        "court",
        "cmu",
        "nbu",
        "fiu",
        "intelligence",
        "national_guard",
        "law_enforcement",
        "foreign_authority",
        "state_party",
        "competent_authority",
    }
)
_NAME_KEYS = {"text", "number", "roles", "acts", "tail", "exact"}
NOT_A_MENTION = ""  # the agency of a registry name that is matched only to be skipped
_AGENCY_KEYS = {"id", "en", "names", "historical", "successors"}


@dataclass(frozen=True)
class Name:
    agency: str
    text: str
    number: tuple[str, ...] = NUMBERS
    roles: tuple[str, ...] | None = None
    acts: tuple[str, ...] = ()
    foreign_tail: bool = False
    exact: bool = False


@dataclass(frozen=True)
class Entry:
    """One surface form of one name, as the token sequence the matcher looks for."""

    tokens: tuple[str, ...]
    agency: str
    acts: tuple[str, ...]
    foreign_tail: bool
    exact: bool


@dataclass
class Registry:
    agencies: dict[str, dict[str, Any]]
    names: list[Name]
    act_agency: dict[str, str]
    english: dict[str, str] = field(default_factory=dict)  # English name -> id

    @property
    def ids(self) -> set[str]:
        return set(self.agencies)


def load_registry(path: Path | None = None) -> Registry:
    data, where = load_data_toml("agencies.toml", path, "agency registry")
    agencies: dict[str, dict[str, Any]] = {}
    names: list[Name] = []
    english: dict[str, str] = {}
    for i, entry in enumerate(data.get("agency", []), 1):
        unknown = set(entry) - _AGENCY_KEYS
        if unknown or "id" not in entry:
            raise ConfigError(f"agency #{i}: unknown keys {sorted(unknown)} or no id", path=where)
        aid = entry["id"]
        if aid in agencies:
            raise ConfigError(f"agency {aid!r} is defined twice", path=where)
        agencies[aid] = entry
        names += [_name(aid, name, where) for name in entry.get("names", [])]
        for en in entry.get("en", []):
            if english.get(en, aid) != aid:
                raise ConfigError(f"the English name {en!r} is given to both {english[en]!r} and {aid!r}", path=where)
            english[en] = aid
    # names of bodies that are no mention (a shorter name inside them would otherwise match): "податкова міліція"
    names += [_name(NOT_A_MENTION, name, where) for name in data.get("not_a_mention", [])]
    missing = CANONICAL_IDS - set(agencies)
    if missing:
        raise ConfigError(f"the registry lacks canonical agency ids {sorted(missing)}", path=where)
    act_agency = dict(data.get("acts", {}))
    for act, aid in act_agency.items():
        if aid not in agencies:
            raise ConfigError(f"act {act} names unknown agency {aid!r}", path=where)
    return Registry(agencies, names, act_agency, english)


def _name(aid: str, name: dict[str, Any], where: str) -> Name:
    what = f"agency {aid!r}" if aid else "not_a_mention"
    extra = set(name) - _NAME_KEYS
    if extra or not name.get("text"):
        raise ConfigError(f"{what}: bad name entry {name!r}", path=where)
    number = name.get("number")
    if number is not None and number not in NUMBERS:
        raise ConfigError(f"{what}: number must be sing or plur, not {number!r}", path=where)
    roles = tuple(name["roles"].split()) if name.get("roles") else None
    if roles and any(r not in ("adj", "noun", "fixed") for r in roles):
        raise ConfigError(f"{what}: roles are adj, noun, fixed: {name['roles']!r}", path=where)
    if roles and len(roles) > len(tokenize(name["text"])):
        raise ConfigError(f"{what}: more roles than words in {name['text']!r}", path=where)
    return Name(
        aid,
        name["text"],
        (number,) if number else NUMBERS,
        roles,
        tuple(name.get("acts", ())),
        name.get("tail") == "foreign",
        bool(name.get("exact")),
    )


def _roles(words: list[str]) -> list[str]:
    """Adjectives before the head noun agree with it; the head noun inflects; the rest is fixed."""
    roles: list[str] = []
    head_seen = False
    for word in words:
        if head_seen or not word[0].isalpha():
            roles.append("fixed")
            continue
        tags = [p.tag for p in parses(fold(word))]
        if any(t.POS == "NOUN" and t.case == "nomn" for t in tags[:2]) or not tags:
            roles.append("noun")
            head_seen = True
        elif any(t.POS in ("ADJF", "PRTF") for t in tags):
            roles.append("adj")
        else:
            roles.append("fixed")
    return roles


def _inflect(word: str, role: str, case: str, number: str, gender: str | None) -> set[str]:
    """Every form of the word in that case and number, across its paradigms and variant endings
    (органу / органові / органа). Ukrainian tags mark the singular by gender alone."""
    found: set[str] = set()
    for p in parses(fold(word)):
        if not ((role == "noun" and p.tag.POS == "NOUN") or (role == "adj" and p.tag.POS in ("ADJF", "PRTF"))):
            continue
        for form in p.lexeme:
            tag = form.tag
            if tag.case != case or (tag.number == "plur") != (number == "plur"):
                continue
            if role == "adj" and number == "sing" and gender and tag.gender != gender:
                continue
            found.add(str(form.word))
    return found


def surface_forms(name: Name) -> set[str]:
    """Every inflected form of a name (folded), from its dictionary form."""
    if name.exact:
        return {name.text}
    tokens = [t.text for t in tokenize(name.text)]
    roles = list(name.roles) if name.roles else _roles(tokens)
    if len(roles) != len(tokens):
        roles = roles + ["fixed"] * (len(tokens) - len(roles))
    head = next((tokens[i] for i, r in enumerate(roles) if r == "noun"), None)
    gender = None
    if head:
        nouns = [p for p in parses(fold(head)) if p.tag.POS == "NOUN"]
        gender = str(nouns[0].tag.gender) if nouns and nouns[0].tag.gender else None
    forms = {" ".join(fold(t) for t in tokens)}
    for number in name.number:
        for case in CASES:
            variants: list[str] = [""]
            for token, role in zip(tokens, roles, strict=True):
                options = (
                    {fold(token)} if role == "fixed" else (_inflect(token, role, case, number, gender) or {fold(token)})
                )
                variants = [f"{v} {o}".strip() for v in variants for o in sorted(options)]
            forms.update(variants)
    return forms


@lru_cache(maxsize=4)
def compiled_entries(path: str | None = None) -> tuple[Entry, ...]:
    registry = load_registry(Path(path) if path else None)
    entries: list[Entry] = []
    for name in registry.names:
        for form in sorted(surface_forms(name)):
            toks = tuple(t.text if name.exact else t.norm for t in tokenize(form))
            entries.append(Entry(toks, name.agency, name.acts, name.foreign_tail, name.exact))
    return tuple(entries)


@lru_cache(maxsize=4)
def registry_cached(path: str | None = None) -> Registry:
    return load_registry(Path(path) if path else None)
