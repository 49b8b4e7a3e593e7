"""Counterparts: for each norm, the other agencies it names as partner or addressee, with an interaction
type (inform, request, assist, joint, coordinate, oversee, delegate) from the cue nearest to the mention.

A counterpart is never the agent itself; it may sit in the unit or in its lead-in; a body that no cue
relates to the agent (a place, the author of an act) is not a counterpart.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pipeline.tagging.cues import CueMatch, CueSet
from pipeline.tagging.mentions import Mention
from pipeline.tagging.morph import first_pos, is_verb_present_3rd
from pipeline.tagging.norms import (
    INTERACTION_STEMS,
    ROLE_BEARER,
    ROLES_NOMINATIVE,
    Context,
    View,
    coordinated,
    is_generic_head,
    is_subject,
    lead_in_interaction,
    mention_cases,
    permission_holders,
)

MAX_DISTANCE = 160  # characters between an interaction cue and the counterpart's mention


def _bound(text: str, cue_start: int) -> bool:
    """ "за погодженням із прокурором", "за згодою": an inserted phrase that takes one object (the body right
    after it, or a list), unlike a verb, which governs every object that follows it. "зобов'язує" too: it
    delegates to its object, not to the bodies of the task it sets."""
    if text.startswith("зобов'язу", cue_start):
        return True
    if text.startswith(("за ", "на "), cue_start):
        cue_start += 3
    elif not text.startswith(("за ", "на "), max(cue_start - 3, 0)):
        return False
    return text.startswith(("погодж", "згод"), cue_start) or _on_request(text, cue_start)


def _on_request(text: str, cue_start: int) -> bool:
    """ "за (письмовим) запитом X": acting on X's request."""
    return bool(re.match(r"(?:(?:за|на)\s+)?(?:письмов\w+\s+)?(?:запит|прохан|вимог)", text[cue_start:]))


# "Порядок взаємодії … визначається Кабінетом Міністрів України": the author of the procedure is no party to it
_PROCEDURE_AUTHOR = re.compile(r"^порядок\b[^;.:]*\b(?:визначається|встановлюється|затверджується)\s+$")
_PETITION_BEFORE = re.compile(r"\bклопотанн\w*\b(?:(?![;:]|\s(?:\w+(?:є|ють|ить|ать|ять))\s).)*$")
# "за клопотанням прокурора", "за письмовим клопотанням слідчого": the body that petitions the deciding one
_PETITIONER = re.compile(r"\bза\s+(?:\S+\s+)?клопотанням\s+(?:\S+\s+)?$")
_RELATIVE_CLAUSE = re.compile(r",\s+(?:які|який|яка|яке|яким|якими|яких)\s")
# "щодо яких X надано відповідь", "з якою Україною укладено": a relative clause opened by a preposition, still open
_OPEN_PREPOSITIONAL_RELATIVE = re.compile(
    r"\b(?:щодо|стосовно|відносно|з|із|у|в|на|до|від|за)\s+(?:яких|якої|якого|якому|якій|якими|яким)\s[^,;:]*$"
)
# a dot inside a number ("підпунктом 41.1.1 пункту 41.1") ends no clause
_CLAUSE_BREAK = re.compile(r"[;:]|\.(?!\d)")
_SENTENCE_BREAK = re.compile(r";|\.(?!\d)")


def _clause_start_at(text: str, pos: int) -> int:
    """Where the clause holding pos starts: after the last ";", ":" or sentence dot before it."""
    last = 0
    for match in _CLAUSE_BREAK.finditer(text, 0, pos):
        last = match.end()
    return last


_WITHOUT = re.compile(r"\bбез\s+(?:будь-як\w+\s+)?(?:\S+\s+)?$")
# "для звернення до …", "для складення та погодження …": the cue names the purpose
_PURPOSE = re.compile(
    r"(?:\bдля|\bз\s+метою)\s+(?:(?:подальшого|наступного|негайного)\s+)?(?:[^\s,;:.]+\s+(?:та|і|й)\s+)?$"
)
# "за клопотанням слідчого, погодженим з прокурором": the petition's approval, not the deciding body's partner
_PETITION_APPROVED = re.compile(r"\bклопотанн\w*(?:\s+[^\s,;:.]+){0,3},\s+$")
# "за його (письмовим) дорученням": acting on the order of the body named before (_on_its_order)
_ON_ITS_ORDER_PHRASE = r"за\s+(?:його|її|їх)\s+(?:письмовим\s+)?дорученням"
_ON_ITS_ORDER_CUE = re.compile(rf"\b{_ON_ITS_ORDER_PHRASE}$")
# "разом з її / його / їх …": a possessive before the object of "разом з" marks a thing, never a body
_NOT_A_BODY_NEXT = re.compile(r"\s+(?:її|його|їх|цим|цією|ними|такими|таким)\b")
# a participle describing a body by its task ("органу, відповідального за координацію виконання рішень")
_DESCRIBED_BY = re.compile(r",\s+(?:відповідальн|уповноважен)\w*\s+(?:за|на)\s+(?:\S+\s+)?$")
_PURPOSE_OPENS = re.compile(r"\b(?:для|з\s+метою)\s")
# "…, Державним бюро розслідувань, органом Бюро економічної безпеки України": a generic head may open an item
_LIST_GLUE = re.compile(
    r"^[\s,()]*(?:україни[\s,]*)?(?:(?:та|і|й|або|чи)\s+)?(?:інш\w*\s+)?(?:(?:орган|підрозділ)\w*\s+)?$"
)


def _listed(text: str, between: Sequence[Mention], start: int) -> bool:
    """Whether the bodies between a prepositional cue and a mention form one list with it ("за запитом
    слідчого, прокурора або суду")."""
    if not between:
        return True
    ends = [m.end for m in between]
    starts = [m.start for m in between[1:]] + [start]
    return all(_LIST_GLUE.match(text[e:s]) for e, s in zip(ends, starts, strict=True))


_CLOSES_RELATIVE = re.compile(r",\s+(?:а\s+також|а\s+так\s+само|та|і|й)\s")


def _inside_relative_clause(view: View, start: int, end: int) -> bool:
    """Whether a relative clause opened between start and end is still open at end: "повідомляє особу, яка
    притягується до відповідальності, а також митний орган" closes it before the second object."""
    text = view.folded
    opened = [m.end() for m in _RELATIVE_CLAUSE.finditer(text, start, end)]
    if not opened or _CLOSES_RELATIVE.search(text, opened[-1], end):
        return False
    # "повідомляє особу, яка її подала, прокурора": a comma right before the mention, with a verb in the clause
    # before it, closes the clause and goes on with the list of objects
    comma = text.rfind(",", opened[-1], end)
    if comma < 0 or text[comma + 1 : end].strip():
        return True
    return not any(
        t.is_word and first_pos(t.norm) == "VERB" for t in view.tokens if opened[-1] <= t.start and t.end <= comma
    )


_REQUEST_NOUN = re.compile(r"(?:запит|доручен|прохан|клопотан)\w*$")
_CAME_FROM = re.compile(
    r",\s+(?:які|що|який|яке|яка)\s+(?:надійшл|надход|надіслан|направлен)\w*\s+(?:\S+\s+){0,3}?від\s+$"
)


def _origin_of_request(text: str, cue: CueMatch, start: int) -> bool:
    """ "здійснює виконання запитів про надання правової допомоги, які надійшли від компетентних органів": the
    relative clause names who made the request the cue is about, so the body in it is the cue's partner."""
    return bool(_REQUEST_NOUN.search(text, cue.start, cue.end)) and bool(_CAME_FROM.search(text, cue.end, start))


_DONE_BY = re.compile(
    r",\s+(?:які|що|який|яке|яка)\s+(?:\S+\s+){0,2}?(?:проводиться|проводяться|здійснюється|здійснюються|провадиться"
    r"|провадяться)\s+(?:(?:детектив|слідч|працівник|посадов\w*\s+особ|підрозділ|орган)\w*\s+)?$"
)


def _agent_of_the_object(text: str, cue: CueMatch, start: int) -> bool:
    """ "здійснює нагляд за досудовими розслідуваннями, які проводяться детективами Національного бюро": the body
    that carries out what the cue is about is the cue's partner, though a relative clause names it."""
    return bool(_DONE_BY.search(text, cue.end, start))


def _in_closed_relative_clause(text: str, clause_start: int, cue: CueMatch, start: int) -> bool:
    """Whether the cue sits in a relative clause ("…, який здійснює нагляд за …,") that closes before the mention,
    with no other relative clause opening on the way to it."""
    comma = text.rfind(",", clause_start, cue.start)
    return (
        comma >= 0
        and _RELATIVE_CLAUSE.match(text, comma) is not None
        and ")" not in text[comma : cue.start]
        and "," in text[cue.end : start]
        and _RELATIVE_CLAUSE.search(text, cue.end, start) is None
    )


def _nearest_cue(view: View, start: int, end: int, cues: CueSet) -> str | None:
    """The cue that governs a mention: the nearest one before it in its clause (a verb governs all the
    objects that follow it: "виконувати доручення слідчого, вказівки прокурора та ухвали суду"), else the
    nearest one after it, within reach."""
    text = view.folded
    clause_start = _clause_start_at(text, start)
    before: tuple[int, str] | None = None
    after: tuple[int, str] | None = None
    # a word of a body's own name is no cue for it ("контроль за додержанням податкового законодавства"); in English,
    # of any body's name ("the competent authorities of the requested Party")
    names = [(m.start, m.end) for m in view.mentions] if view.lang == "en" else [(start, end)]
    for cue in cues.interactions(text):
        if any(a <= cue.start and cue.end <= b for a, b in names):
            continue
        if _WITHOUT.search(text, 0, cue.start):
            continue  # "Без будь-яких погоджень з Кабінетом Міністрів України": no interaction
        if _PURPOSE.search(text, 0, cue.start):
            continue  # "надсилає копію … до центрального органу для звернення до суду": a purpose (CONVENTIONS.md 5)
        if cue.modality == "request" and text.endswith("про ", 0, cue.start) and text.startswith("зверн", cue.start):
            continue  # "вносити подання прокурору про звернення до суду": the topic of the submission, not the agent's
        if _DESCRIBED_BY.search(text, 0, cue.start):
            continue  # "органу, відповідального за координацію …": the task of another body, named to describe it
        if _ON_ITS_ORDER_CUE.search(text, 0, cue.end):
            continue  # "слідчий або за його дорученням - підрозділи …": executors, not partners (_on_its_order)
        if text.startswith("погоджен", cue.start) and _PETITION_APPROVED.search(text, 0, cue.start):
            continue  # the consent given to a petition, not to the body deciding on it (CONVENTIONS.md 22)
        if cue.end <= start and cue.start >= clause_start:
            if _in_closed_relative_clause(text, clause_start, cue, start):
                continue  # "прокурор, який здійснює нагляд …, або суд": the clause describes the prosecutor
            if text.startswith("разом", cue.start) and (
                # "разом з X" joins X (or a list of bodies) to the act, not a later body; "разом з її автентичним
                # перекладом": with a thing, not a body
                not _listed(text, [m for m in view.mentions if cue.end <= m.start < start], start)
                or _NOT_A_BODY_NEXT.match(text, cue.end)
            ):
                continue
            if _PURPOSE_OPENS.search(text, cue.end, start):
                continue  # "надсилає копію … для звернення до Міжнародного кримінального суду": the purpose's body
            if _OPEN_PREPOSITIONAL_RELATIVE.search(text, cue.end, start):
                continue  # "надання пільги до товарів, … щодо яких компетентним органом …": another thing's clause
            if (
                _inside_relative_clause(view, cue.end, start)
                and not _origin_of_request(text, cue, start)
                and not _agent_of_the_object(text, cue, start)
            ):
                continue  # inside a clause about someone else ("осіб, які переховуються від суду")
            kind = cue.modality
            if _on_request(text, cue.start) and _PETITION_BEFORE.search(text, clause_start, cue.start):
                continue  # "розгляду клопотання … на прохання Міжнародного кримінального суду": the petition's origin
            if _bound(text, cue.start) and not _listed(
                text, [m for m in view.mentions if cue.end <= m.start < start], start
            ):
                if not _on_request(text, cue.start):
                    continue  # "за погодженням із прокурором" has its object; it does not govern later bodies
                kind = "request"  # "за письмовими запитами керівника … одержувати від банків": asked, not assisted
            if (
                kind == "assist"
                and _on_request(text, cue.start)
                and any(
                    c.modality == "inform"
                    and clause_start <= c.start
                    and not _CLAUSE_BREAK.search(text, cue.end, c.start)
                    for c in cues.interactions(text)
                )
            ):
                # "надає інформацію … за запитом митного органу", "за запитом X … зобов'язані надавати відомості": the
                # narrower type is stated
                kind = "inform"
            if before is None or cue.end > before[0]:
                before = (cue.end, kind)
        elif cue.start >= end and cue.start - end <= MAX_DISTANCE and not _SENTENCE_BREAK.search(text, end, cue.start):
            if "," in text[end : cue.start] and _RELATIVE_CLAUSE.search(text, clause_start, start):
                continue  # "особи, яка розшукується органами іноземних держав, та інформує": the clause has closed
            if _OPEN_PREPOSITIONAL_RELATIVE.search(text, clause_start, start):
                continue  # "товарів, … та щодо яких компетентним органом … надано відповідь": the clause's own actor
            if _RELATIVE_CLAUSE.search(text, end, cue.start):
                continue  # "за участю прокурора, особи, яка подала заяву": the cue is another's relative clause
            if text.startswith("зобов'язу", cue.start):
                continue  # it binds the body after it, not one before ("прокурор доведе …, суд … зобов'язує особу")
            if after is None or cue.start < after[0]:
                after = (cue.start, cue.modality)
        elif cue.start < end and cue.end > start:
            return cue.modality
    if before is not None:
        return before[1]
    return after[1] if after else None


_CONSENT = re.compile(r"(\S+)\s+за\s+погодженням\s+(?:з|із|зі)\s+$")


def _consent_owner(view: View, m: Mention) -> str | None:
    """ "Суд, прокурор або слідчий за погодженням з прокурором надсилає": the body (or investigator) right before
    "за погодженням з X" is the one who needs X's consent."""
    match = _CONSENT.search(view.folded[: m.start])
    if match is None:
        return None
    if match.group(1) in ROLES_NOMINATIVE:
        return ROLE_BEARER
    before = [x for x in view.mentions if x.end == match.end(1)]
    return before[0].agency if before else None


def _another_predicate_after(lead_in: View, m: Mention, cues: CueSet) -> bool:
    """Whether a verb other than an interaction cue follows the mention in a lead-in: then the items complete
    that verb ("… вислуховує думку прокурора та постановляє ухвалу про:"), not the interaction."""
    spans = [(c.start, c.end) for c in cues.interactions(lead_in.folded)]
    tokens = lead_in.tokens
    return any(
        tokens[i].is_word
        and first_pos(tokens[i].norm) in ("VERB", "INFN")
        and tokens[i - 1].norm in ("і", "та", "й", ",")  # a second predicate, not the one the interaction qualifies
        and not any(a <= tokens[i].start < b for a, b in spans)
        for i in range(m.token_end, len(tokens))
    )


_OBLIGES = re.compile(r"\bзобов'язу(?:є|ють)\s+$")


def _obliging(view: View, agents: Sequence[str], cues: CueSet) -> set[tuple[str, str, str]]:
    """ "слідчий суддя, суд зобов'язує прокурора повідомити … підрозділ Національної поліції": the obliging body
    delegates to the obliged one, and the obliged one interacts with the bodies its task names."""
    for i, m in enumerate(view.mentions):
        if not _OBLIGES.search(view.folded[: m.start]) or m.agency not in agents:
            continue
        obliged = m.agency
        before = [x.agency for x in view.mentions[:i] if x.agency in agents and x.agency != obliged]
        found = {(agent, obliged, "delegate") for agent in dict.fromkeys(before)}
        for later in view.mentions[i + 1 :]:
            kind = _nearest_cue(view, later.start, later.end, cues)
            if kind is not None and later.agency != obliged:
                found.add((obliged, later.agency, kind))
        return found
    return set()


def counterparts(view: View, ctx: Context, agents: Sequence[str], cues: CueSet) -> set[tuple[str, str, str]]:
    """(agent, counterpart, type) triples of a unit whose norms have these agents."""
    found: set[tuple[str, str, str]] = set()
    if not agents:
        return found
    obliging = _obliging(view, agents, cues)
    if obliging:
        return obliging
    authors = {m.agency for m in view.mentions if _PROCEDURE_AUTHOR.search(view.folded[: m.start])}
    agents = [a for a in agents if a not in authors]
    if not agents:
        return found
    sources = [view, *reversed(ctx.lead_ins)]
    own_cues = cues.interactions(view.folded)  # an item's own interaction names the kind of the lead-in's partner
    for source in sources:
        # "з дозволу митного органу та органу охорони …": permitting bodies hold a power and are still partners
        permitting = {c.agent for c in permission_holders(source)}
        for m in source.mentions:
            if cues.names_an_author(source.folded[: m.start]):
                continue
            if source is not view and _another_predicate_after(source, m, cues):
                continue  # "… вислуховує думку прокурора та постановляє ухвалу про:": the items are the later verb's
            owner = _consent_owner(source, m)
            if owner is not None:
                if owner in agents and owner != m.agency:
                    found.add((owner, m.agency, "coordinate"))  # "слідчий за погодженням з прокурором": his, not all's
                continue
            if "court" in agents and _PETITIONER.search(source.folded, 0, m.start):
                continue  # "слідчий суддя за клопотанням прокурора доручає": a party's motion (CONVENTIONS.md 22)
            if (
                _topic(source, m, cues)
                or _party_to_others_procedure(source, m, agents)
                or (source is view and m.agency not in agents and _acts_itself(view, m, agents, cues))
            ):
                continue
            kind = _nearest_cue(source, m.start, m.end, cues)
            if kind is None and source is view:
                kind = _cue_the_item_completes(view, ctx, m, cues)
            if kind is None:
                continue
            if source is not view and own_cues:
                kind = own_cues[0].modality  # "…спільно з митними органами суміжних держав:" + "обмін інформацією"
            if _not_a_partner_en(source, m, kind):
                continue
            if m.agency in agents and len(agents) > 1 and m.agency not in permitting and not _bears_its_own(source, m):
                continue  # one of a list of bearers ("підрозділи поліції, НАБУ, ДБР ... здійснюють"), not a partner
            for agent in agents:
                if m.agency != agent and not {agent, m.agency} <= permitting:
                    found.add((agent, m.agency, kind))  # "з дозволу митного органу та органу охорони": co-holders
        if found:
            break  # the unit's own counterparts; the lead-in's only when the unit names none
    return found | _on_its_order(view, agents)


_EN_OWN = re.compile(r"\b(?:its|their)\s+$")
_EN_ACTING = re.compile(r"\bby(?:\s+(?:the|a|an|any|each))?\s+$")


def _not_a_partner_en(view: View, m: Mention, kind: str) -> bool:
    """ "coordination between their competent authorities": the bearer's own bodies, but for a task given to them
    ("empower its courts" delegates) or a matter submitted to them ("submit to its competent authorities … an
    order" asks them); "heard by the judicial authorities of another State Party": the agent of another act, but
    for the author of requests carried out ("execute requests made by X"). Neither is a partner, in English."""
    if view.lang != "en":
        return False
    if kind not in ("delegate", "request", "assist") and _EN_OWN.search(view.folded, 0, m.start):
        return True
    return kind != "assist" and _EN_ACTING.search(view.folded, 0, m.start) is not None


def _bears_its_own(view: View, m: Mention) -> bool:
    """ "shall be referred by the Contracting Parties to the Management Committee which shall thereupon consider
    the dispute": in English, a partner that bears a norm of its own in a relative clause is still the partner."""
    return view.lang == "en" and re.match(r"\s*,?\s*(?:which|who)\s", view.folded[m.end :]) is not None


def _cue_the_item_completes(view: View, ctx: Context, m: Mention, cues: CueSet) -> str | None:
    """ "Служба безпеки України взаємодіє з:" + "органами Національної поліції;": an item that opens with a body
    completes the interaction its lead-in ends with, so the body is the lead-in's partner."""
    before = [t for t in view.tokens[: m.token_start] if t.is_word]
    if (
        not ctx.lead_ins
        or len(before) > 2
        or any(t.norm not in ("з", "із", "зі") and not is_generic_head(t) for t in before)
    ):
        return None  # the body opens the item ("органам …", "з органами Служби безпеки України …")
    return lead_in_interaction(ctx.lead_ins[-1], cues)


_ON_ITS_ORDER = re.compile(rf"(\S+)\s+{_ON_ITS_ORDER_PHRASE}\b")


def _on_its_order(view: View, agents: Sequence[str]) -> set[tuple[str, str, str]]:
    """ "Прокурор або слідчий за його дорученням зобов'язаний": the investigator acting on the body's order named
    right before assists it (CONVENTIONS.md 1)."""
    found: set[tuple[str, str, str]] = set()
    if ROLE_BEARER not in agents:
        return found
    for match in _ON_ITS_ORDER.finditer(view.folded):
        if match.group(1) not in ROLES_NOMINATIVE:
            continue
        before = [m for m in view.mentions if m.end <= match.start(1)]
        if before and before[-1].agency != ROLE_BEARER:
            found.add((ROLE_BEARER, before[-1].agency, "assist"))
    return found


# "визначає / затверджує порядок …" with no verb or clause break before the mention: a body inside the procedure
# being set
_PROCEDURE_SET = re.compile(
    r"\b(?:визнача|затверджу|встановлю|розробля)\w*\s+(?:\S+\s+){0,2}?(?:порядок|порядки|умови)\b[^;:.,]*?"
    rf"{INTERACTION_STEMS}\w*[^;:.]*$"
)

_PROCEDURE_OPENS = re.compile(rf"(?:\S+\s+){{0,2}}?порядок\b[^;:.]*?{INTERACTION_STEMS}")


def _topic(view: View, m: Mention, cues: CueSet) -> bool:
    """ "вирок щодо прокурора", "стосовно судді", "рішення про звільнення прокурора", "через відповідну обласну
    прокуратуру": the body a decision is about, a channel (CONVENTIONS.md 12), or the body acted upon by a personnel
    or organisational action outside any interaction cue, is no partner."""
    if m.token_start == 0:
        return False
    prev = view.tokens[m.token_start - 1]
    before = view.tokens[m.token_start - 2] if m.token_start > 1 and first_pos(prev.norm) == "ADJF" else prev
    if prev.norm in ("щодо", "стосовно", "відносно") or before.norm == "через":
        return True
    if _PROCEDURE_SET.search(view.folded, 0, m.start):
        return True  # "визначає порядок обміну інформацією між МВС, поліцією …": the procedure's parties
    return (
        prev.norm.startswith(_PERSONNEL_ACTIONS)
        and "gent" in mention_cases(view, m)
        and not any(c.start <= prev.start < c.end for c in cues.interactions(view.folded))
    )


def _party_to_others_procedure(view: View, m: Mention, agents: Sequence[str]) -> bool:
    """ "Порядок … взаємодії митних органів з правовласниками … визначає центральний орган …": the parties of a
    procedure that opens the sentence are no partners of the body that sets it, unless that body is a party too
    ("Порядок обміну інформацією … Бюро економічної безпеки України та інших органів … встановлюється")."""
    if not _PROCEDURE_OPENS.match(view.folded):
        return False
    verb = next((i for i, t in enumerate(view.tokens) if t.is_word and is_verb_present_3rd(t.norm)), len(view.tokens))
    parties = [x for x in view.mentions if x.token_end <= verb]
    return m in parties and not any(x.agency in agents for x in parties)


# action nouns whose genitive is the body or official acted upon ("звільнення прокурора", "утворення бюро")
_PERSONNEL_ACTIONS = ("звільнен", "призначен", "притягнен", "відсторонен", "утворен", "ліквідац", "реорганізац")


def _acts_itself(view: View, m: Mention, agents: Sequence[str], cues: CueSet) -> bool:
    """ "Якщо слідчий, прокурор подав … клопотання, слідчий суддя, суд приймає рішення": a body in the nominative,
    with no interaction cue before it in its clause, is the subject of its own predicate (here of the "if"
    clause), not a partner of the unit's bearer."""
    if not is_subject(view, m) or any(x.agency in agents for x in coordinated(view, view.mentions, m)):
        return False  # "Державне бюро розслідувань та органи поліції обмінюються": co-subjects (CONVENTIONS.md 4)
    clause_start = _clause_start_at(view.folded, m.start)
    return not any(clause_start <= c.start < m.start for c in cues.interactions(view.folded))
