"""Norm extraction by rules: who (agency) bears which modality in a unit, read with its context.

The guidelines' cue order is followed literally: (1) a modal word in the unit, with its subject; (2) the
lead-in of the item; (3) the article heading, for the body the article is about; (4) the plain present
tense (or a passive with the agent in the instrumental / after "покладається на") -> duty. Each candidate
keeps the evidence (cue span, level, where its agent came from) so a reader sees why, and so the
statistical model (pipeline.tagging.model) can weigh the same evidence.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from pipeline.tagging.cues import CueMatch, CueSet, default_cues
from pipeline.tagging.mentions import (
    DETERMINERS,
    EN_DETERMINERS,
    PREDICATIVE,
    AgencyMatcher,
    Mention,
    default_matcher,
)
from pipeline.tagging.morph import (
    cases,
    first_pos,
    fold,
    has_noun_reading,
    is_gerund,
    is_infinitive,
    is_nominative_noun,
    is_predicative_participle,
    is_verb_present_3rd,
    nominative_numbers,
    parses,
    pos_set,
    verb_numbers,
)
from pipeline.tagging.registry import registry_cached
from pipeline.tagging.tokens import Token, closing_bracket, tokenize

_CLAUSE_BREAK = frozenset({";", ".", ":", "?", "!"})
_LIST_JOINERS = frozenset({"та", "і", "й", "або", ",", "чи"})
_COORDINATORS = _LIST_JOINERS | {"(", ")"}
_DEFINITION = re.compile(
    r"\s[-–—]\s+це\b|(?<!про\s)(?<!на\s)\bце\s+(?:центральний|державний|правоохоронний|орган)\b"
    # a structure, not a norm: "має таку загальну структуру:", "до складу якої входять:"
    r"|\bма(?:є|ють)\s+(?:таку\s+)?(?:загальну\s+)?структуру\s*:|\bдо\s+(?:її|його|їх)\s+складу\s+входять\s*:"
    # "У складі Державного бюро розслідувань діють …": the structure; "Повідомлення … є процесуальною дією, за
    # допомогою якої …": a definition of a procedural act
    r"|^[Уу]\s+складі\b|\bє\s+(?:\w+\s+){0,2}?(?:дією|діями)\s*,\s+(?:за\s+допомогою\s+)?(?:якої|яких|якою)\b"
)
# "Працівники … несуть відповідальність за розголошення …", "За надання недостовірної інформації … посадові особи
# несуть відповідальність": liability for misconduct states no norm (CONVENTIONS.md 14); "несе відповідальність за
# законність …" (an area of responsibility) does
_LIABILITY = re.compile(
    r"^За\s[^;]*\bнес(?:е|уть)\b[^;]*\bвідповідальн"
    # "не несуть відповідальності за завдані збитки": an exemption; "… - тягне за собою накладення штрафу": a sanction
    r"|\bне\s+нес(?:е|уть)\s+(?:\S+\s+){0,2}?відповідальност"
    r"|\bтягн(?:е|уть)\s+за\s+собою\b"
    r"|\bнес(?:е|уть)\s+(?:\S+\s+){0,3}?відповідальність\s+за\s+(?:\S+\s+){0,2}?"
    r"(?:порушенн|розголошенн|невиконанн|неналежн|недостовірн|неправомірн|нецільов|незаконн|протиправн)"
)
_STATED_INTERACTION = re.compile(
    r"^(?:порядок\s+|умови\s+(?:і|та)\s+порядок\s+)?(?:взаємоді|співробітництв|обмін\w*\s+інформаці|інформаційн\w*\s+взаємоді)"
)
_PASSIVE_ENDINGS = ("ться", "ється", "ються")  # "здійснюється", "визначаються"
# "може бути здійснено X", "може здійснюватися X" (a power); "має бути розглянуто X" (a duty)
_PASSIVE_MODAL = re.compile(
    r"\b(?:може|можуть)\s+(?:бути\s+\w+(?:н|т)(?:о|ий|а|е|і)"
    r"|(?:здійснюва|проводи|вирішува|розгляда|виконува|визнава|прийма|застосовува|надава)тися)\b"
)
_PASSIVE_DUTY = re.compile(r"\b(?:має|мають|повинен|повинна|повинно|повинні)\s+бути\s+\w+(?:н|т)(?:о|ий|а|е|і)\b")
_DATIVE_CUE = re.compile(r"^нада|^покладає|^покладаю|^дозволя|^право\b.*\bнада(?:ється|ються)$", re.S)
# "До повноважень / завдань X належать": the body in the genitive after the noun bears them
_BELONGS_TO = re.compile(r"^до\s+(?:основних\s+)?(?:повноважень|завдань|функцій)\s+")
_COPULA = frozenset({"є", "буде", "були", "був", "була"})
_DEFINITIONS_LEAD_IN = re.compile(r"\b(?:мають|має)\s+таке\s+значення\b|\bвживаються\s+в\s+такому\s+значенні\b")
_HEADING_LABEL = re.compile(r"^Стаття\s+[\d-]+\.\s*")
_RELATIVE = frozenset({"що", "які", "який", "яка", "яке", "котрі", "котрий"})
# investigators by role, in the nominative (pymorphy3 reads "слідчий" first as an adjective, "детектив" caseless)
ROLES_NOMINATIVE = frozenset({"слідчий", "слідчі", "дізнавач", "дізнавачі", "детектив", "детективи"})
ROLE_BEARER = "law_enforcement"
_PREPOSITIONS = frozenset({"з", "із", "зі", "від", "до", "між", "перед", "за", "під", "у", "в", "на", "про", "щодо"})
_PREPOSITIONS_OF_TOPIC = _PREPOSITIONS | {"стосовно", "відносно"}


@dataclass(frozen=True)
class NormCandidate:
    agent: str
    modality: str
    level: int  # 1 modal word in the unit, 2 lead-in, 3 heading, 4 plain present / passive
    agent_source: str  # "subject", "dative", "instrumental", "decision", "permission", "lead-in", "heading", "act"
    cue_start: int | None = None  # offsets of the cue in the unit text (levels 1 and 4)
    cue_end: int | None = None


@dataclass
class View:
    """A text analysed once: tokens, folded form, agency mentions."""

    text: str
    tokens: list[Token]
    mentions: list[Mention]
    lang: str = "uk"
    folded: str = field(init=False)

    starts: dict[int, Mention] = field(init=False)  # the mentions by their first token

    def __post_init__(self) -> None:
        self.folded = fold(self.text)
        self.starts = {m.token_start: m for m in self.mentions}

    def token_at(self, offset: int) -> int:
        for i, t in enumerate(self.tokens):
            if t.end > offset:
                return i
        return len(self.tokens)


def analyse(text: str, *, work: str | None, lang: str = "uk", matcher: AgencyMatcher | None = None) -> View:
    tokens = tokenize(text)
    return View(text, tokens, (matcher or default_matcher()).find(tokens, work=work, lang=lang), lang)


def mention_cases(view: View, m: Mention) -> frozenset[str]:
    """Cases of the mention's head: its first noun (abbreviations and indeclinables: any case), narrowed by the
    adjectives before it ("Національного бюро": genitive or accusative, not nominative). An indeclinable head
    listed with declinable bodies takes their case ("Національному антикорупційному бюро України, Бюро
    економічної безпеки України, Державному бюро розслідувань": dative, not instrumental)."""
    own = _head_cases(view, m)
    if len(own) < len(_ANY_CASE):
        return own
    listed = [_head_cases(view, x) for x in coordinated(view, view.mentions, m) if x is not m]
    narrowed = own & frozenset().union(*(c for c in listed if len(c) < len(_ANY_CASE)))
    return narrowed or own & _case_of_listed_word_before(view, m) or own


def _case_of_listed_word_before(view: View, m: Mention) -> frozenset[str]:
    """ "ветеранів …, податкової міліції, Бюро економічної безпеки України": the noun that ends the list item
    before the comma or conjunction, when the item is no registered body."""
    j = m.token_start - 1
    if j < 1 or view.tokens[j].norm not in _LIST_JOINERS:
        return frozenset()
    before = view.tokens[j - 1]
    return cases(before.norm) if before.is_word and first_pos(before.norm) == "NOUN" else frozenset()


_ANY_CASE = frozenset({"nomn", "gent", "datv", "accs", "ablt", "loct"})


def _head_cases(view: View, m: Mention) -> frozenset[str]:
    agreeing: frozenset[str] | None = None
    for t in view.tokens[m.token_start : m.token_end]:
        if t.text.isupper() and len(t.text) > 1:
            return agreeing or _ANY_CASE
        if has_noun_reading(t.norm):
            head = cases(t.norm)
            return (head & agreeing) or head if agreeing is not None else head
        if t.is_word and first_pos(t.norm) in ("ADJF", "PRTF"):
            own = cases(t.norm)
            agreeing = own if agreeing is None else (agreeing & own) or agreeing
    return cases(view.tokens[m.token_start].norm)


def _clause_start(view: View, token: int) -> int:
    i = token - 1
    while i >= 0 and view.tokens[i].text not in _CLAUSE_BREAK:
        i -= 1
    return i + 1


def _clause_end(view: View, token: int) -> int:
    i = token
    while i < len(view.tokens) and view.tokens[i].text not in _CLAUSE_BREAK:
        i += 1
    return i


def coordinated(view: View, mentions: Sequence[Mention], anchor: Mention) -> list[Mention]:
    """The mention and those joined to it by "та", "і", "або", commas: "митні органи та органи СБУ"."""
    group = [anchor]
    ordered = sorted(mentions, key=lambda m: m.token_start)
    idx = ordered.index(anchor)
    for step in (-1, 1):
        j = idx
        while 0 <= j + step < len(ordered):
            a, b = (ordered[j + step], ordered[j]) if step < 0 else (ordered[j], ordered[j + step])
            between = view.tokens[a.token_end : b.token_start]
            if _unregistered_list_item(view, a, b, between):
                group.append(ordered[j + step])
                j += step
                continue
            if (
                not between
                or len(between) > 3
                or not all(t.norm in _COORDINATORS or is_generic_head(t) for t in between)
                or not any(t.norm in _COORDINATORS or "gent" in cases(t.norm) for t in between)
            ):
                # "На запит Служби безпеки України митні органи", "митних органів органи поліції": two phrases;
                # "Оперативні підрозділи органів Національної поліції": one, its head's dependents
                break
            if (
                not any(t.norm in ("та", "і", "й", "або", "чи") for t in between)
                and step > 0
                and not _list_goes_on(view, b)
            ):
                break  # "Суд, прокурор або слідчий": a comma joins forward only in a list that ends with a conjunction
            group.append(ordered[j + step])
            j += step
    return group


def _unregistered_list_item(view: View, a: Mention, b: Mention, between: Sequence[Token]) -> bool:
    """ "Правоохоронні органи, фінансові установи та інші контролюючі органи": a listed item with no registry id
    between two bodies in the same case keeps them in one list."""
    if not 3 <= len(between) <= 6 or between[0].text != "," or not any(t.norm in ("та", "і", "й") for t in between):
        return False
    shared = _head_cases(view, a) & _head_cases(view, b)
    words = [t for t in between if t.norm not in _LIST_JOINERS and t.norm not in _OTHER]
    return (
        bool(shared)
        and bool(words)
        and all(t.is_word and first_pos(t.norm) in ("NOUN", "ADJF") and shared & cases(t.norm) for t in words)
    )


_OTHER = frozenset({"інші", "інших", "іншим", "іншими", "іншому", "інший", "інша"})


def _list_goes_on(view: View, m: Mention) -> bool:
    """Whether a conjunction and another body or investigator follow the mention, also after more bodies listed
    with commas ("прокурор або слідчий", "Орган досудового розслідування, прокурор, суддя або суд")."""
    starts = view.starts
    k = m.token_end
    while k + 1 < len(view.tokens):
        t, j = view.tokens[k], k + 1
        named = view.tokens[j].norm in ROLES_NOMINATIVE or j in starts
        if t.norm in ("та", "і", "й", "або", "чи"):
            return named
        if t.text != "," or not named:
            return False
        k = starts[j].token_end if j in starts else j + 1
    return False


def is_generic_head(t: Token) -> bool:
    return (
        t.norm.startswith(
            (
                *("орган", "підрозділ", "посадов", "особ", "працівник", "співробітник", "військовослужбов"),
                *("детектив", "слідч", "дізнавач", "керівник", "голов", "директор", "начальник", "прокурор"),
                "представник",
            )
        )
        or t.norm in _ACTING_JUDGE
    )


# "слідчий суддя суду … перевіряє", "слідчим суддею місцевого суду": a judge acting for the court; "судді" is left out,
# as it is mostly the judge as a person concerned ("стосовно судді Конституційного Суду")
_ACTING_JUDGE = frozenset({"суддя", "суддею", "суддями"})


def _head_before(view: View, m: Mention) -> int:
    """The token before a mention, past a determiner ("керівник такого поліцейського" -> "керівник"), a bracketed
    synonym or a unit's kind ("підрозділ внутрішнього контролю Національного бюро" -> "підрозділ")."""
    i = m.token_start - 1
    if i >= 1 and view.tokens[i].norm in DETERMINERS:
        return i - 1
    if i >= 3 and view.tokens[i].text == ")" and view.tokens[i - 2].text == "(" and is_generic_head(view.tokens[i - 1]):
        return i - 3  # "органи (підрозділи) Державної прикордонної служби України"
    if (
        i >= 2
        and "gent" in cases(view.tokens[i].norm)
        and "ADJF" in pos_set(view.tokens[i - 1].norm)  # "центрального" reads first as a noun
        and is_generic_head(view.tokens[i - 2])
    ):
        i -= 2  # "Керівник підрозділу центрального апарату Державного бюро розслідувань" -> "підрозділу"
    head_cases = cases(view.tokens[i].norm) if i >= 1 else frozenset()
    if i >= 1 and is_generic_head(view.tokens[i]) and "gent" in head_cases and "nomn" not in head_cases:
        before = view.tokens[i - 1]
        if is_generic_head(before) and (is_nominative_noun(before.norm) or before.norm in ROLES_NOMINATIVE):
            # "Детективи органів Бюро економічної безпеки України здійснюють", "Слідчі органів … здійснюють": the
            # heads' chain ("слідчі" reads first as an adjective)
            return i - 1
    return i


def _governed(view: View, m: Mention) -> bool:
    """A mention right after a noun is its genitive dependent ("діяльність поліції"), not a subject."""
    if m.token_start == 0:
        return False
    prev = view.tokens[_head_before(view, m)]
    if not prev.is_word or prev.norm in _COORDINATORS or prev.norm in _PREPOSITIONS:
        return False
    if is_infinitive(prev.norm):
        return True  # "доручати Бюро економічної безпеки України розслідування": the infinitive's object
    # "після випуску товарів митні органи мають право": a mention with no genitive reading starts a new phrase
    noun = first_pos(prev.norm) == "NOUN" or prev.norm in ROLES_NOMINATIVE  # "Слідчі органів …"
    return noun and "gent" in mention_cases(view, m)


def is_subject(view: View, m: Mention) -> bool:
    """Nominative and not a dependent; or the genitive after a generic head that is itself the subject:
    "Посадові особи митних органів мають право" -> customs (the officials stand for their body)."""
    if m.token_start and view.tokens[m.token_start - 1].norm in _PREPOSITIONS_OF_TOPIC:
        return False  # "стосовно судді", "на митні органи": no subject follows a preposition
    if not _governed(view, m):
        return "nomn" in mention_cases(view, m)
    head = view.tokens[_head_before(view, m)]
    nominative = is_nominative_noun(head.norm) or head.norm in ROLES_NOMINATIVE
    return is_generic_head(head) and nominative and "gent" in mention_cases(view, m)


def subject_before(view: View, cue_token: int) -> list[Mention]:
    """The agency subject of a cue: the nearest nominative mention before it in the same clause."""
    start = _clause_start(view, cue_token)
    before = [m for m in view.mentions if start <= m.token_start and m.token_end <= cue_token]
    # "…, якщо слідчий, прокурор не доведе …, що такий захід необхідний": a subject of an "if" clause is not the cue's
    nominative = [m for m in before if is_subject(view, m) and not _in_condition(view, m)]
    if not nominative:
        return []
    nearest = max(nominative, key=lambda m: m.token_end)
    return [m for m in coordinated(view, view.mentions, nearest) if is_subject(view, m)]


def role_subject(view: View, cue_token: int) -> bool:
    """ "Слідчий, дізнавач невідкладно повідомляє ...", "..., дізнавач за погодженням із прокурором надсилає":
    an investigator named by role alone is the subject of the cue. The role stands for the pre-trial
    investigation body (law_enforcement) as the bearer, though it is not a mention of it (agencies.md)."""
    start = _clause_start(view, cue_token)
    for i in range(cue_token - 1, max(start, cue_token - 20) - 1, -1):
        t = view.tokens[i]
        if t.is_word and _is_finite_present(t.norm):
            return False  # another predicate's clause
        if t.norm not in ROLES_NOMINATIVE or any(m.token_start <= i < m.token_end for m in view.mentions):
            continue
        prev = view.tokens[i - 1].norm if i > start else ","
        if prev in _PREPOSITIONS or _adjectival_role(view, i):
            return False  # "на слідчого", "слідчі (розшукові) дії", "слідчий експеримент"
        # "детективи Національного бюро", "слідчі органів поліції": the body named with the role bears it
        return not _body_named_with_role(view, i)
    return False


def _body_named_with_role(view: View, i: int) -> bool:
    """ "детективи Національного бюро", "слідчі органів поліції": a body right after the role (or after one word)
    is the role's; "слідчий, прокурор", "слідчим або прокурором" list a body beside it."""
    nxt = view.tokens[i + 1] if i + 1 < len(view.tokens) else None
    return any(
        m.agency != ROLE_BEARER
        and (m.token_start == i + 1 or (m.token_start == i + 2 and nxt is not None and nxt.norm not in _COORDINATORS))
        for m in view.mentions
    )


def _roles_listed_before(view: View, subjects: Sequence[Mention]) -> bool:
    """ "Слідчий, дізнавач, прокурор зобов'язані", "…, слідчий за погодженням з прокурором, прокурор звертаються":
    investigators by role listed right before the subject body (with the consent they need), not after a
    preposition."""
    first = min(m.token_start for m in subjects)
    start = _clause_start(view, first)
    i = first - 1
    if i < start or view.tokens[i].norm not in _COORDINATORS:
        return False  # "Детектив Національного бюро": the body named with the role is the subject
    # where a body's consent phrase starts, by the body's last token ("за погодженням з прокурором")
    consents = {
        m.token_end - 1: phrase
        for m in view.mentions
        if (phrase := _consent_phrase_before(view, m.token_start)) is not None
    }
    saw_role = False
    while i >= start:
        t = view.tokens[i]
        if t.norm in ROLES_NOMINATIVE and not _adjectival_role(view, i):
            saw_role = True
        elif i in consents:
            i = consents[i]
        elif t.norm not in _COORDINATORS:
            break
        i -= 1
    return saw_role and (i < start or view.tokens[i].norm not in _PREPOSITIONS)


def _consent_phrase_before(view: View, body_start: int) -> int | None:
    """Where "за погодженням з" starts when it stands right before the body at body_start."""
    words = [t.norm for t in view.tokens[max(0, body_start - 3) : body_start]]
    return body_start - 3 if words[:2] == ["за", "погодженням"] and words[2:] in (["з"], ["із"], ["зі"]) else None


def _role_listed_after(view: View, subjects: Sequence[Mention], cue_token: int) -> bool:
    """ "Прокурор, слідчий за погодженням з прокурором має право": an investigator by role listed after the subject
    body, before the cue."""
    last = max(m.token_end for m in subjects)
    return (
        last < cue_token
        and view.tokens[last].norm in _COORDINATORS
        and last + 1 < cue_token
        and view.tokens[last + 1].norm in ROLES_NOMINATIVE
        and role_subject(view, cue_token)
    )


def _in_with_list(view: View, m: Mention) -> bool:
    """ "за погодженням з Міністерством …, Службою безпеки України, …": a body listed after "з" is a partner in
    the instrumental, not the agent of a passive."""
    start = _clause_start(view, m.token_start)
    for i in range(m.token_start - 1, max(start, m.token_start - 40) - 1, -1):
        t = view.tokens[i]
        if t.norm == "між":
            return True  # "Обмін інформацією між Бюро … та Службою безпеки України здійснюється": parties, not agents
        if t.norm in ("з", "із", "зі") and not _governs_other(view, i):
            return True
        if t.is_word and _is_finite_present(t.norm) and not _in_a_name(view, i):
            return False  # a verb of the sentence ends the list; one inside a body's name ("що реалізує …") does not
    return False


def _governs_other(view: View, i: int) -> bool:
    """ "згідно із статтею 225" (a reference), "звільняються з посад керівником …" (a post): this "з" opens no list of
    partners."""
    before = view.tokens[i - 1].norm if i else ""
    after = view.tokens[i + 1].norm if i + 1 < len(view.tokens) else ""
    return before in ("згідно", "відповідно") or after.startswith("посад")


def _subjects_after(view: View, verb: int) -> list[str]:
    """ "Рішення … приймає слідчий, прокурор", "Спори … вирішує керівник органу прокуратури": the subjects
    right after the sentence's first active verb, when no body stands before it (object first, subject
    last, common in the codes)."""
    if (
        _agreeing_subject_before(view, verb)
        or view.tokens[verb].norm in _COPULA
        or view.tokens[verb].norm.endswith(_PASSIVE_ENDINGS)
        or any(m.token_start < verb and is_subject(view, m) for m in view.mentions)
    ):
        return []  # a body before the verb is its subject; one governed by a noun is not ("Діяльність X спрямовує")
    starts = view.starts
    agents: list[str] = []
    listing = False
    j = verb + 1
    while (
        j + 1 < len(view.tokens)
        and view.tokens[j].norm in ("і", "та", "й")
        and _is_finite_present(view.tokens[j + 1].norm)
    ):
        j += 2  # "спрямовує і координує Кабінет Міністрів України"
    while j < len(view.tokens) and j - verb < 40:  # the loop ends where the list of subjects does
        t = view.tokens[j]
        m = starts.get(j)
        if m is None and is_generic_head(t) and is_nominative_noun(t.norm):
            m = starts.get(j + 1)  # "керівник органу прокуратури"
        elif m is not None and "nomn" not in mention_cases(view, m):
            m = None
        if m is not None:
            agents.append(m.agency)
            j = m.token_end
        elif t.norm in ROLES_NOMINATIVE and not _adjectival_role(view, j):
            agents.append(ROLE_BEARER)
            j += 1
        elif (agents or listing) and t.norm in _COORDINATORS:
            j += 1
        elif t.is_word and t.text[:1].isupper() and _unlisted_name(view, j):
            j, listing = _unlisted_name(view, j), True  # "здійснюють Верховна Рада України, Президент України та …"
        else:
            break
    return list(dict.fromkeys(agents))


def _elliptic_subjects(view: View) -> list[str]:
    """ "Контроль … здійснює слідчий, а якщо справа перебуває у провадженні суду, - прокурор.": the subject of
    the same verb in an elliptic clause after ", а", named after the dash at its end."""
    starts = view.starts
    tokens = view.tokens
    j = next((i + 1 for i in range(1, len(tokens) - 1) if tokens[i].text == "," and tokens[i + 1].norm == "а"), None)
    if j is None:
        return []
    k = j + 1
    while k < len(tokens) and tokens[k].text not in _DASHES and tokens[k].text not in _CLAUSE_BREAK:
        k += 1
    if k + 1 >= len(tokens) or tokens[k].text not in _DASHES:
        return []
    m = starts.get(k + 1)
    end = m.token_end if m is not None else k + 2
    if end < len(tokens) and tokens[end].text not in _CLAUSE_BREAK:
        return []  # the dash's phrase goes on: not a bare subject
    if m is not None:
        return [m.agency]
    return [ROLE_BEARER] if tokens[k + 1].norm in ROLES_NOMINATIVE else []


def _subjects_after_modal(view: View, cue_end: int) -> list[str]:
    """ "З клопотанням … до слідчого судді має право звернутися прокурор або слідчий за погодженням з прокурором":
    the subjects right after the modal's infinitive(s), when no subject of its own stands before the cue."""
    cue_token = view.token_at(cue_end) - 1
    if _noun_subject_before(view, _clause_start(view, cue_token), cue_token):
        return []  # "Правовласник зобов'язаний повідомити центральний орган …"
    last = None
    i = view.token_at(cue_end)
    while i < len(view.tokens) and view.tokens[i].is_word and is_infinitive(view.tokens[i].norm):
        last, i = i, i + 1
    return _subjects_after(view, last) if last is not None else []


def _noun_subject_before(view: View, start: int, end: int) -> bool:
    """A nominative noun between start and end that can be a subject: the clause's first word, or a form with no
    genitive reading that no preposition governs."""
    for k in range(start, end):
        t = view.tokens[k]
        if not t.is_word or not is_nominative_noun(t.norm):
            continue
        if k == start or ("gent" not in cases(t.norm) and view.tokens[k - 1].norm not in _PREPOSITIONS):
            return True
    return False


def _unlisted_name(view: View, j: int) -> int:
    """The end of a capitalised nominative name of a body the registry does not list ("Верховна Рада України",
    "Президент України"), 0 when the words at j are not one."""
    if not (is_nominative_noun(view.tokens[j].norm) or first_pos(view.tokens[j].norm) == "ADJF"):
        return 0
    k = j
    while k < len(view.tokens) and view.tokens[k].is_word and view.tokens[k].text[:1].isupper():
        if any(m.token_start == k for m in view.mentions):
            return 0
        k += 1
    return k if k - j <= 4 and k < len(view.tokens) and view.tokens[k].norm in _COORDINATORS | {".", ";"} else 0


def _relative_word_before(view: View, i: int, words: frozenset[str]) -> int | None:
    """The relative word (one of `words`) between the punctuation mark before token i and it, if any."""
    j = i - 1
    while j >= 0 and view.tokens[j].text not in (",", ";", ":", "."):
        if view.tokens[j].norm in words:
            return j
        j -= 1
    return None


def _in_relative_clause(view: View, i: int) -> bool:
    """ "… іноземців, які підозрюються …": a verb in a relative clause, between the comma and the verb."""
    return _relative_word_before(view, i, _RELATIVE) is not None


def _passive_of_a_relative(view: View, verb: int, m: Mention) -> bool:
    """ "Невиконання керівником органу … доручень прокурора …, окрім проваджень, досудове розслідування у яких
    здійснюється детективами …": a passive in a relative clause the mention stands outside of is not its verb."""
    j = _relative_word_before(view, verb, _RELATIVE | _RELATIVE_FORMS)
    return j is not None and m.token_end <= j


def _agreeing_subject_before(view: View, verb: int) -> bool:
    """ "…, центральний орган України невідкладно повідомляє Міжнародний кримінальний суд": a nominative noun right
    before the verb, agreeing with it in number, is its subject; "Спори про підслідність вирішує" has none."""
    i = verb - 1
    while i >= 0 and (view.tokens[i].norm == "україни" or first_pos(view.tokens[i].norm) == "ADVB"):
        i -= 1
    if i < 0 or not view.tokens[i].is_word or (i > 0 and view.tokens[i - 1].norm in _PREPOSITIONS):
        return False  # the sentence's first word may be the subject ("Декларант повідомляє митний орган")
    inside = next((m for m in view.mentions if m.token_start <= i < m.token_end), None)
    if inside is not None:
        return is_subject(view, inside)  # "… органами Державної прикордонної служби України здійснюють": governed
    numbers, verb_number = nominative_numbers(view.tokens[i].norm), verb_numbers(view.tokens[verb].norm)
    if i == 0:
        # the sentence's first word, unambiguous in number ("Декларант повідомляє"; not "Дізнання здійснюють
        # підрозділи", where the noun may be plural and is the object)
        return bool(numbers) and numbers <= verb_number
    return bool(numbers & verb_number)


_PRONOUNS = frozenset({"він", "вона", "воно", "вони"})


def _pronoun_antecedent(view: View, cue_token: int) -> list[Mention]:
    """ "Якщо відомості внесені прокурором, він зобов'язаний …": a pronoun right before the cue stands for the
    last body named before it in the sentence."""
    words = [i for i in range(_clause_start(view, cue_token), cue_token) if view.tokens[i].is_word]
    if len(words) >= 2 and view.tokens[words[-2]].norm in _DEMONSTRATIVES and view.tokens[words[-1]].norm == "органи":
        words, pronoun = words[:-1], "вони"  # "…вилучені правоохоронними та іншими органами, ці органи зобов'язані"
    elif words and view.tokens[words[-1]].norm in _PRONOUNS:
        pronoun = view.tokens[words[-1]].norm
    else:
        return []
    before = [m for m in view.mentions if m.token_end <= words[-1]]
    agreeing = [m for m in before if _agrees_with_pronoun(view, m, pronoun)]
    if not before:
        return []
    # the last body it can stand for ("Міністерство …, що запити … органу прокуратури …, воно включає"), else the last
    last = max(agreeing or before, key=lambda m: m.token_end)
    # the subject or the passive's agent; "з рішенням митного органу, вона (особа) може" names someone else
    return [last] if {"nomn", "ablt"} & mention_cases(view, last) and not _governed(view, last) else []


_DEMONSTRATIVES = frozenset({"ці", "такі", "зазначені"})
_PRONOUN_FORMS = {"він": ("masc", None), "вона": ("femn", None), "воно": ("neut", None), "вони": (None, "plur")}


def _agrees_with_pronoun(view: View, m: Mention, pronoun: str) -> bool:
    """Whether the mention's head noun can be what "він / вона / вони" stands for ("прокурор … він")."""
    if pronoun not in _PRONOUN_FORMS:
        return False
    gender, number = _PRONOUN_FORMS[pronoun]
    head = next((t for t in view.tokens[m.token_start : m.token_end] if has_noun_reading(t.norm)), None)
    if head is None:
        return False
    readings = {(p.tag.gender, p.tag.number) for p in parses(head.norm) if p.tag.POS == "NOUN"}
    if number == "plur":
        return any(n == "plur" for _, n in readings)
    return any(n != "plur" and g == gender for g, n in readings)


def _adjectival_role(view: View, i: int) -> bool:
    """ "слідчі (розшукові) дії", "слідчий ізолятор": "слідчий" as an adjective before its noun."""
    if not view.tokens[i].norm.startswith("слідч") or i + 1 >= len(view.tokens):
        return False
    nxt = view.tokens[i + 1]
    if nxt.text == "(":
        return True
    if PREDICATIVE.match(nxt.norm):
        return False  # "Слідчий зобов'язаний повідомити"
    return nxt.is_word and nxt.norm not in _COORDINATORS and first_pos(nxt.norm) in ("NOUN", "ADJF")


def dative_agents(view: View, cue_token: int) -> list[Mention]:
    """ "Службі безпеки України ... надається право", "покладається на митні органи"."""
    start, end = _clause_start(view, cue_token), _clause_end(view, cue_token)
    found = []
    for m in view.mentions:
        if not start <= m.token_start < end:
            continue
        prev_token = view.tokens[m.token_start - 1] if m.token_start else None
        prev = prev_token.norm if prev_token else ""
        # "Органам Державної прикордонної служби України дозволяється": the head noun carries the dative
        head_dative = prev_token is not None and is_generic_head(prev_token) and "datv" in cases(prev)
        if prev in _PREPOSITIONS and prev != "на":
            continue  # "Діяльність партій у Національному бюро забороняється": a place, not the addressee
        if "datv" in mention_cases(view, m) or prev == "на" or head_dative:
            found.append(m)
    return found


def _foreign_subject(view: View, cue_token: int) -> bool:
    """A non-agency subject right before the cue: a noun ("декларант може") or a relative pronoun of a
    subordinate clause ("перелік обставин, що можуть свідчити")."""
    start = _clause_start(view, cue_token)
    # "Письмовий звіт про діяльність Національного бюро повинен": a body governed by a noun is not the subject
    covered = {
        i
        for m in view.mentions
        if not _governed(view, m) or "nomn" in mention_cases(view, m)
        for i in range(m.token_start, m.token_end)
    }
    governed = {i for m in view.mentions for i in range(m.token_start, m.token_end)} - covered
    for i in range(cue_token - 1, start - 1, -1):
        t = view.tokens[i]
        if i in covered:
            return False
        if i in governed:
            continue
        if t.norm in _RELATIVE and cue_token - i <= 2:
            return True
        if t.is_word and is_nominative_noun(t.norm):
            return True
    return False


@dataclass
class Context:
    """The unit's context: article heading (with its agency) and lead-ins (outermost first)."""

    heading_title: str
    heading_modality: str | None
    heading_agency: str | None
    lead_ins: list[View]
    act_agency: str | None
    item: View | None = None  # the unit itself, when the context is read for it


def read_context(
    context: str, *, work: str | None, cues: CueSet, matcher: AgencyMatcher | None = None, lang: str = "uk"
) -> Context:
    lines = [x for x in context.split("\n") if x.strip()]
    heading = ""
    if lines and _HEADING_LABEL.match(lines[0]):
        heading = _HEADING_LABEL.sub("", lines[0])
        lines = lines[1:]
    heading_view = analyse(heading, work=work, matcher=matcher, lang=lang) if heading else None
    # "Повноваження Міністра внутрішніх справ України у відносинах з поліцією": a body after a preposition is not
    # the one the article is about
    about = [m for m in heading_view.mentions if not _after_preposition(heading_view, m)] if heading_view else []
    heading_agency = about[0].agency if about else None
    act_agency = registry_cached().act_agency.get(work or "")
    return Context(
        heading,
        cues.heading_modality(heading) if heading else None,
        heading_agency,
        [analyse(x, work=work, matcher=matcher, lang=lang) for x in lines],
        act_agency,
    )


def _after_if(view: View, i: int, is_verb: Callable[[Token], bool]) -> bool:
    """Whether token i stands in an "if" clause: going back, "якщо"/"коли" comes before any verb of another clause."""
    for j in range(i - 1, -1, -1):
        t = view.tokens[j]
        if t.text in (";", ":", ".") or (t.is_word and is_verb(t)):
            return False
        if t.norm in ("якщо", "коли"):
            return True
    return False


def _verb_in_condition(view: View, verb: int) -> bool:
    """ "…, якщо прокурор, слідчий не доведе …": a verb of an "if" clause."""
    return _after_if(view, verb, lambda t: _is_finite_present(t.norm))


def _in_condition(view: View, m: Mention) -> bool:
    """ "Якщо … прокурор доведе …, слідчий суддя, суд застосовує": a body in the "if" clause is not the subject; the
    condition's subject stands before its verb."""
    if _after_if(view, m.token_start, _closes_a_condition):
        return True
    # "У разі якщо правовласник … не подасть заяву … або центральний орган … не зареєструє": a second subject joined
    # to the condition's first clause
    if m.token_start == 0 or view.tokens[m.token_start - 1].norm not in ("або", "чи"):
        return False
    verbs = [i for i in range(m.token_start - 1) if view.tokens[i].is_word and _is_finite_present(view.tokens[i].norm)]
    if not verbs or any(t.norm == "то" for t in view.tokens[verbs[-1] : m.token_start]):
        return False  # "Якщо …, то слідчий … або прокурор має право": the main clause has begun
    return _verb_in_condition(view, verbs[-1])


def _closes_a_condition(t: Token) -> bool:
    """A predicate of an "if" clause: a verb, a verbless predicate, or a passive participle ("якщо причини визнані
    неповажними, митний орган …")."""
    return "VERB" in pos_set(t.norm, 3) or t.norm in _PREDICATIVES or is_predicative_participle(t.norm)


# verbless predicates that close an "if" clause like a verb ("коли неможливе прибуття захисника, слідчий …")
_PREDICATIVES = frozenset({"немає", "неможливе", "неможливо", "можливо", "необхідно", "відсутні", "відсутня"})


def _names_another_subject(lead_in: View) -> bool:
    """A lead-in opening with a nominative noun that names no registry body ("Міністр внутрішніх справ України:"),
    or with a generic head of such a body ("Посадові особи підприємства, що перевіряється, мають право:")."""
    words = [i for i, t in enumerate(lead_in.tokens) if t.is_word]
    if (
        not words
        or not lead_in.text.rstrip().endswith(":")
        or (lead_in.mentions and lead_in.mentions[0].token_start == 0)
    ):
        return False
    first = lead_in.tokens[words[0]]
    if first.norm in _PREPOSITIONS:
        return False
    if is_nominative_noun(first.norm) and not is_generic_head(first):
        return True
    k = 1 if first_pos(first.norm) == "ADJF" and len(words) > 2 else 0
    head, owner = lead_in.tokens[words[k]], words[k + 1] if k + 1 < len(words) else None
    return (
        owner is not None
        and is_generic_head(head)
        and is_nominative_noun(head.norm)
        and not any(m.token_start <= owner < m.token_end for m in lead_in.mentions)
        and first_pos(lead_in.tokens[owner].norm) == "NOUN"
        and "gent" in cases(lead_in.tokens[owner].norm)
    )


def _after_preposition(view: View, m: Mention) -> bool:
    return m.token_start > 0 and view.tokens[m.token_start - 1].norm in ("з", "із", "зі", "між", "перед", "від", "до")


def _lead_in_subject(ctx: Context) -> tuple[list[str], str] | None:
    for view in reversed(ctx.lead_ins):
        cue_tokens = [view.token_at(c.start) for c in default_cues().find(view.folded)]
        for ct in cue_tokens:
            subj = subject_before(view, ct) or dative_agents(view, ct)
            if subj:
                return [m.agency for m in subj], "lead-in"
        nominative = [m for m in view.mentions if "nomn" in mention_cases(view, m) and not _in_condition(view, m)]
        if nominative:
            return [nominative[0].agency], "lead-in"
        dative = [m for m in view.mentions if "datv" in mention_cases(view, m)]
        if dative:
            return [dative[0].agency], "lead-in"
    return None


def _inherited(ctx: Context) -> tuple[list[str], str] | None:
    found = _lead_in_subject(ctx)
    if found:
        return found
    if ctx.heading_agency:
        return [ctx.heading_agency], "heading"
    if ctx.act_agency:
        return [ctx.act_agency], "act"
    return None


def _level1(view: View, ctx: Context, cues: CueSet) -> list[NormCandidate]:
    found: list[NormCandidate] = []
    modal_cues = cues.find(view.folded)
    for cue in modal_cues:
        if any(m.start <= cue.start < m.end for m in view.mentions):
            continue  # "органи, що мають право здійснювати …": a modal inside a body's descriptive name
        token = view.token_at(cue.start)
        if any(c.start < cue.start for c in modal_cues) and _attribute_of_body(view, token):
            continue  # the sentence has its modal already: this one describes the body before it
        if token and view.tokens[token - 1].norm in _THE_LATTER:
            continue  # "…, після чого останній має право ознайомитися": the person named last, not a body
        antecedent = _relative_antecedent(view, token)
        if antecedent == []:
            continue  # "… з відповідним клопотанням, яке повинно містити": the petition's, not a body's
        # "…, стосовно якої можуть застосовуватися заходи": no nominative body before a passive's modal is its agent
        agents = antecedent or ([] if _modal_of_a_passive(view, token) else subject_before(view, token))
        source = "subject"
        if agents:
            earlier, role = _listed_before_as_well(view, agents)
            agents = agents + [m for m in earlier if m not in agents]
            if role:
                found.append(NormCandidate(ROLE_BEARER, cue.modality, 1, "subject", cue.start, cue.end))
        if not agents:
            agents = _pronoun_antecedent(view, token)
        if (
            (not agents and role_subject(view, token))
            or (agents and _roles_listed_before(view, agents))
            or (agents and _role_listed_after(view, agents, token))
        ):
            found.append(NormCandidate(ROLE_BEARER, cue.modality, 1, "subject", cue.start, cue.end))
            if not agents:
                continue
        if not agents and not found:
            inverted = _subjects_after_modal(view, cue.end)
            if inverted:
                found += [NormCandidate(a, cue.modality, 1, "subject", cue.start, cue.end) for a in inverted]
                continue
        if not agents and _DATIVE_CUE.match(view.folded[cue.start : cue.end]):
            agents, source = dative_agents(view, token), "dative"
        elif not agents and view.folded.startswith("заборон", cue.start):
            # "Поліцейському заборонено": a dative before the ban bears it; one after it is the ban's object
            agents, source = [m for m in dative_agents(view, token) if m.token_end <= token], "dative"
        if not agents:
            agents, source = _interaction_nominal_agent(view, token), "subject"
        belongs = _BELONGS_TO.match(view.folded[cue.start : cue.end])
        if not agents and belongs is not None:
            after = view.token_at(cue.start + belongs.end())
            agents = [m for m in view.mentions if m.token_start == after][:1]
        if agents:
            found += [NormCandidate(m.agency, cue.modality, 1, source, cue.start, cue.end) for m in agents]
            continue
        if _foreign_subject(view, token):
            continue
        if view.folded.startswith(" бути", cue.end):
            continue  # "Не можуть бути членами Конкурсної комісії:": eligibility of persons, no body's norm to inherit
        if (
            _modal_of_a_passive(view, token)
            and _inherited_from_heading(ctx)
            and not any("ablt" in mention_cases(view, m) for m in view.mentions)
        ):
            continue  # "У митній справі можуть застосовуватися системи": a passive with no agent (CONVENTIONS.md 12)
        inherited = _inherited(ctx)
        # the act's own body is a last resort for items and headings, not for a modal word in running text
        if inherited and inherited[1] == "act" and not ctx.lead_ins:
            continue
        if inherited and (cue.modality != "prohibition" or inherited[1] == "lead-in"):
            found += [NormCandidate(a, cue.modality, 1, inherited[1], cue.start, cue.end) for a in inherited[0]]
    return found or _passive_power(view)


_THE_LATTER = frozenset({"останній", "остання", "останні"})


def _attribute_of_body(view: View, i: int) -> bool:
    """ "повідомити орган досудового розслідування, уповноважений на розслідування …": an adjectival modal set off
    by a comma right after a body describes that body; it is not the body's norm."""
    t = view.tokens[i]
    return (
        i >= 2
        and first_pos(t.norm) in ("ADJF", "PRTF")
        and view.tokens[i - 1].text == ","
        and any(m.token_end == i - 1 for m in view.mentions)
    )


def _listed_before_as_well(view: View, agents: Sequence[Mention]) -> tuple[list[Mention], bool]:
    """ "Прокурор, слідчий за погодженням з прокурором …, а також прокурор під час судового провадження має
    право": the subjects that open the sentence before ", а також" share the predicate (bodies, and whether an
    investigator is among them)."""
    first = min(agents, key=lambda m: m.token_start)
    k = first.token_start
    if k < 4 or [t.norm for t in view.tokens[k - 3 : k]] != [",", "а", "також"]:
        return [], False
    starts = view.starts
    i, found, role = _clause_start(view, k), [], False
    while i < k - 3:
        t = view.tokens[i]
        if i in starts and is_subject(view, starts[i]):
            found.append(starts[i])
            i = starts[i].token_end
        elif t.norm in ROLES_NOMINATIVE and not _adjectival_role(view, i):
            role, i = True, i + 1
        elif t.text == "," and (found or role):
            i += 1
        else:
            break
    return found, role


def _inherited_from_heading(ctx: Context) -> bool:
    inherited = _inherited(ctx)
    return inherited is not None and inherited[1] in ("heading", "act")


def _modal_of_a_passive(view: View, cue_token: int) -> bool:
    """ "можуть вчинятися дії", "може застосовуватися": a modal of a reflexive passive infinitive names no agent
    before it (CONVENTIONS.md 12); an instrumental agent after it is the passive rule's ("може здійснюватися
    судом"). Reflexive verbs that are active ("може звертатися", "можуть користуватися") are not passives."""
    if view.tokens[cue_token].norm not in ("може", "можуть") or cue_token + 1 >= len(view.tokens):
        return False
    verb = view.tokens[cue_token + 1]
    return verb.norm.endswith(("тися", "тись")) and not verb.norm.startswith(_REFLEXIVE_ACTIVE)


def _interaction_nominal_agent(view: View, cue_token: int) -> list[Mention]:
    """ "Співробітництво органів прокуратури з компетентними органами інших держав не може здійснюватися …": the
    body in the genitive right after an interaction noun that opens the clause is the one acting."""
    start = _clause_start(view, cue_token)
    if start >= len(view.tokens) or not _STATED_INTERACTION.match(view.folded[view.tokens[start].start :]):
        return []
    return [
        m
        for m in view.mentions
        if start < m.token_start <= start + 2 and m.token_end <= cue_token and "gent" in mention_cases(view, m)
    ][:1]


def _relative_antecedent(view: View, cue_token: int) -> list[Mention] | None:
    """For a modal word right after a relative pronoun ("…, яке повинно", "органи, які зобов'язані"): the body the
    pronoun stands for, [] when it stands for something else, None when there is no such pronoun."""
    words = [i for i in range(max(0, cue_token - 3), cue_token) if view.tokens[i].is_word]
    rel = next((i for i in reversed(words) if view.tokens[i].norm in _RELATIVE), None)
    if rel is None or rel == 0 or view.tokens[rel - 1].text != ",":
        return None
    before = rel - 2
    for m in view.mentions:
        if m.token_start <= before < m.token_end:
            return [m]
    return []


def _passive_power(view: View) -> list[NormCandidate]:
    """ "може бути здійснено Головою Національної поліції, Директором Бюро …": a passive "may be done" with
    its agents in the instrumental gives them a power."""
    found: list[NormCandidate] = []
    matches = [(m, "power") for m in _PASSIVE_MODAL.finditer(view.folded)]
    matches += [(m, "duty") for m in _PASSIVE_DUTY.finditer(view.folded)]
    for match, kind in matches:
        token = view.token_at(match.start())
        if any(t.norm in _RELATIVE_FORMS for t in view.tokens[max(0, token - 2) : token]):
            continue  # "щодо якої можуть застосовуватися заходи": a relative clause about something else
        end = _clause_end(view, token)
        # "не можуть бути скасовані Кабінетом Міністрів України": the agent may not
        modality = "prohibition" if token and view.tokens[token - 1].norm == "не" else kind
        for m in view.mentions:
            if not token < m.token_start < end:
                continue
            head = view.tokens[m.token_start - 1]
            # "Головою Служби безпеки України": the head noun's case is the mention's
            generic = is_generic_head(head)
            if "ablt" not in (cases(head.norm) if generic else mention_cases(view, m)):
                continue
            if _opens_relative_before(view, token, m.token_start):
                continue  # "… у порядку, що визначаються центральним органом": the agent of another clause
            if not generic and first_pos(head.norm) == "NOUN" and not _in_prepositional_phrase(view, m.token_start - 1):
                continue  # "завершення розгляду судом позовів": the agent of a noun, not of the passive
            if (generic or head.norm not in _PREPOSITIONS) and not _in_with_list(view, m):
                found.append(NormCandidate(m.agency, modality, 1, "instrumental", match.start(), match.end()))
        if found and _role_instrumental_in(view, token, end):
            # "може бути залучений слідчим, прокурором, слідчим суддею чи судом": the investigator listed with them
            found.append(NormCandidate(ROLE_BEARER, modality, 1, "instrumental", match.start(), match.end()))
        if kind == "power" and modality == "power":
            found += [
                NormCandidate(m.agency, "power", 1, "decision", match.start(), match.end())
                for m in deciders(view, _clause_start(view, token), end)
            ]
    return found


# "за рішенням Директора Національного антикорупційного бюро України … може бути накладено арешт": the body whose
# decision the act may follow holds a power; "лише за рішенням суду" restricts the act, it grants nothing
_BY_DECISION = re.compile(r"(?<!лише )(?<!тільки )(?<!виключно )\bза\s+(?:письмовим\s+|вмотивованим\s+)?рішенням\s+")


_CONDITION_OPENERS = frozenset({"якщо", "коли", "разі"})


def deciders(view: View, start: int, end: int) -> list[Mention]:
    """The bodies named right after "за рішенням" between tokens start and end, and the bodies listed after them
    ("за рішенням Директора Національного бюро (або його заступника), Директора Бюро економічної безпеки"); none in
    an "if" clause ("Якщо за рішенням суду … не буде застосовано") or when a body is what the act is done to
    ("Прокурор може бути звільнений … за рішенням суду")."""
    if start >= len(view.tokens) or any(start <= m.token_start < end and is_subject(view, m) for m in view.mentions):
        return []
    found: list[Mention] = []
    for match in _BY_DECISION.finditer(view.folded, view.tokens[start].start):
        token = view.token_at(match.end())
        if token >= end or any(t.norm in _CONDITION_OPENERS for t in view.tokens[start:token]):
            break
        nxt = next((m for m in view.mentions if token <= m.token_start <= token + 1), None)
        while nxt is not None and all(is_generic_head(t) for t in view.tokens[token : nxt.token_start]):
            found.append(nxt)
            token = _past_listing(view, nxt.token_end)
            nxt = next((m for m in view.mentions if token <= m.token_start <= token + 1), None)
    return list(dict.fromkeys(found))


def _past_listing(view: View, i: int) -> int:
    """The token after a bracketed aside ("(або його заступника)") and the comma or conjunction that go on a list."""
    if i < len(view.tokens) and view.tokens[i].text == "(":
        close = closing_bracket(view.tokens, i)
        i = close + 1 if close is not None else i
    listed = i
    while i < len(view.tokens) and view.tokens[i].norm in _LIST_JOINERS:
        i += 1
    return i if i > listed else len(view.tokens)


def _role_instrumental_in(view: View, start: int, end: int) -> bool:
    return any(
        view.tokens[i].norm in _ROLES_INSTRUMENTAL
        and view.tokens[i - 1].norm not in _PREPOSITIONS
        and not (i + 1 < len(view.tokens) and view.tokens[i + 1].norm.startswith("судд"))
        and not _body_named_with_role(view, i)
        for i in range(start + 1, end)
    )


def _in_prepositional_phrase(view: View, noun: int) -> bool:
    """ "в апеляційному порядку", "в окремій частині": a noun after a preposition and its adjectives (an adverbial
    of the passive, so an instrumental after it is still the passive's agent)."""
    j = noun - 1
    while j >= 0 and first_pos(view.tokens[j].norm) in ("ADJF", "PRTF"):
        j -= 1
    return j >= 0 and view.tokens[j].norm in _PREPOSITIONS


def _opens_relative_before(view: View, start: int, end: int) -> bool:
    """Whether a relative word stands between the last comma before `end` and `end`: "…, що визначаються
    центральним органом" (the mention is in the relative clause), not "органом, що подав клопотання, … та
    прокурором" (the relative clause closed before it)."""
    last_comma = max((i for i in range(start, end) if view.tokens[i].text == ","), default=start)
    return any(t.norm in _RELATIVE for t in view.tokens[last_comma:end])


def _opens_item(view: View | None, m: Mention) -> bool:
    """Whether the mention opens the item, after its list marker and a generic head ("а) органів Національної
    поліції;")."""
    if view is None:
        return m.token_start == 0
    tokens = view.tokens
    first = 2 if len(tokens) > 2 and len(tokens[0].text) <= 2 and tokens[1].text == ")" else 0
    return m.token_start == first or (m.token_start == first + 1 and is_generic_head(tokens[first]))


# what may stand between a lead-in's interaction cue and its colon: "взаємодіє з:", "повідомляє:", "надає інформацію
# на запити:"
_LEAD_IN_TAIL = re.compile(r"^[\s\w’'-]{0,40}:\s*$")


def lead_in_interaction(lead: View, cues: CueSet) -> str | None:
    """The interaction a lead-in ends with, which its items complete ("взаємодіє з:", "письмово повідомляє:")."""
    found = cues.interactions(lead.folded)
    if not found or not _LEAD_IN_TAIL.match(lead.folded[found[-1].end :]):
        return None
    return found[-1].modality


def _level2(ctx: Context, cues: CueSet) -> list[NormCandidate]:
    """The lead-in's own norms (its modal word, or its plain present / passive) govern the item."""
    for view in reversed(ctx.lead_ins):
        lead_ctx = Context(ctx.heading_title, ctx.heading_modality, ctx.heading_agency, [], ctx.act_agency)
        found = _level1(view, lead_ctx, cues)
        if not found and ctx.heading_modality is None:
            found = _level4(view)
        if not found and view is ctx.lead_ins[-1] and len(ctx.lead_ins) > 1 and _own_sentence(view):
            break  # "Днем отримання документів … вважається:": the items complete this lead-in, not an outer one
        if found and ctx.item is not None and ctx.item.text[:1].isupper() and ctx.item.text.rstrip().endswith("."):
            subjects = [m for m in _own_subject(ctx.item) if m.agency not in {c.agent for c in found}]
            if subjects:
                # "Кабінет Міністрів України затверджує:" + "За зверненням підприємства … центральний орган … видає
                # сертифікат.": a whole sentence with a subject of its own is no item completing the lead-in
                return []
        if found:
            own = [m for m in view_item_mentions(ctx) if _opens_item(ctx.item, m)]
            if own and all(c.agent == "law_enforcement" for c in found) and lead_in_interaction(view, cues) is None:
                # "Оперативно-розшукова діяльність здійснюється оперативними підрозділами:" /
                # "Національної поліції - ...": the item names which body the generic lead-in means
                return [NormCandidate(m.agency, found[0].modality, 2, "lead-in") for m in own]
            return [NormCandidate(c.agent, c.modality, 2, "lead-in") for c in found]
    if ctx.item is not None and ctx.heading_modality is None:
        return _item_of_subject_lead_in(ctx.item, ctx)
    return []


def _own_sentence(lead_in: View) -> bool:
    """A lead-in that opens a sentence of its own ("Днем отримання … вважається:"), not one continuing the outer
    lead-in ("вчинене:")."""
    text = lead_in.text.strip()
    return text.endswith(":") and text[:1].isupper() and not any(m.token_start == 0 for m in lead_in.mentions)


def view_item_mentions(ctx: Context) -> list[Mention]:
    return ctx.item.mentions if ctx.item is not None else []


def _listed_after_preposition(view: View, m: Mention) -> bool:
    """ "в органах досудового розслідування, прокуратури": a form that need not be nominative, in a list opened by
    a preposition, is in the preposition's phrase ("з прокурором або прокурор": a nominative opens a phrase)."""
    if not {"gent", "accs"} & mention_cases(view, m):
        return False
    return any(
        x.token_start < m.token_start and x.token_start > 0 and view.tokens[x.token_start - 1].norm in _PREPOSITIONS
        for x in coordinated(view, view.mentions, m)
    )


# "Поліцейські можуть бути позбавлені звання", "Поліцейський … має бути поновлений": the body undergoes the act
_DASHES = frozenset({"-", "–", "—"})
_MODAL_PASSIVE = frozenset({"може", "можуть", "має", "мають", "повинен", "повинні", "повинна"})


def _own_subject(view: View) -> list[Mention]:
    """A nominative mention followed by a finite verb in its clause: the unit's own grammatical subject."""
    for m in view.mentions:
        if not is_subject(view, m) or _in_condition(view, m):
            continue
        if _listed_after_preposition(view, m):
            continue
        end = _clause_end(view, m.token_end)
        chain_end, dependents = _genitive_chain(view, m)
        # "Слідчий суддя, суд, встановивши, що клопотання подано …, повертає": the verb after a gerund's clause
        gerund = any(is_gerund(t.norm) for t in view.tokens[chain_end : chain_end + 3])
        for k in _within_reach(view, chain_end, end, 45 if gerund else 16):
            t = view.tokens[k]
            if t.text in _DASHES:
                break  # "Служба безпеки України - державний орган …, який забезпечує": a definition
            if (
                t.is_word
                and t.norm not in _COPULA
                and _is_finite_present(t.norm)
                and not _in_a_name(view, k)
                and not _subject_of_a_relative(view, m, k)
            ):
                nxt = view.tokens[k + 1] if k + 1 < len(view.tokens) else None
                if t.norm in ("має", "мають") and not any(is_infinitive(x.norm) for x in view.tokens[k + 1 : k + 3]):
                    break  # "Служба безпеки України має адміністративні приміщення": possession, not a duty
                if (
                    _undergoes(t)
                    or t.norm.startswith("підляга")  # "… працівники … підлягають відповідальності"
                    or (t.norm in _MODAL_PASSIVE and nxt is not None and nxt.norm == "бути")
                ):
                    break  # "Прокурор звільняється з посади", "Поліцейські можуть бути позбавлені звання"
                inverted = _subject_after_disagreeing_object(view, m, k)
                if inverted:
                    return inverted  # "Територіальні органи поліції утворює … Кабінет Міністрів України"
                group = coordinated(view, view.mentions, m) + dependents
                return group + [x for x in _listed_up_to(view, chain_end, k) if x not in group]
        if _verb_after_adverbial(view, chain_end, end):
            return coordinated(view, view.mentions, m) + dependents
    return []


def _subject_of_a_relative(view: View, m: Mention, verb: int) -> bool:
    """ "… органу прокуратури, в якому прокурор обіймає посаду": a subject after the relative word of a clause that
    describes another noun."""
    j = _relative_word_before(view, m.token_start, _RELATIVE | _RELATIVE_FORMS)
    if j is None or j == 0 or view.tokens[j].norm == "що":
        return False  # "…, про що митний орган повідомляє утримувача": a clause about the whole sentence acts
    return view.tokens[j - 1].norm in _PREPOSITIONS and j < m.token_start < verb


def _subject_after_disagreeing_object(view: View, m: Mention, verb: int) -> list[Mention]:
    """ "Територіальні органи поліції утворює, ліквідовує та реорганізовує Кабінет Міністрів України": a plural
    noun phrase before a singular verb is its object, and the singular body in the nominative after the verb (object
    first, subject last) is the subject."""
    head = view.tokens[_head_before(view, m)].norm if _governed(view, m) else _name_head(view, m)
    if nominative_numbers(head) != {"plur"} or verb_numbers(view.tokens[verb].norm) != {"sing"}:
        return []
    end = _clause_end(view, verb)
    for x in view.mentions:
        if verb < x.token_start < end and is_subject(view, x) and "sing" in nominative_numbers(_name_head(view, x)):
            return coordinated(view, view.mentions, x)
    return []


def _name_head(view: View, m: Mention) -> str:
    """The first noun of a mention ("Кабінет Міністрів України" -> "кабінет")."""
    return next((t.norm for t in view.tokens[m.token_start : m.token_end] if nominative_numbers(t.norm)), "")


def _in_a_name(view: View, k: int) -> bool:
    """Whether the token belongs to a body's descriptive name ("органу, що реалізує державну політику …")."""
    return any(x.token_start <= k < x.token_end for x in view.mentions)


def _within_reach(view: View, start: int, end: int, reach: int) -> list[int]:
    """Token indices from start on, up to `reach` tokens, not counting an inserted clause set off by commas
    ("митний орган за місцем розташування підприємства, яким ввезено товари …, надає")."""
    found: list[int] = []
    counted, k, inserted = 0, start, False
    while k < end and counted < reach:
        t = view.tokens[k]
        if t.text == ",":
            nxt = view.tokens[k + 1].norm if k + 1 < len(view.tokens) else ""
            inserted = nxt in _RELATIVE_FORMS or (nxt != "" and first_pos(nxt) == "PRTF")
        found.append(k)
        counted += not inserted
        k += 1
    return found


_RELATIVE_FORMS = frozenset(
    {"який", "яка", "яке", "які", "якого", "якої", "яких", "якому", "якій", "яким", "якими", "якою", "якім"}
)


def _listed_up_to(view: View, start: int, verb: int) -> list[Mention]:
    """The bodies of a list that runs without a break up to the verb, also through listed bodies with no registry
    id ("Оперативні підрозділи X, Y, Державної кримінально-виконавчої служби України, Z проводять"); none when
    anything else stands between."""
    starts = view.starts
    j, found = start, []
    while j < verb:
        t = view.tokens[j]
        if j in starts:
            found.append(starts[j])
            j = starts[j].token_end
        elif t.norm in _LIST_JOINERS or _genitive_word(t):
            j += 1
        else:
            return []
    return found


def _genitive_word(t: Token) -> bool:
    return t.is_word and first_pos(t.norm) in ("ADJF", "NOUN") and "gent" in cases(t.norm)


# reflexive verbs that are active: the body acts ("користується правами", "звертається із запитами")
_REFLEXIVE_ACTIVE = (
    "користу",
    "керу",
    "зверта",
    "зверну",
    "займа",
    "зобов'язу",
    "вправі",
    "бере",
    "несе",
    "спира",
    "опіку",
    "обміню",
    "консульту",
    "домовля",
)


def _undergoes(verb: Token) -> bool:
    """A reflexive-passive verb ("звільняється", "призначається", "утворюється") after a body: the body undergoes it."""
    return verb.norm.endswith(_PASSIVE_ENDINGS) and not verb.norm.startswith(_REFLEXIVE_ACTIVE)


def _genitive_chain(view: View, m: Mention) -> tuple[int, list[Mention]]:
    """ "Оперативні підрозділи органів Національної поліції України, органів безпеки, Національного
    антикорупційного бюро України здійснюють": the bodies in the genitive after a generic subject are the units'
    bodies and bear its norm; returns where the chain ends and those bodies (none after a named body)."""
    if m.agency != ROLE_BEARER:
        return m.token_end, []
    starts = view.starts
    j, found = m.token_end, []
    while j < len(view.tokens):
        t = view.tokens[j]
        nxt = starts.get(j)
        if nxt is not None and "gent" in mention_cases(view, nxt):
            found.append(nxt)
            j = nxt.token_end
        elif t.norm in (",", "та", "і", "й", "україни") or (is_generic_head(t) and "gent" in cases(t.norm)):
            j += 1
        else:
            break
    while j > m.token_end and view.tokens[j - 1].norm in (",", "та", "і", "й"):
        j -= 1
    return (j, found) if found else (m.token_end, [])


_ADVERBIAL_OPENERS = frozenset({"згідно", "відповідно", "в", "у", "з", "із", "на", "під", "для"})


def _verb_after_adverbial(view: View, start: int, end: int) -> bool:
    """ "Органи прокуратури згідно з міжнародними договорами України, згода на обов'язковість яких надана …, та
    … законодавством України здійснюють": a subject whose verb comes after an adverbial phrase, with the
    relative clauses inside it skipped."""
    if start >= end or view.tokens[start].norm not in _ADVERBIAL_OPENERS:
        return False
    i = start
    in_relative = False
    while i < min(end, start + 40):
        t = view.tokens[i]
        if t.text == ",":
            nxt = [u for u in view.tokens[i + 1 : i + 6] if u.is_word][:4]
            in_relative = any(u.norm in _RELATIVE or u.norm.startswith(("як", "котр")) for u in nxt)
        elif t.is_word and not in_relative and t.norm not in _COPULA and _is_finite_present(t.norm):
            return True
        elif (
            t.is_word
            and not in_relative
            and is_nominative_noun(t.norm)
            and not any(m.token_start <= i < m.token_end for m in view.mentions)
        ):
            prev = view.tokens[i - 1].norm
            if "gent" not in cases(t.norm) and prev not in _PREPOSITIONS and first_pos(prev) not in ("ADJF", "NOUN"):
                return False  # another subject
        i += 1
    return False


def _is_finite_present(word: str) -> bool:
    return is_verb_present_3rd(word)


def _level3(view: View, ctx: Context) -> list[NormCandidate]:
    """The heading decides for items, and for sentences whose subject is an agency; a sentence about
    something else ("Перелік ... встановлюється ...") gets no norm from the heading."""
    if ctx.heading_modality is None:
        return []
    own = _acting_subjects(view)
    if not own and view.text.rstrip().endswith(":"):
        # a lead-in such as "Національне бюро:" or "Директор Національного бюро:" carries the norm of its items
        own = [m for m in view.mentions if is_subject(view, m)][:1]
    if not ctx.lead_ins and not own:
        return []
    bearer = ctx.heading_agency or ctx.act_agency
    inherited = _lead_in_subject(ctx)
    if inherited:
        return [NormCandidate(a, ctx.heading_modality, 3, "lead-in") for a in inherited[0]]
    if not own and ctx.lead_ins and _names_another_subject(ctx.lead_ins[-1]):
        return []  # "Міністр внутрішніх справ України:": the items are a body's the registry does not list
    if own:
        return [
            NormCandidate(m.agency, ctx.heading_modality if m.agency == bearer else "duty", 3, "subject") for m in own
        ]
    if bearer:
        return [NormCandidate(bearer, ctx.heading_modality, 3, "heading" if ctx.heading_agency else "act")]
    return []


# "Поліцейські отримують грошове забезпечення", "реалізують право на житло": the officers' pay and benefits, no
# norm of their body
_BENEFIT = re.compile(
    r"\b(?:отриму(?:є|ють)|реалізу(?:є|ють)\s+право\s+на)\s+(?:\S+\s+){0,2}?"
    r"(?:грошов\w+\s+забезпечення|пенсі|допомог|житл|винагород|компенсаці|відпустк)"
    # "Військовослужбовці … користуються правами і свободами / гарантіями", "є представниками влади": their status
    r"|\bкористу(?:ється|ються)\s+(?:\S+\s+){0,4}?(?:прав|свобод|гаранті|пільг)"
    r"|\bє\s+представник\w*\s+влади\b",
    re.IGNORECASE,
)


def _states_liability(text: str) -> bool:
    # the substring test spares the regular expression most units
    return ("відповідальн" in text or "тягн" in text) and _LIABILITY.search(text) is not None


def _states_benefit(text: str) -> bool:
    low = text.lower()
    return ("отриму" in low or "користу" in low or "реалізу" in low or "представник" in low) and (
        _BENEFIT.search(text) is not None
    )


def _acting_subjects(view: View) -> list[Mention]:
    """The unit's own subjects, unless they only receive pay or benefits or have a status (_BENEFIT)."""
    return [] if _states_benefit(view.text) else _own_subject(view)


def _level4(view: View) -> list[NormCandidate]:
    if _DEFINITION.search(view.text) or _states_liability(view.text):
        return []
    benefit = _states_benefit(view.text)  # the subjects receive; only a passive's agent acts
    found = [NormCandidate(m.agency, "duty", 4, "subject") for m in ([] if benefit else _own_subject(view))]
    verbs = [i for i, t in enumerate(view.tokens) if t.is_word and _is_finite_present(t.norm)]
    if found:
        # "слідчий за погодженням з прокурором або прокурор звертається": the investigator is a subject too
        if any(role_subject(view, v) and not _verb_in_condition(view, v) for v in verbs):
            found.append(NormCandidate(ROLE_BEARER, "duty", 4, "subject"))
        return found
    if not benefit and any(role_subject(view, v) for v in verbs):
        return [NormCandidate(a, "duty", 4, "subject") for a in dict.fromkeys([ROLE_BEARER, *_elliptic_subjects(view)])]
    main = [v for v in verbs if not _in_relative_clause(view, v)]
    inverted = _subjects_after(view, main[0]) if main and not benefit else []
    if inverted:
        inverted += _elliptic_subjects(view)
        return [NormCandidate(agent, "duty", 4, "subject") for agent in dict.fromkeys(inverted)]
    for v in main:
        # "Якщо … прокурор дійде висновку …, він складає клопотання": the pronoun's antecedent acts
        antecedent = [] if benefit else _pronoun_antecedent(view, v)
        if (
            antecedent
            and view.tokens[v].norm not in _COPULA
            and not _undergoes(view.tokens[v])
            and not _is_passive(view, v)
            and _agrees_with_pronoun(view, antecedent[0], view.tokens[v - 1].norm)
        ):
            return [NormCandidate(m.agency, "duty", 4, "subject") for m in antecedent]
    listed_until = -1  # end of the last agent of a passive's list of heads ("начальником органу X, Y, …")
    for m in sorted(view.mentions, key=lambda m: m.token_start):
        end = _clause_end(view, m.token_end)
        start = _clause_start(view, m.token_start)
        clause = view.tokens[start:end]
        if _charged_by_relative(view, m):
            found.append(NormCandidate(m.agency, "duty", 4, "dative"))
            continue
        if not any(_is_passive(view, i) and not _passive_of_a_relative(view, i, m) for i in range(start, end)):
            continue
        prev_token = view.tokens[m.token_start - 1] if m.token_start else None
        prev = prev_token.norm if prev_token else ""
        m_cases = mention_cases(view, m)
        head_token = _head_past_adjective(view, m)
        if _authored_by_participle(view, m):
            continue  # "членів, визначених Кабінетом Міністрів", "опису, складеного посадовими особами митного органу"
        if _agent_of_a_prepositional_action(view, m):
            continue  # "У разі прийняття митним органом рішення …": the action's agent, inside a condition
        if _in_condition(view, m):
            continue  # "…, якщо вони даються слідчим, прокурором": the agent of the condition's passive
        if m.token_start and view.tokens[m.token_start - 1].norm.startswith(_NO_ACT):
            continue  # "особа розшукується компетентним органом …, питання … вирішується": the status's body
        if "ablt" in m_cases and prev not in _PREPOSITIONS and not _governed(view, m) and not _in_with_list(view, m):
            # "Положення … не затверджується Кабінетом Міністрів України": a negated passive bars its agent
            negated = any(_is_passive(view, i) and view.tokens[i - 1].norm == "не" for i in range(max(start, 1), end))
            found.append(NormCandidate(m.agency, "prohibition" if negated else "duty", 4, "instrumental"))
        elif prev == "на" and any(t.norm.startswith("поклада") for t in clause):
            found.append(NormCandidate(m.agency, "duty", 4, "dative"))
        elif (
            "gent" in m_cases
            and head_token is not None
            and prev not in _PREPOSITIONS
            and _heads_an_agent(head_token)
            and _acting_head(view, m)
            and not _in_with_list(view, m)
        ):
            # "здійснюється посадовими особами митних органів", "за рішенням керівника митного органу"
            found.append(NormCandidate(m.agency, "duty", 4, "instrumental"))
            heads = view.tokens[max(start, m.token_start - 4) : m.token_start]
            charged = any(t.norm == "на" for t in heads) and any(t.norm.startswith("поклада") for t in clause)
            if start <= listed_until or charged or any(is_generic_head(t) and "ablt" in cases(t.norm) for t in heads):
                # "начальником (відокремленого підрозділу) органу X", "покладається на підрозділи органів X"
                listed_until = m.token_end
        elif "gent" in m_cases and prev in _COORDINATORS and start <= listed_until and not _in_with_list(view, m):
            # "… начальником органу Служби безпеки України, Державної прикордонної служби України, …": the
            # list of the heads' bodies goes on; a generic unit followed by its body ("оперативного
            # підрозділу органу …") is that body's, not an agent of its own
            listed_until = m.token_end
            if not any(_heads_next(view, m, other) for other in view.mentions):
                found.append(NormCandidate(m.agency, "duty", 4, "instrumental"))
    found += _roles_as_agents(view)
    return list({(c.agent, c.modality): c for c in found}.values())


_ACTION_NOUN = re.compile(r"\w+(?:ння|ття|нні|тті|нням|ттям)$")


def _agent_of_a_prepositional_action(view: View, m: Mention) -> bool:
    """ "У разі прийняття митним органом рішення …", "за виконання митними органами митних формальностей": the
    instrumental right after an action noun that a preposition governs is that action's agent, not the agent of
    the sentence's passive ("Направлення митними органами повідомлень … здійснюється": the subject's, is)."""
    i = m.token_start - 1
    while i >= 1 and (is_generic_head(view.tokens[i]) or first_pos(view.tokens[i].norm) == "ADJF"):
        i -= 1
    if i < m.token_start - 1 and not view.tokens[i].norm.startswith("поданн"):
        # "за поданням Голови Служби безпеки України": the head's proposal, not an act of his body; "за рішенням
        # керівника поліції" is the body's own decision
        return False
    if i < 1 or not _ACTION_NOUN.match(view.tokens[i].norm):
        return False
    before = [t.norm for t in view.tokens[max(0, i - 2) : i]]
    # "строк прийняття митним органом рішення продовжується": the action noun depends on another noun
    return bool(before) and (before[-1] in _PREPOSITIONS or before[-1] == "разі" or first_pos(before[-1]) == "NOUN")


def _authored_by_participle(view: View, m: Mention) -> bool:
    """Whether a participle governs the mention's list (or the generic head before it) as its author: "у строки,
    узгоджені центральним органом України та Міжнародним кримінальним судом"."""
    first = min(coordinated(view, view.mentions, m), key=lambda x: x.token_start)
    i = first.token_start - 1
    while i >= 0 and is_generic_head(view.tokens[i]):
        i -= 1  # "складеного посадовими особами митного органу"
    if i >= 1 and view.tokens[i].norm.startswith("рішенн") and view.tokens[i - 1].norm == "за":
        i -= 1  # "товарів, конфіскованих за рішенням суду": "рішенням" is the instrumental the check below needs
    elif i >= 1 and view.tokens[i].norm in ("та", "і", "й"):
        # "узгоджені центральним органом України та Міжнародним кримінальним судом": an unregistered body first
        k = i - 1
        while k > i - 6 and k >= 0 and (view.tokens[k].norm == "україни" or "ablt" in cases(view.tokens[k].norm)):
            k -= 1
        i = k if k < i - 1 else i
    # the participle's agent is in the instrumental: "уповноважені підрозділи органів X" is an adjective's noun
    if i >= 1 and view.tokens[i].norm == "за":
        return _passive_participle(view.tokens[i - 1])
    return i >= 0 and _passive_participle(view.tokens[i]) and "ablt" in cases(view.tokens[i + 1].norm)


_PARTICIPLE_ENDING = re.compile(r"(?:ен|ан|ян|єн|т)(?:ий|ого|ому|им|ім|а|ої|ій|у|ою|е|і|их|ими)$")


def _passive_participle(t: Token) -> bool:
    """ "визначених", "складеного", "узгоджені": a passive participle, not in the instrumental itself (then it would
    agree with the body's head as its adjective: "уповноваженими посадовими особами")."""
    if not t.is_word or first_pos(t.norm) not in ("PRTF", "ADJF") or "ablt" in cases(t.norm):
        return False
    return first_pos(t.norm) == "PRTF" or bool(_PARTICIPLE_ENDING.search(t.norm))


def _heads_next(view: View, m: Mention, other: Mention) -> bool:
    """Whether the mention is a generic unit of the body right after it ("оперативного підрозділу органу X"),
    not a member of a list that goes on with a comma or a conjunction."""
    if other.token_start == m.token_end:
        return True
    return other.token_start == m.token_end + 1 and view.tokens[m.token_end].norm not in _LIST_JOINERS


_ROLES_INSTRUMENTAL = frozenset({"слідчим", "дізнавачем", "детективом", "слідчими", "дізнавачами", "детективами"})


def _roles_as_agents(view: View) -> list[NormCandidate]:
    """ "строк його виконання продовжується слідчим за погодженням з …": an investigator in the instrumental is the
    agent of the passive ("слідчим суддею" is the court's)."""
    for i, t in enumerate(view.tokens):
        if t.norm not in _ROLES_INSTRUMENTAL or (i and view.tokens[i - 1].norm in _PREPOSITIONS):
            continue
        if i + 1 < len(view.tokens) and view.tokens[i + 1].norm.startswith("судд"):
            continue
        if _body_named_with_role(view, i):
            continue  # "слідчими органів безпеки": the body named with the role bears it
        if any(_is_passive(view, k) for k in range(max(_clause_start(view, i), i - 3), i)):
            return [NormCandidate(ROLE_BEARER, "duty", 4, "instrumental")]  # "продовжується слідчим"
    return []


def _heads_an_agent(head: Token) -> bool:
    return is_generic_head(head) or head.norm.startswith("керівник")


def _head_past_adjective(view: View, m: Mention) -> Token | None:
    """The noun a genitive mention depends on, past one adjective of the mention's own ("керівником відповідного
    оперативного підрозділу" -> "керівником")."""
    i = m.token_start - 1
    if i >= 1 and first_pos(view.tokens[i].norm) == "ADJF" and "gent" in cases(view.tokens[i].norm):
        i -= 1
    return view.tokens[i] if i >= 0 else None


def _acting_head(view: View, m: Mention) -> bool:
    """ "здійснюється посадовими особами митних органів": the heads before a genitive body make it the passive's
    agent, unless they name a post ("на зайняття посади Директора Державного бюро розслідувань")."""
    head = view.tokens[m.token_start - 1]
    if not {"ablt", "gent"} & cases(head.norm):
        return False  # "Директор Державного бюро розслідувань призначається": the passive's subject
    i = m.token_start - 1
    # the heads and their adjectives ("до територіальних органів Національної поліції")
    while i >= 0 and (is_generic_head(view.tokens[i]) or first_pos(view.tokens[i].norm) in ("ADJF", "PRTF")):
        i -= 1
    if i >= 0 and i < m.token_start - 1 and view.tokens[i].norm == "за" and "ablt" in cases(view.tokens[i + 1].norm):
        return False  # "Право на пільги зберігається за військовослужбовцями …": kept for them, not done by them
    first = cases(view.tokens[i + 1].norm)
    if "datv" in first and not {"ablt", "gent", "nomn"} & first:
        return False  # "копія … надсилається керівникові органу прокуратури": the addressee, not the agent
    if i < 0 or i == m.token_start - 1 or "ablt" in first:
        return True  # "з посад керівником …", "посадовими особами …": the heads are the agent
    before = view.tokens[i]
    if before.norm in _LIST_JOINERS:
        # "начальником органу X, Y або органу Z": a list of the agent's heads goes on; "до військовослужбовців, …,
        # працівників правоохоронних органів": an item of a list no instrumental head opened
        opened = range(_clause_start(view, i), i)
        return any(is_generic_head(view.tokens[k]) and "ablt" in cases(view.tokens[k].norm) for k in opened)
    # "на зайняття посади Директора …", "Звіт Директора … розглядається": the heads depend on another noun;
    # "Оплата праці працівників Державного бюро розслідувань здійснюється": so do they on a non-agent noun
    if before.norm == "на" and any(t.norm.startswith("поклада") for t in view.tokens):
        return True  # "покладається на уповноважені підрозділи органів X": the charged units are the agent
    if before.norm in _PREPOSITIONS:
        return False  # "На співробітників Служби безпеки України поширюється …": a prepositional object
    if before.norm.startswith("посад") or (is_nominative_noun(before.norm) and "gent" not in cases(before.norm)):
        return False
    return not (
        first_pos(before.norm) == "NOUN" and "ablt" not in cases(before.norm) and not before.norm.startswith("рішенн")
    )


# passives that state no act of an agent: "вважається прийнятим", "поширюється дія Закону", a person who
# "розшукується / підозрюється / обвинувачується / переслідується" by a body (a status, not the body's norm)
_NO_ACT = ("вважа", "поширю", "розшуку", "підозрю", "обвинувачу", "переслідує")


def _is_passive(view: View, i: int) -> bool:
    """A present passive ("здійснюється", "затверджуються") or "підлягає затвердженню" (not "підлягають
    відповідальності": liability, not an act done by an agent)."""
    t = view.tokens[i]
    if not t.is_word:
        return False
    if t.norm.endswith(_PASSIVE_ENDINGS) and _is_finite_present(t.norm) and not t.norm.startswith(_NO_ACT):
        return True  # "вважається прийнятим", "поширюється дія Закону": no act with an agent
    if not t.norm.startswith("підляга"):
        return False
    # "підлягає затвердженню", "підлягає невідкладному розгляду": an act to be done (not "відповідальності")
    return any(
        nxt.norm.endswith(("нню", "ттю")) or (nxt.norm in _ACTS_TO_UNDERGO) for nxt in view.tokens[i + 1 : i + 3]
    )


_ACTS_TO_UNDERGO = frozenset({"розгляду", "перегляду", "виконанню", "врахуванню"})
_CHARGED_RELATIVE = re.compile(r"^,?\s*на\s+(?:який|яку|яке|які)\s+поклада")


def _charged_by_relative(view: View, m: Mention) -> bool:
    """ "… ланкою Державної прикордонної служби України, на яку покладаються охорона …": the body the relative
    clause refers to is charged with it."""
    if m.token_end >= len(view.tokens):
        return False
    return bool(_CHARGED_RELATIVE.match(view.folded[view.tokens[m.token_end].start :]))


# "shall be returned by the requesting Party", "may be addressed directly by the judicial authorities": the agent
# of a passive after "by"
_EN_PASSIVE_AGENT = re.compile(
    r"^\s+be\s+(?:\w+ly\s+)?\w+\b(?:\s+\w+ly)?(?:\s+\w+){0,6}?\s+by\s+(?:the\s+|a\s+|any\s+|each\s+)?$"
)
# "Nothing in this Convention shall prevent X from …", "shall not prevent that Party from …": X may
_NOT_PREVENTED = re.compile(
    r"\b(?:shall\s+not|nothing\b[^.;]*\bshall)\s+prevent\s+(?:(?:that|the|a|any)\s+(?:\w+ing\s+)?)?$", re.I
)
# "may be addressed directly by the judicial authorities": a passive "may" is a power only with its agent named
_MAY_BE = re.compile(r"\bmay(?=\s+be\b)")
_PREVENT_CUE = re.compile(r"shall\s+(?:not\s+)?prevent\b")
# a passive whose agent is not named (the one with "by X" is found first): its subject undergoes the act
_EN_AGENTLESS_PASSIVE = re.compile(
    r"\s+(?:not\s+)?be\s+(?:\w+ly\s+)?(?!(?:required|obliged|bound|entitled|authori[sz]ed|empowered|permitted|allowed)\b)"
    r"\w+(?:ed|en|wn|nt|un)\b(?!\s+to\b)"
)


def _english(view: View, ctx: Context | None, cues: CueSet) -> list[NormCandidate]:
    """ "Each State Party shall ...": the mention before the cue in its clause bears the norm; the agent after "by"
    of a passive ("shall be returned by the requesting Party"); with no norm of its own, an item or a sentence
    under a lead-in bears the lead-in's ("the international organization shall:" + "manage the control system")."""
    found = _english_own(view, cues)
    if not found and ctx is not None and ctx.lead_ins:
        lead = ctx.lead_ins[-1]
        found = [
            replace(c, level=2, agent_source="lead-in", cue_start=None, cue_end=None) for c in _english_own(lead, cues)
        ]
        subjects = [m for m in lead.mentions if not _after_english_preposition(lead, m)]
        if not found and subjects:
            # "The requested State Party:" + "Shall provide to the requesting State Party copies …": the item's
            # modal, the lead-in's subject
            found = [
                NormCandidate(subjects[0].agency, c.modality, 1, "lead-in", c.start, c.end)
                for c in cues.find(view.folded, "en")
            ]
    return found


# "without the prior consent of the requested State Party", "with the authorization of the flag State": the body
# whose permission the act needs may give it (CONVENTIONS.md 18, 26)
_EN_PERMISSION = re.compile(
    r"\b(?:without|with|subject\s+to|upon)\s+(?:the\s+|its\s+|their\s+)?(?:(?:express|prior|written)\s+)*"
    r"(?:authori[sz]ation|consent|permission|approval)\s+of\s+(?:the\s+)?$"
)


def _english_own(view: View, cues: CueSet) -> list[NormCandidate]:
    found: list[NormCandidate] = []
    for m in view.mentions:
        if _NOT_PREVENTED.search(view.folded, 0, m.start):
            found.append(NormCandidate(m.agency, "power", 1, "subject"))
        elif _EN_PERMISSION.search(view.folded, 0, m.start):
            found.append(NormCandidate(m.agency, "power", 1, "permission"))
    may_be = [CueMatch("power", m.start(), m.end()) for m in _MAY_BE.finditer(view.folded)]
    for cue in sorted([*cues.find(view.folded, "en"), *may_be], key=lambda c: c.start):
        token = view.token_at(cue.start)
        start = _clause_start(view, token)
        end = _clause_end(view, token)
        by = [
            m
            for m in view.mentions
            if token < m.token_start < end and _EN_PASSIVE_AGENT.match(view.folded[cue.end : m.start])
        ]
        if by and cue.modality in ("duty", "power"):
            found.append(NormCandidate(by[0].agency, cue.modality, 1, "instrumental", cue.start, cue.end))
            continue
        if cue in may_be:
            continue
        if cue.modality in ("duty", "prohibition") and _EN_AGENTLESS_PASSIVE.match(view.folded, cue.end):
            continue  # "The Secretary-General shall be notified of …", "that person shall not be prosecuted"
        if _PREVENT_CUE.match(view.folded, cue.start):
            continue  # the prevented body's power is found above
        before = [m for m in view.mentions if start <= m.token_start and m.token_end <= token]
        while before:
            nearest = max(before, key=lambda m: m.token_end)
            # "the competent authorities of the Parties shall": the head of the phrase bears the norm
            while True:
                head = [m for m in before if m.token_end < nearest.token_start]
                gap = [t.norm for t in view.tokens[head[-1].token_end : nearest.token_start]] if head else []
                if head and gap and gap[0] == "of" and len(gap) <= 3:
                    nearest = head[-1]
                    continue
                break
            # "deposited with the Secretary-General, who shall transmit": the antecedent of "who" is the subject
            relative = _EN_WHO.match(view.folded, nearest.end) is not None
            if relative or not _after_english_preposition(view, nearest):
                found.append(NormCandidate(nearest.agency, cue.modality, 1, "subject", cue.start, cue.end))
                break
            # "A witness appearing before the judicial authorities … shall not": a body governed by a preposition is
            # no subject; an earlier body may be
            before = [m for m in before if m.token_end <= nearest.token_start]
    return found


_EN_WHO = re.compile(r",?\s+(?:who|which)\s+")
_EN_PREPOSITIONS = frozenset(
    {"before", "to", "by", "from", "with", "in", "on", "at", "for", "between", "among", "through", "via", "against"}
    | {"under", "upon", "into", "towards", "toward", "of", "than", "without", "within"}
)


def _after_english_preposition(view: View, m: Mention) -> bool:
    i = m.token_start - 1
    while i >= 0 and view.tokens[i].norm in EN_DETERMINERS:
        i -= 1
    return i >= 0 and view.tokens[i].norm in _EN_PREPOSITIONS


def candidates(view: View, ctx: Context, cues: CueSet | None = None) -> list[NormCandidate]:
    """Every candidate norm with its evidence, strongest cue level first."""
    cues = cues or default_cues()
    if view.lang == "en":
        return _english(view, ctx, cues)
    ctx.item = view
    if any(_DEFINITIONS_LEAD_IN.search(lead.folded) for lead in ctx.lead_ins):
        return []  # "Терміни … мають таке значення:": the items define words, they bind no body
    found = (
        _level1(view, ctx, cues)
        or _level2(ctx, cues)
        or _level3(view, ctx)
        or _stated_interaction(view, ctx)
        or _item_of_passive_power(view, ctx)
        or _instruction(view, ctx)
        or _bound_to_execute(view)
    )
    found = _exchange_of_co_subjects(view, ctx, found)
    bearers = {c.agent for c in found}
    # "Прокурор має право: … з дозволу суду ознайомлюватися …": the permitting body holds a power too;
    # "суд зобов'язує прокурора повідомити …": so is the obliged body bound
    extra = permission_holders(view) + _obliged(view)
    return found + [c for c in extra if c.agent not in bearers]


def _instructed(view: View) -> list[Mention]:
    """ "Кабінету Міністрів України: …", "Міністерству внутрішніх справ України, Службі безпеки України та органам
    прокуратури … забезпечити …", "Рекомендувати Генеральній прокуратурі України …": the bodies a final
    provision instructs, in the dative at its start, before an infinitive or a colon."""
    words = [i for i, t in enumerate(view.tokens) if t.is_word]
    if not words:
        return []
    start = words[0] + 1 if view.tokens[words[0]].norm == "рекомендувати" else words[0]
    opening = view.tokens[start].norm
    if opening in _PREPOSITIONS or "datv" not in cases(opening) or first_pos(opening) not in ("NOUN", "ADJF"):
        return []  # the list opens with its first body, in the dative
    # the list may open with a body the registry does not list ("Міністерству внутрішніх справ України, Службі …")
    first = next((m for m in view.mentions if start <= m.token_start <= start + 8), None)
    if first is None or not _in_dative(view, first):
        return []
    if any(not (t.is_word or t.text == ",") or is_infinitive(t.norm) for t in view.tokens[start : first.token_start]):
        return []
    group = [m for m in coordinated(view, view.mentions, first) if _in_dative(view, m)]
    end = max(m.token_end for m in group)
    for t in view.tokens[end : _clause_end(view, end) + 1]:
        if t.text == ":" or (t.is_word and is_infinitive(t.norm)):
            return group
        if t.is_word and _is_finite_present(t.norm):
            return []
    return []


_TO_EXECUTE = re.compile(r"\bобов'язков\w+\s+(?:для|до)\s+виконання\s+")


def _bound_to_execute(view: View) -> list[NormCandidate]:
    """ "Доручення слідчого, прокурора … є обов'язковими для виконання оперативним підрозділом": the body in the
    instrumental right after it must carry them out."""
    found: list[NormCandidate] = []
    for match in _TO_EXECUTE.finditer(view.folded):
        nxt = next((m for m in view.mentions if m.start == match.end()), None)
        if nxt is not None and "ablt" in mention_cases(view, nxt):
            found += [NormCandidate(m.agency, "duty", 4, "instrumental") for m in coordinated(view, view.mentions, nxt)]
    return found


def _in_dative(view: View, m: Mention) -> bool:
    """ "Службі безпеки України", "органам прокуратури" (the generic head carries the case)."""
    head = view.tokens[m.token_start - 1] if m.token_start else None
    if head is not None and is_generic_head(head) and "datv" in cases(head.norm):
        return True
    return "datv" in mention_cases(view, m)


def _instruction(view: View, ctx: Context) -> list[NormCandidate]:
    """A final provision's instruction to bodies (annotations: a duty of each), in the unit or, for an item, in its
    lead-in."""
    own = _instructed(view)
    if own:
        return [NormCandidate(m.agency, "duty", 1, "dative") for m in own]
    lead = ctx.lead_ins[-1] if ctx.lead_ins else None
    if lead is not None and lead.text.rstrip().endswith(":"):
        return [NormCandidate(m.agency, "duty", 2, "lead-in") for m in _instructed(lead)]
    return []


_OBLIGES = re.compile(r"\bзобов'язу(?:є|ють)\s+")


def _obliged(view: View) -> list[NormCandidate]:
    """The body right after "зобов'язує" (in the accusative) is bound to do what follows."""
    found: list[NormCandidate] = []
    for match in _OBLIGES.finditer(view.folded):
        token = view.token_at(match.end())
        found += [
            NormCandidate(m.agency, "duty", 4, "object", match.start(), match.end())
            for m in view.mentions
            if m.token_start == token
        ]
    return found


_PERMISSION = re.compile(
    r"\b(?:з|із|за)\s+(?:письмового\s+|письмовим\s+)?дозвол(?:у|ом)\s+|\bна\s+(?:письмову\s+)?вимогу\s+"
    r"|\bпід\s+контролем\s+"  # CONVENTIONS.md 18
    r"|\bбез\s+(?:письмового\s+)?дозволу\s+"
)
# "не розголошувати без дозволу слідчого, прокурора, суду": a forbidden act that the body may permit; an act that
# is allowed or punished without permission ("допускається без дозволу", "Розголошення без дозволу …, -") is none
_FORBIDDEN_BEFORE = re.compile(r"(?:^|\s)не\s+\w+")
_SUBORDINATE = re.compile(r"^(?:як(?:ий|а|е|і|ого|ої|их|ому|ій|им|ими)|що|якщо|коли)$")


def permission_holders(view: View) -> list[NormCandidate]:
    """ "здійснюється з дозволу митного органу та органу охорони державного кордону", "на вимогу митного органу
    … можуть бути виключені": the body whose permission or demand the act waits for holds a power (to permit,
    to demand); not in a subordinate clause ("дія, виконання якої можливе лише з дозволу прокурора")."""
    found: list[NormCandidate] = []
    covered = {i for m in view.mentions for i in range(m.token_start, m.token_end)}
    for match in _PERMISSION.finditer(view.folded):
        token = view.token_at(match.end())
        before = [i for i in range(_clause_start(view, token), token) if i not in covered][-10:]
        if any(_SUBORDINATE.match(view.tokens[i].norm) for i in before):
            continue
        if match.group().startswith("без") and not _FORBIDDEN_BEFORE.search(
            view.folded, view.tokens[_clause_start(view, token)].start, match.start()
        ):
            continue
        end = _roles_genitive_end(view, token)
        roles = end > token
        following = sorted((m for m in view.mentions if m.token_start >= end), key=lambda m: m.token_start)
        holders: list[str] = [ROLE_BEARER] if roles else []
        if following and following[0].token_start - end <= (2 if roles else 1):
            for m in following:
                between = view.tokens[end : m.token_start]
                if holders and (
                    len(between) > 3
                    or not any(t.norm in _COORDINATORS for t in between)
                    or not all(t.norm in _COORDINATORS or is_generic_head(t) for t in between)
                ):
                    break  # "На вимогу органів X органи Y надають": Y is the one asked, not a second holder
                holders.append(m.agency)
                end = m.token_end
        # none after "на вимогу утримувача товарів": a person, not a body
        found += [
            NormCandidate(a, "power", 4, "permission", match.start(), match.end()) for a in dict.fromkeys(holders)
        ]
    return found


def _roles_genitive_end(view: View, i: int) -> int:
    """ "з дозволу слідчого, прокурора або суду": where the investigators named by role (genitive) that open the
    list of permitting bodies end (i itself when none does)."""
    start = i
    while i < len(view.tokens) and (
        view.tokens[i].norm in _ROLES_GENITIVE or (i > start and view.tokens[i].norm in _COORDINATORS)
    ):
        i += 1
    while i > start and view.tokens[i - 1].norm in _COORDINATORS:
        i -= 1
    return i


_ROLES_GENITIVE = frozenset({"слідчого", "дізнавача", "детектива", "слідчих", "дізнавачів", "детективів"})


def _item_of_subject_lead_in(view: View, ctx: Context) -> list[NormCandidate]:
    """ "Прокурор в межах своєї компетенції:" / "Директор Національного бюро:" + "перевіряє …", "щороку подає …":
    a lead-in that names its subject and no verb; the item supplies the verb, in the plain present -> duty
    (annotations/CONVENTIONS.md, 10)."""
    if not ctx.lead_ins:
        return []
    lead = ctx.lead_ins[-1]
    inside = {i for m in lead.mentions for i in range(m.token_start, m.token_end)}  # "…, що реалізує … політику:"
    if not lead.text.rstrip().endswith(":") or any(
        t.is_word and _is_finite_present(t.norm) and i not in inside for i, t in enumerate(lead.tokens)
    ):
        return []
    words = [i for i in _outside_notes(view) if view.tokens[i].is_word][:8]
    verb = next(
        (i for i in words if _is_finite_present(view.tokens[i].norm) and view.tokens[i].norm not in _COPULA), None
    )
    if verb is None or any(m.token_start < verb for m in view.mentions):
        return []
    if any(
        is_nominative_noun(view.tokens[i].norm) and "gent" not in cases(view.tokens[i].norm) for i in words if i < verb
    ):
        return []  # "… строк продовжується": the item has a subject of its own
    subjects = [m for m in lead.mentions if is_subject(lead, m)][:1]
    if not subjects and lead.tokens and is_generic_head(lead.tokens[0]):
        subjects = [m for m in lead.mentions if m.token_start == 1]  # "Директор Національного бюро:"
    if subjects and lead.tokens[0].norm in _PREPOSITIONS:
        return []  # "На Державну прикордонну службу України покладаються:" has a verb; "Крім X:" has no subject
    found = coordinated(lead, lead.mentions, subjects[0]) if subjects else []
    return [NormCandidate(m.agency, "duty", 2, "lead-in") for m in found]


def _outside_notes(view: View) -> list[int]:
    """Token indexes outside editorial notes ("{Дію пункту 1 … зупинено …}") that the portal puts in the text."""
    kept, depth = [], 0
    for i, t in enumerate(view.tokens):
        depth += t.text == "{"
        if depth == 0:
            kept.append(i)
        depth -= t.text == "}" and depth > 0
    return kept


_EXCHANGE = re.compile(r"\b(?:(?:здійснюють|проводять|ведуть)\s+(?:взаємний\s+)?обмін\w*|обмінюються)\s+інформаці")


def _exchange_of_co_subjects(view: View, ctx: Context, found: list[NormCandidate]) -> list[NormCandidate]:
    """ "Державна прикордонна служба України та митні органи здійснюють обмін інформацією": an exchange stated
    between co-subjects binds the body the act is about, towards the others (annotations/CONVENTIONS.md, 4)."""
    agents = {c.agent for c in found}
    if len(agents) < 2 or ctx.act_agency not in agents or not _EXCHANGE.search(view.folded):
        return found
    return [c for c in found if c.agent == ctx.act_agency]


def _opens_with_interaction(view: View) -> bool:
    """The interaction noun is the sentence's subject: at its start, or after an opening adverbial ("З метою …
    обмін інформацією між …", "Під час досудового розслідування взаємодія …"), with no verb before it."""
    if _STATED_INTERACTION.match(view.folded):
        return True
    for i, t in enumerate(view.tokens):
        if t.is_word and (_is_finite_present(t.norm) or first_pos(t.norm) == "VERB"):
            return False
        if t.text == "," and i and not any(view.tokens[j].norm in ("метою", "час", "разі") for j in range(i)):
            return False  # a comma ends an opening adverbial only after "З метою", "Під час", "У разі"
        if t.is_word and _STATED_INTERACTION.match(view.folded[t.start :]):
            prev = view.tokens[i - 1].norm if i else ""
            forms = cases(t.norm)
            if "nomn" not in forms:
                return False
            if not forms & {"gent", "datv", "loct", "ablt"}:
                return True  # "взаємодія", "обмін": nominative (or accusative) only
            # "взаємодії" could be governed: not after "Під час", "Для здійснення"
            return prev not in _PREPOSITIONS | {"час", "для"} and not prev.endswith(("ння", "ття"))
    return False


def _stated_interaction(view: View, ctx: Context) -> list[NormCandidate]:
    """ "Взаємодія Бюро економічної безпеки України з … здійснюється …", "Обмін інформацією між Національним
    бюро та … здійснюється …": an interaction stated in the passive binds the body the act is about, when the
    sentence names it (annotations/CONVENTIONS.md, 4)."""
    if not ctx.act_agency or not (_opens_with_interaction(view) or _between_bodies(view, ctx.act_agency)):
        return []
    if not any(m.agency == ctx.act_agency for m in view.mentions):
        return []
    passive = any(t.is_word and t.norm.endswith(_PASSIVE_ENDINGS) for t in view.tokens)
    if any(c.agent_source == "instrumental" and c.agent != ctx.act_agency for c in _level4(view)):
        return []  # "Порядок взаємодії … визначається Кабінетом Міністрів України": the passive names its agent
    return [NormCandidate(ctx.act_agency, "duty", 4, "act")] if passive else []


# the stems of the nouns that name an interaction between bodies
INTERACTION_STEMS = r"(?:взаємоді|співробітництв|співпрац|обмін)"
_INTERACTION_NOUN = re.compile(rf"\b{INTERACTION_STEMS}\w*")


def _between_bodies(view: View, agency: str) -> bool:
    """ "здійснюється обмін інформацією між Державним бюро розслідувань та …", "Між X та Y здійснюється
    співпраця": an interaction noun and "між" with a list of bodies that includes the act's own body."""
    if not _INTERACTION_NOUN.search(view.folded):
        return False
    starts = view.starts
    for i, t in enumerate(view.tokens[:-1]):
        first = starts.get(i + 1)
        if t.norm == "між" and first is not None:
            bodies = {m.agency for m in coordinated(view, view.mentions, first)}
            return agency in bodies and len(bodies) > 1
    return False


def _item_of_passive_power(view: View, ctx: Context) -> list[NormCandidate]:
    """ "Строк … може бути продовжений:" / "прокурором, якщо …": an item naming the agent of a lead-in's
    passive "may be done" holds a power, not the plain passive's duty."""
    found = _level4(view) or _agents_of_lead_in_passive(view, ctx)
    if any(_PASSIVE_MODAL.search(lead.folded) for lead in ctx.lead_ins):
        # "Строк … може бути продовжений:" + "за рішенням митного органу, але не більше ніж на 30 днів …"
        found = found or [NormCandidate(m.agency, "power", 2, "decision") for m in deciders(view, 0, len(view.tokens))]
        return [replace(c, modality="power") if c.agent_source == "instrumental" else c for c in found]
    # "Права підрозділів, які здійснюють оперативно-розшукову діяльність": what the article's body does in the
    # passive under a heading of its rights is one of them
    return [
        replace(c, modality="power")
        if c.agent_source == "instrumental" and ctx.heading_modality == "power" and c.agent == ctx.heading_agency
        else c
        for c in found
    ]


def _agents_of_lead_in_passive(view: View, ctx: Context) -> list[NormCandidate]:
    """ "Письмове повідомлення про підозру здійснюється:" + "судді Вищого антикорупційного суду - Генеральним
    прокурором": an item naming in the instrumental the agent of its lead-in's passive (a duty; a power when the
    passive is "may be done", see _item_of_passive_power)."""
    lead = ctx.lead_ins[-1] if ctx.lead_ins else None
    if lead is None or not lead.text.rstrip().endswith(":"):
        return []
    if not (_PASSIVE_MODAL.search(lead.folded) or any(_is_passive(lead, i) for i in range(len(lead.tokens)))):
        return []
    for m in view.mentions:
        # the agent opens the item or follows its dash ("… - Генеральним прокурором"); an instrumental after a noun or
        # a participle is theirs ("призначення судом", "визначених слідчим, прокурором")
        if not (m.token_start == 0 or view.tokens[m.token_start - 1].text in _DASHES):
            continue
        if "ablt" in mention_cases(view, m):
            return [NormCandidate(x.agency, "duty", 2, "instrumental") for x in coordinated(view, view.mentions, m)]
    return []


def rule_norms(view: View, ctx: Context, cues: CueSet | None = None) -> set[tuple[str, str]]:
    return {(c.agent, c.modality) for c in candidates(view, ctx, cues)}


__all__ = [
    "Context",
    "CueMatch",
    "NormCandidate",
    "View",
    "analyse",
    "candidates",
    "read_context",
    "rule_norms",
]
