"""Ukrainian morphology: pymorphy3 (lang="uk") behind caches; surface forms folded for matching."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from pipeline.errors import ConfigError

_APOSTROPHES = re.compile("[’ʼ`]")


def fold(word: str) -> str:
    """The matching form of a word: lower case, the three apostrophes as one (pymorphy3 uses ')."""
    return _APOSTROPHES.sub("'", word.lower())


@lru_cache(maxsize=1)
def analyzer() -> Any:
    try:
        import pymorphy3
    except ImportError as e:  # a core dependency: a clear message beats an ImportError deep in a stage
        raise ConfigError("pymorphy3 is not installed (pip install pymorphy3 pymorphy3-dicts-uk)") from e
    return pymorphy3.MorphAnalyzer(lang="uk")


@lru_cache(maxsize=200_000)
def parses(word: str) -> tuple[Any, ...]:
    return tuple(analyzer().parse(word))


@lru_cache(maxsize=200_000)
def lemma(word: str) -> str:
    """The most likely lemma of a folded word form."""
    found = parses(word)
    return str(found[0].normal_form) if found else word


@lru_cache(maxsize=200_000)
def cases(word: str) -> frozenset[str]:
    """Every grammatical case this form can be in (nomn, gent, datv, accs, ablt, loct, voct)."""
    found = {str(p.tag.case) for p in parses(word) if p.tag.case}
    if any(p.tag.POS == "NOUN" and not p.tag.case for p in parses(word)):
        found.add("nomn")  # "директор", "детектив": the dictionary form comes without a case
    return frozenset(found)


@lru_cache(maxsize=200_000)
def is_verb_present_3rd(word: str) -> bool:
    """A finite verb in the present (or perfective future) 3rd person: "здійснює", "інформують"."""
    return any(p.tag.POS == "VERB" and p.tag.person == "3per" for p in parses(word))


@lru_cache(maxsize=200_000)
def is_infinitive(word: str) -> bool:
    """ "доручати", "здійснювати" (pymorphy3's Ukrainian dictionary tags infinitives VERB + infn). "проводиться" is
    read first as an infinitive (a variant of "проводитися"); in the acts it is the present passive."""
    found = parses(word)
    if word.endswith("ться") and any("pres" in p.tag and "3per" in p.tag for p in found):
        return False
    return bool(found) and "infn" in found[0].tag


@lru_cache(maxsize=200_000)
def is_gerund(word: str) -> bool:
    """ "встановивши", "отримавши": an adverbial participle (дієприслівник)."""
    found = parses(word)
    return bool(found) and found[0].tag.POS == "GRND"


@lru_cache(maxsize=200_000)
def is_predicative_participle(word: str) -> bool:
    """ "визнані", "виявлена": a passive participle in the nominative, the predicate of "якщо причини визнані
    неповажними" as much as a verb."""
    found = parses(word)
    return bool(found) and found[0].tag.POS == "ADJF" and "pssv" in found[0].tag and found[0].tag.case == "nomn"


@lru_cache(maxsize=200_000)
def first_pos(word: str) -> str:
    """The part of speech of the most likely reading ("NOUN", "ADJF", "INFN", ...; "" when unknown)."""
    found = parses(word)
    return str(found[0].tag.POS or "") if found else ""


@lru_cache(maxsize=200_000)
def pos_set(word: str, top: int = 2) -> frozenset[str]:
    return frozenset(str(p.tag.POS) for p in parses(word)[:top] if p.tag.POS)


@lru_cache(maxsize=200_000)
def is_nominative_noun(word: str) -> bool:
    # the dictionary form of some nouns comes without a case ("директор": 'NOUN,anim masc'): it is the nominative
    return any(p.tag.POS == "NOUN" and p.tag.case in ("nomn", None) for p in parses(word)[:2])


@lru_cache(maxsize=200_000)
def has_noun_reading(word: str) -> bool:
    return any(p.tag.POS == "NOUN" for p in parses(word))


@lru_cache(maxsize=200_000)
def verb_numbers(word: str) -> frozenset[str]:
    """Grammatical numbers of a finite verb form ("повідомляє": sing; "здійснюють": plur)."""
    return frozenset(str(p.tag.number) for p in parses(word) if p.tag.POS == "VERB" and p.tag.number)


@lru_cache(maxsize=200_000)
def nominative_numbers(word: str) -> frozenset[str]:
    """Numbers of a word's nominative noun readings ("орган": sing; "спори": plur). The Ukrainian dictionary
    marks only the plural, so an unmarked reading is singular."""
    return frozenset(str(p.tag.number or "sing") for p in parses(word) if p.tag.POS == "NOUN" and p.tag.case == "nomn")
