"""The tagger: agency registry and mentions, norm rules, the model, metrics, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.errors import ConfigError
from pipeline.tagging.evaluate import GoldUnit, Prediction, errors, load_gold, score
from pipeline.tagging.mentions import find_mentions
from pipeline.tagging.registry import Name, load_registry, surface_forms
from pipeline.tagging.tagger import Tagger, TaggingError
from tests.conftest import shared_path


def spans(text: str, work: str | None = None, lang: str = "uk") -> list[tuple[str, str]]:
    return [(text[m.start : m.end], m.agency) for m in find_mentions(text, work=work, lang=lang)]


@pytest.mark.parametrize(
    ("name", "forms"),
    [
        ("митний орган", {"митні органи", "митних органів", "митними органами", "митному органу", "митним органам"}),
        ("Служба безпеки України", {"служба безпеки україни", "службою безпеки україни", "службі безпеки україни"}),
        ("Державна прикордонна служба України", {"державній прикордонній службі україни"}),
        (
            "центральний орган виконавчої влади, що реалізує державну митну політику",
            {"центральним органом виконавчої влади , що реалізує державну митну політику"},
        ),
    ],
)
def test_inflected_forms_are_generated_from_the_dictionary_form(name: str, forms: set[str]) -> None:
    generated = surface_forms(Name("x", name))
    assert forms <= {f.replace(",", " ,") if "," in f and " ," not in f else f for f in generated} | generated


@pytest.mark.parametrize(
    ("text", "work", "expected"),
    [
        (
            "Митні органи взаємодіють з правоохоронними органами.",
            None,
            [("Митні органи", "customs"), ("правоохоронними органами", "law_enforcement")],
        ),
        ("посадові особи митних органів України", None, [("митних органів", "customs")]),
        ("надавати органам Національної поліції інформацію", None, [("Національної поліції", "police")]),
        # names the registry now lists: short forms, abbreviations, units of a body
        ("Морська охорона здійснює охорону кордону на морі", None, [("Морська охорона", "border_guard")]),
        ("надсилає Держфінмоніторингу", None, [("Держфінмоніторингу", "fiu")]),
        ("інформує НБУ", None, [("НБУ", "nbu")]),
        (
            "Головне управління розвідки Міністерства оборони України",
            None,
            [("Головне управління розвідки", "intelligence")],
        ),
        # coordinated adjectives that each name a body give a span each, also under a foreign tail (CONVENTIONS 20)
        (
            "пропозицій міжнародних та іноземних організацій",
            None,
            [("міжнародних", "foreign_authority"), ("іноземних організацій", "foreign_authority")],
        ),
        (
            "митних та правоохоронних органів іноземних держав",
            None,
            [("митних", "foreign_authority"), ("правоохоронних органів іноземних держав", "foreign_authority")],
        ),
        # the International Criminal Court is a foreign body; the level of a prosecutor's office is in the span
        (
            "прохання Міжнародного кримінального суду",
            "4651-17",
            [("Міжнародного кримінального суду", "foreign_authority")],
        ),
        ("прокурор обласної прокуратури", "4651-17", [("обласної прокуратури", "prosecutor")]),
        # a generic head before a body in the genitive is not a mention; before one in another case it is
        (
            "прокурорами Спеціалізованої антикорупційної прокуратури",
            None,
            [("Спеціалізованої антикорупційної прокуратури", "prosecutor")],
        ),
        (
            "Органам Національної поліції митні органи передають",
            None,
            [("Національної поліції", "police"), ("митні органи", "customs")],
        ),
        ("детективи Бюро економічної безпеки України", None, [("Бюро економічної безпеки України", "beb")]),
        (
            "повідомляти Службу безпеки України та Державну прикордонну службу України",
            None,
            [("Службу безпеки України", "sbu"), ("Державну прикордонну службу України", "border_guard")],
        ),
        ('відповідно до Закону України "Про Національну поліцію"', None, []),
        ("положенням про митницю", None, []),
        ("поліцейський має право", None, [("поліцейський", "police")]),
        ("поліцейські заходи", None, []),
        (
            "спільно з митними органами суміжних держав",
            None,
            [("митними органами суміжних держав", "foreign_authority")],
        ),
        ("Національне бюро зобов'язане", "1698-18", [("Національне бюро", "nabu")]),
        ("Національне бюро зобов'язане", "4495-17", []),
        ("оперативного підрозділу Служби безпеки України", None, [("Служби безпеки України", "sbu")]),
        (
            "прокурором Спеціалізованої антикорупційної прокуратури",
            None,
            [("Спеціалізованої антикорупційної прокуратури", "prosecutor")],
        ),
        (
            "правоохоронних та інших державних органів",
            None,
            [("правоохоронних та інших державних органів", "law_enforcement")],
        ),
        ("слідчий суддя постановляє ухвалу", None, [("слідчий суддя", "court")]),
        ("податкові та митні органи", None, [("податкові", "tax"), ("митні органи", "customs")]),
        (
            "запити органів правопорядку (правоохоронних органів) інших держав",
            "580-19",
            [("органів правопорядку (правоохоронних органів) інших держав", "foreign_authority")],
        ),
        ("СБУ та НАБУ", None, [("СБУ", "sbu"), ("НАБУ", "nabu")]),
        # a court's statutory level belongs to its span; a judge before the court's name is a generic head
        ("Ухвала суду першої інстанції", None, [("суду першої інстанції", "court")]),
        (
            "розглядається слідчим суддею відповідного апеляційного суду",
            None,
            [("апеляційного суду", "court")],
        ),
        (
            "Судові рішення суду апеляційної та касаційної інстанцій",
            None,
            [("суду апеляційної та касаційної інстанцій", "court")],
        ),
        ("дані органів слідства", None, [("органів слідства", "law_enforcement")]),
        ("суддя-доповідач витребовує матеріали", None, [("суддя-доповідач", "court")]),
        # a name the registry skips: the former tax police is no mention, and not the police of "міліція"
        (
            "ветеранів Національної поліції України, податкової міліції, міліції",
            "1150-20",
            [("Національної поліції України", "police"), ("міліції", "police")],
        ),
    ],
)
def test_agency_mentions_follow_the_span_rules(text: str, work: str | None, expected: list[tuple[str, str]]) -> None:
    assert spans(text, work) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Each State Party shall adopt such measures.", [("State Party", "state_party")]),
        (
            "Customs may require documents; the competent authorities shall cooperate with law enforcement agencies.",
            [
                ("Customs", "customs"),
                ("competent authorities", "competent_authority"),
                ("law enforcement agencies", "law_enforcement"),
            ],
        ),
        ("customs duties shall be paid", []),
        (  # agencies.md: "customs authorities of the requested Party" -> customs
            "the customs authorities of the requested Party shall assist the Customs of each Party",
            [("customs authorities of the requested Party", "customs"), ("Customs of each Party", "customs")],
        ),
        (
            "Each State Party shall inform the other State Party",
            [("State Party", "state_party"), ("State Party", "state_party")],
        ),
    ],
)
def test_english_mentions(text: str, expected: list[tuple[str, str]]) -> None:
    assert spans(text, lang="en") == expected


ART_544 = "Стаття 544. Призначення та основні завдання митних органів"
ART_25 = "Стаття 25. Права Служби безпеки України"
ART_16 = "Стаття 16. Обов’язки Національного бюро"


@pytest.mark.parametrize(
    ("text", "context", "work", "expected"),
    [
        # 1: a modal word with its subject
        ("Митні органи зобов’язані письмово повідомляти правоохоронні органи.", "", "4495-17", {("customs", "duty")}),
        ("Поліцейський має право вимагати від особи припинення правопорушення.", "", "580-19", {("police", "power")}),
        ("Митні органи не мають права розголошувати відомості.", "", "4495-17", {("customs", "prohibition")}),
        ("Службі безпеки України надається право залучати спеціалістів.", "", "2229-12", {("sbu", "power")}),
        # two norms in one unit
        (
            "Митні органи зобов’язані повідомляти, а правоохоронні органи мають право запитувати інформацію.",
            "",
            "4495-17",
            {("customs", "duty"), ("law_enforcement", "power")},
        ),
        # 2: the lead-in governs the item
        ("проводити огляд товарів;", ART_544 + "\nМитні органи мають право:", "4495-17", {("customs", "power")}),
        (
            "запобігання та протидія контрабанді;",
            ART_544 + "\nМитні органи виконують такі основні завдання:",
            "4495-17",
            {("customs", "task")},
        ),
        # 3: the heading, when neither the item nor its lead-in has a modal word
        (
            "здійснює досудове розслідування кримінальних правопорушень;",
            ART_16 + "\nНаціональне бюро:",
            "1698-18",
            {("nabu", "duty")},
        ),
        (
            "вимагати від громадян припинення правопорушень;",
            ART_25 + "\nСлужба безпеки України відповідно до покладених на неї завдань:",
            "2229-12",
            {("sbu", "power")},
        ),
        # 4: plain present tense, and the passive with the agent in the instrumental
        ("Митні органи інформують заінтересованих осіб про митні правила.", "", "4495-17", {("customs", "duty")}),
        ("Митний контроль здійснюється митними органами.", "", "4495-17", {("customs", "duty")}),
        # investigators: by role alone, listed with a body, or as the head of a named body
        (
            "Слідчий, дізнавач протягом 24 годин повідомляє прокурора про початок розслідування.",
            "Стаття 214. Початок досудового розслідування",
            "4651-17",
            {("law_enforcement", "duty")},
        ),
        (
            "Слідчий, дізнавач, прокурор невідкладно зобов’язані внести відомості до реєстру.",
            "Стаття 214. Початок досудового розслідування",
            "4651-17",
            {("law_enforcement", "duty"), ("prosecutor", "duty")},
        ),
        (
            "Керівник органу досудового розслідування організовує досудове розслідування.",
            "Стаття 39. Керівник органу досудового розслідування",
            "4651-17",
            {("law_enforcement", "duty")},
        ),
        ("Слідчі (розшукові) дії проводяться невідкладно.", "Стаття 223. Вимоги", "4651-17", set()),
        # an officer with his modal predicate; a ban on a dative officer; a subject after a genitive phrase
        (
            "Поліцейський уповноважений застосовувати вогнепальну зброю тільки після попередження.",
            "Стаття 46. Застосування вогнепальної зброї",
            "580-19",
            {("police", "power")},
        ),
        (
            "Поліцейському заборонено застосовувати вогнепальну зброю в місцях скупчення людей.",
            "Стаття 46. Застосування вогнепальної зброї",
            "580-19",
            {("police", "prohibition")},
        ),
        (
            "З метою здійснення митного контролю після випуску товарів митні органи мають право направляти "
            "письмові запити.",
            "Стаття 334. Документи",
            "4495-17",
            {("customs", "power")},
        ),
        # "may be done by" with the agent in the instrumental; the agent of a relative clause is not its
        (
            "Продовження строку може бути здійснено Головою Служби безпеки України за погодженням із "
            "Генеральним прокурором.",
            "Стаття 9-1. Строки",
            "2135-12",
            {("sbu", "power")},
        ),
        (
            "Форми митного контролю можуть бути змінені у порядку, що визначається центральним органом виконавчої "
            "влади, що забезпечує формування та реалізує державну фінансову політику.",
            "Стаття 320. Вибірковість",
            "4495-17",
            {("mof", "duty")},
        ),
        # a pronoun before the modal word stands for the body last named as subject or agent
        (
            "Якщо відомості до реєстру внесені прокурором, він зобов’язаний передати матеріали.",
            "Стаття 214. Початок досудового розслідування",
            "4651-17",
            {("prosecutor", "duty")},
        ),
        # object first, subjects after the verb
        (
            "Спори про підслідність вирішує керівник органу прокуратури вищого рівня.",
            "Стаття 218. Місце проведення досудового розслідування",
            "4651-17",
            {("prosecutor", "duty")},
        ),
        (
            "Клопотання про видачу особи готує слідчий, прокурор за погодженням з керівником.",
            "Стаття 575. Порядок підготовки документів",
            "4651-17",
            {("law_enforcement", "duty"), ("prosecutor", "duty")},
        ),
        # an item naming the agent of the lead-in's passive "may be extended" holds a power
        (
            "прокурором, якщо негласна слідча (розшукова) дія проводиться за його рішенням;",
            "Стаття 246. Підстави\nСтрок проведення негласної слідчої (розшукової) дії може бути продовжений:",
            "4651-17",
            {("prosecutor", "power")},
        ),
        # the right named before its holder; partners listed after "за погодженням з" are not the passive's agent
        (
            "Право на подання апеляційної скарги мають також прокурори вищого рівня.",
            "Стаття 36. Прокурор",
            "4651-17",
            {("prosecutor", "power")},
        ),
        (
            "Положення про реєстр затверджуються Офісом Генерального прокурора за погодженням з Міністерством "
            "внутрішніх справ України, Службою безпеки України, Національним антикорупційним бюро України.",
            "Стаття 214. Початок досудового розслідування",
            "4651-17",
            {("prosecutor", "duty")},
        ),
        # the body whose permission or demand an act waits for holds a power; not inside a subordinate clause
        (
            "Відправлення залізничних транспортних засобів з місць стоянки здійснюється з дозволу митного органу "
            "та органу охорони державного кордону України.",
            "Стаття 220. Місце здійснення митних формальностей",
            "4495-17",
            {("customs", "power"), ("border_guard", "power")},
        ),
        (
            "За письмовою заявою декларанта та з дозволу митного органу можуть здійснюватися операції з товарами.",
            "Стаття 325. Операції з товарами",
            "4495-17",
            {("customs", "power")},
        ),
        (
            "Якщо необхідно провести процесуальну дію, виконання якої в Україні можливе лише з дозволу прокурора "
            "або суду, така дія здійснюється лише за умови отримання відповідного дозволу.",
            "Стаття 562. Виконання запиту",
            "4651-17",
            set(),
        ),
        # a relative clause charging the body it refers to
        (
            "Прикордонний загін є основною оперативно-службовою ланкою Державної прикордонної служби України, на "
            "яку покладаються охорона певної ділянки державного кордону.",
            "Стаття 10. Органи охорони державного кордону",
            "661-15",
            {("border_guard", "duty")},
        ),
        # a passive's list of heads goes on through their bodies; a unit followed by its body is not an agent
        (
            "Постанова підлягає затвердженню начальником органу Національної поліції, органу Служби безпеки "
            "України, оперативного підрозділу органу Державного бюро розслідувань, Державної прикордонної служби "
            "України.",
            "Стаття 9. Гарантії законності",
            "2135-12",
            {("police", "duty"), ("sbu", "duty"), ("dbr", "duty"), ("border_guard", "duty")},
        ),
        (
            "За передачу і розголошення цих відомостей працівники оперативних підрозділів, а також особи, яким ці "
            "відомості були довірені при здійсненні оперативно-розшукової діяльності, підлягають відповідальності.",
            "Стаття 9. Гарантії законності",
            "2135-12",
            set(),
        ),
        # a copula is no verb of an inverted subject
        ("Органами досудового розслідування є органи, що здійснюють досудове слідство.", "", "4651-17", set()),
        # a lead-in naming its subject without a verb: the item's plain present is that subject's duty
        (
            "перевіряє законність рішень органів, що здійснюють оперативно-розшукову діяльність;",
            "Стаття 14. Нагляд за додержанням законів\nПрокурор в межах своєї компетенції:",
            "2135-12",
            {("prosecutor", "duty")},
        ),
        (
            "інформує Кабінет Міністрів України з основних питань діяльності Національного бюро;",
            "Стаття 26. Контроль за діяльністю Національного бюро\nДиректор Національного бюро:",
            "1698-18",
            {("nabu", "duty")},
        ),
        # the subject's verb after an adverbial phrase with a relative clause inside
        (
            "Органи прокуратури згідно з міжнародними договорами України, згода на обов’язковість яких надана "
            "Верховною Радою України, здійснюють співробітництво з компетентними органами інших держав.",
            "Стаття 92. Міжнародно-правове співробітництво",
            "1697-18",
            {("prosecutor", "duty")},
        ),
        # a body governed by a noun is not the subject of the modal word ("Національного бюро" is no nominative)
        (
            "Письмовий звіт про діяльність Національного бюро повинен містити інформацію про:",
            "Стаття 26. Контроль за діяльністю Національного бюро та його підзвітність",
            "1698-18",
            set(),
        ),
        # items of a subject the registry does not list; the body after "з" in the heading is not its subject
        (
            "затверджує стратегічні програми діяльності поліції;",
            "Стаття 16. Основні повноваження Міністра внутрішніх справ України у відносинах з поліцією\n"
            "Міністр внутрішніх справ України:",
            "580-19",
            set(),
        ),
        # an item whose verb comes after an adverbial of time, under a verbless subject lead-in
        (
            "щороку не пізніше 10 лютого та 10 серпня подає Кабінету Міністрів України письмовий звіт;",
            "Стаття 26. Контроль за діяльністю Національного бюро\nДиректор Національного бюро:",
            "1698-18",
            {("nabu", "duty")},
        ),
        # the body after an interaction noun that opens the clause acts
        (
            "Співробітництво органів прокуратури з компетентними органами інших держав не може здійснюватися "
            "всупереч законодавству України.",
            "Стаття 92. Міжнародно-правове співробітництво",
            "1697-18",
            {("prosecutor", "prohibition")},
        ),
        # a negated passive bars its agent
        (
            "Акти Національного бюро не можуть бути скасовані повністю чи в окремій частині Кабінетом Міністрів "
            "України.",
            "Стаття 4. Гарантії незалежності Національного бюро",
            "1698-18",
            {("cmu", "prohibition")},
        ),
        # the permitting body holds a power beside the item's bearer
        (
            "з дозволу суду ознайомлюватися з матеріалами справи в суді;",
            "Стаття 23. Представництво\nПрокурор має право:",
            "1697-18",
            {("prosecutor", "power"), ("court", "power")},
        ),
        # a post's holder named after "посади" is not the passive's agent
        (
            "Директор Державного бюро розслідувань призначається на посаду Президентом України за поданням комісії "
            "з проведення конкурсу на зайняття посади Директора Державного бюро розслідувань.",
            "Стаття 11. Порядок призначення Директора",
            "794-19",
            set(),
        ),
        # a subject before the verb, agreeing with it, leaves the body after the verb its object
        (
            "Про рішення, прийняті за результатами розгляду прохання, центральний орган України невідкладно інформує "
            "Міжнародний кримінальний суд.",
            "Стаття 621. Виконання прохання",
            "4651-17",
            set(),
        ),
        # the body in an "if" clause of a lead-in is not the subject of its items
        (
            "прибувати до визначеної службової особи із встановленою періодичністю;",
            "Стаття 194. Застосування запобіжного заходу\nЯкщо під час розгляду клопотання прокурор доведе наявність "
            "обставин, слідчий суддя, суд покладає на підозрюваного такі обов’язки:",
            "4651-17",
            {("court", "duty")},
        ),
        # the body obliged by another is bound too
        (
            "Слідчий суддя зобов’язує прокурора повідомити уповноважений підрозділ органу Національної поліції.",
            "Стаття 194. Застосування запобіжного заходу",
            "4651-17",
            {("court", "duty"), ("prosecutor", "duty")},
        ),
        # what is done to a body is not its norm; the agent of the passive is ("з посад керівником …")
        ("Прокурор звільняється з посади у разі:", "Стаття 51. Підстави для звільнення", "1697-18", set()),
        (
            "Керівники митних постів призначаються на посади і звільняються з посад керівником центрального органу "
            "виконавчої влади, що реалізує державну митну політику.",
            "Стаття 547. Митні пости",
            "4495-17",
            {("customs", "duty")},
        ),
        # "може бути позбавлений": done to the body; "згідно із статтею" is no list of partners
        (
            "Поліцейські можуть бути позбавлені спеціального звання на підставі вироку суду.",
            "Стаття 85. Пониження та позбавлення спеціальних звань поліції",
            "580-19",
            set(),
        ),
        (
            "Рішення про здійснення дистанційного досудового розслідування приймається прокурором, а в разі допиту "
            "згідно із статтею 225 цього Кодексу - слідчим суддею.",
            "Стаття 232. Проведення допиту у режимі відеоконференції",
            "4651-17",
            {("prosecutor", "duty"), ("court", "duty")},
        ),
        # a lead-in opening a sentence of its own takes its items; an outer lead-in's agent does not reach them
        (
            "у разі надсилання в електронній формі - дата і час електронного повідомлення;",
            "Стаття 344-1. Пост-митний контроль\nНаправлення митними органами повідомлень здійснюється в один із "
            "таких способів:\nДнем отримання документів вважається:",
            "4495-17",
            set(),
        ),
        # an investigator coordinated with the subject body bears the norm too, not one in an "if" clause; a modal
        # word after a relative pronoun is its antecedent's
        (
            "У разі необхідності провести обшук слідчий за погодженням з прокурором або прокурор звертається до "
            "слідчого судді з відповідним клопотанням, яке повинно містити відомості про:",
            "Стаття 234. Обшук",
            "4651-17",
            {("law_enforcement", "duty"), ("prosecutor", "duty")},
        ),
        (
            "Слідчий суддя відмовляє у задоволенні клопотання про обшук, якщо прокурор, слідчий не доведе наявність "
            "достатніх підстав вважати, що:",
            "Стаття 234. Обшук",
            "4651-17",
            {("court", "duty")},
        ),
        # an investigator in the instrumental is the passive's agent; the consenting body after "з" is not
        (
            "Виконання спеціального завдання не може перевищувати шість місяців, а в разі необхідності строк його "
            "виконання продовжується слідчим за погодженням з керівником органу досудового розслідування.",
            "Стаття 272. Виконання спеціального завдання",
            "4651-17",
            {("law_enforcement", "duty")},
        ),
        # more ways of granting powers: a dative head, "До повноважень X належать", "правомочна", "надаються такі права"
        (
            "Органам Державної прикордонної служби України дозволяється застосовувати спеціальні засоби.",
            "Стаття 20. Права",
            "661-15",
            {("border_guard", "power")},
        ),
        (
            "До повноважень Державної прикордонної служби України належать:",
            "Стаття 20. Права",
            "661-15",
            {("border_guard", "power")},
        ),
        (
            "Служба безпеки України правомочна вимагати від громадян припинення правопорушень.",
            "Стаття 25. Права",
            "2229-12",
            {("sbu", "power")},
        ),
        (
            "Національному бюро для виконання покладених на нього обов’язків надаються такі права:",
            "Стаття 17. Права",
            "1698-18",
            {("nabu", "power")},
        ),
        # "вважається прийнятим" has no agent; the author of a participle ("визначених Кабінетом") is no agent either
        (
            "Рішення Конкурсної комісії вважається прийнятим, якщо за нього проголосували члени Конкурсної комісії, "
            "визначені Кабінетом Міністрів України.",
            "Стаття 7. Порядок конкурсного відбору",
            "1698-18",
            set(),
        ),
        # staff of a body governed by a noun that is no agent ("Заробітна плата працівників X") bear nothing
        (
            "Заробітна плата працівників Національного бюро складається з посадового окладу, премій та доплат.",
            "Стаття 23. Оплата праці",
            "1698-18",
            set(),
        ),
        (
            "Умови оплати праці працівників Державного бюро розслідувань визначаються цим Законом.",
            "Стаття 20. Оплата праці",
            "794-19",
            set(),
        ),
        # a head noun in its dictionary form ("Директор", no case in the dictionary) is a nominative subject
        (
            "Директор Національного бюро:",
            "Стаття 8. Повноваження Директора Національного бюро",
            "1698-18",
            {("nabu", "power")},
        ),
        # a structure is no norm; what extends to a body's staff is done to it
        (
            "органи охорони державного кордону - прикордонні загони;",
            "Стаття 6. Загальна структура\nДержавна прикордонна служба України є правоохоронним органом спеціального "
            "призначення і має таку загальну структуру:",
            "661-15",
            set(),
        ),
        (
            "На співробітників Служби безпеки України поширюється дія Закону України «Про запобігання корупції».",
            "Стаття 19. Склад кадрів",
            "2229-12",
            set(),
        ),
        # a subject, then a relative or participle clause, then its verb
        (
            "У разі оголошення в Україні амністії суд, який отримав інформацію про рішення про передачу засудженої "
            "особи, невідкладно повідомляє про це центральний орган України.",
            "",
            "4651-17",
            {("court", "duty")},
        ),
        (
            "У межах цього строку слідчий суддя суду, в межах територіальної юрисдикції якого особа перебуває під "
            "вартою, за клопотанням прокурора перевіряє наявність підстав для тримання особи під вартою.",
            "",
            "4651-17",
            {("court", "duty")},
        ),
        # the subject of an "if" clause does not bear the main clause's modal; a head before a determiner does
        (
            "Слідчий суддя, суд відмовляє у задоволенні клопотання, якщо слідчий, прокурор не доведе наявність "
            "підстав, які можуть бути достатніми.",
            "",
            "4651-17",
            {("court", "duty")},
        ),
        (
            "Якщо поліцейський заподіяв особі поранення, керівник такого поліцейського зобов'язаний негайно "
            "повідомити про це прокурора.",
            "",
            "580-19",
            {("police", "duty")},
        ),
        # a list of bodies joined by commas before the last "або"; a lead-in naming a body whose name has a verb
        (
            "Орган досудового розслідування, прокурор, суддя або суд України, які здійснюють кримінальне "
            "провадження, складають документи про продовження строку тимчасової передачі.",
            "",
            "4651-17",
            {("law_enforcement", "duty"), ("prosecutor", "duty"), ("court", "duty")},
        ),
        (
            "встановлює порядок відкриття та закриття місць доставки;",
            "Стаття 200. Доставка товарів\nЦентральний орган виконавчої влади, що забезпечує формування та реалізує "
            "державну фінансову політику:",
            "4495-17",
            {("mof", "duty")},
        ),
        # a passive's instrumental agents after relative clauses that closed; a noun's agent is not the passive's
        (
            "Судове рішення може бути оскаржено в апеляційному порядку органом, що подав клопотання, особою, щодо "
            "якої вирішено відповідне питання, та прокурором.",
            "",
            "4651-17",
            {("prosecutor", "power")},
        ),
        (
            "При цьому перевірка може бути зупинена на строк, що не перевищує 30 робочих днів, а в разі "
            "завершення розгляду судом позовів - до такого завершення.",
            "",
            "4495-17",
            set(),
        ),
        # a right granted to the dative; a representative stands for his body
        (
            "Право подання цивільного позову у кримінальному провадженні надається прокурору, який бере в ньому "
            "участь.",
            "",
            "1697-18",
            {("prosecutor", "power")},
        ),
        (
            "Представник митного органу здійснює свої повноваження в суді на підставі довіреності.",
            "",
            "4495-17",
            {("customs", "duty")},
        ),
        # a final provision instructs bodies in the dative, in the unit or in an item's lead-in
        (
            "Міністерству внутрішніх справ України, Службі безпеки України та органам прокуратури у тримісячний "
            "строк забезпечити передачу Національному антикорупційному бюро України справ.",
            "",
            "1698-18",
            {("sbu", "duty"), ("prosecutor", "duty")},
        ),
        (
            "оснащення органів досудового розслідування електронними засобами контролю;",
            "Стаття 636. Прикінцеві положення\nКабінету Міністрів України:",
            "4651-17",
            {("cmu", "duty")},
        ),
        ("До клопотання Міністерство юстиції України подає на розгляд суду такі документи:", "", "4651-17", set()),
        # an investigator listed with a body by a comma or "або" bears the norm too (not "слідчі органів поліції")
        (
            "Після отримання такої інформації слідчий, прокурор невідкладно повідомляє підозрюваного про місце "
            "проживання дитини.",
            "",
            "4651-17",
            {("law_enforcement", "duty"), ("prosecutor", "duty")},
        ),
        (
            "Захисник залучається слідчим, прокурором, слідчим суддею чи судом для здійснення захисту за призначенням.",
            "",
            "4651-17",
            {("law_enforcement", "duty"), ("prosecutor", "duty"), ("court", "duty")},
        ),
        # subjects after the modal's infinitive, when none stands before it
        (
            "З клопотанням про здійснення спеціального досудового розслідування до слідчого судді має право "
            "звернутися прокурор або слідчий за погодженням з прокурором.",
            "",
            "4651-17",
            {("prosecutor", "power"), ("law_enforcement", "power")},
        ),
        (
            "Правовласник зобов'язаний повідомити центральний орган виконавчої влади, що реалізує державну митну "
            "політику, про припинення чинності прав.",
            "",
            "4495-17",
            set(),
        ),
        # an item naming the agent of its lead-in's passive, at its start or after its dash
        (
            "судді Вищого антикорупційного суду - Генеральним прокурором (виконувачем обов'язків Генерального "
            "прокурора);",
            "Стаття 481. Особи, які здійснюють повідомлення про підозру\nПисьмове повідомлення про підозру "
            "здійснюється:",
            "4651-17",
            {("prosecutor", "duty")},
        ),
        (
            "прокурором виключно з підстав призначення судом заходів, менш суворих, ніж узгоджені сторонами угоди.",
            "Стаття 483-20. Оскарження судових рішень\nУхвала суду першої інстанції на підставі угоди може бути "
            "оскаржена:",
            "4651-17",
            {("prosecutor", "power")},
        ),
        (
            "обвинуваченим, його захисником виключно з підстав призначення судом покарання, суворішого ніж узгоджене.",
            "Стаття 394. Особливості апеляційного оскарження\nВирок суду першої інстанції може бути оскаржений:",
            "4651-17",
            set(),
        ),
        # a second subject joined by "або" to an "if" clause is in it; after "то" the main clause has begun
        (
            "У разі якщо правовласник у визначений строк не подасть заяву або центральний орган виконавчої влади, що "
            "реалізує державну митну політику, протягом двох робочих днів не зареєструє об'єкт, митне оформлення "
            "товарів здійснюється в установленому порядку.",
            "",
            "4495-17",
            set(),
        ),
        (
            "Якщо слідчий, прокурор вважає, що проведення негласної дії слід продовжити, то слідчий за погодженням з "
            "прокурором або прокурор має право звернутися до слідчого судді з клопотанням.",
            "",
            "4651-17",
            {("law_enforcement", "power"), ("prosecutor", "power")},
        ),
        # the verb after a gerund's clause
        (
            "Слідчий суддя, суд, встановивши, що клопотання про арешт майна подано без додержання вимог статті 171 "
            "цього Кодексу, повертає його прокурору, про що постановляє ухвалу.",
            "",
            "4651-17",
            {("court", "duty")},
        ),
        # no norm: a definition, a sanction on a private person, a non-agency subject
        ("Митниця - це митний орган, який забезпечує виконання завдань.", "", "4495-17", set()),
        (
            "Служба безпеки України - державний орган спеціального призначення з правоохоронними функціями, який "
            "забезпечує державну безпеку України.",
            "",
            "2229-12",
            set(),
        ),
        # a body listed after a preposition is in its phrase
        (
            "Членами Комісії можуть бути особи, які мають досвід роботи в органах досудового розслідування, "
            "прокуратури, судах за кордоном не менше п'яти років, володіють необхідними знаннями.",
            "",
            "1698-18",
            set(),
        ),
        ("Поліцейський, якому було присвоєно звання незаконно, має бути поновлений у званні.", "", "580-19", set()),
        ("Декларант може подати декларацію до митного органу.", "", "4495-17", set()),
        ("Рішення митного органу може бути оскаржено.", "", "4495-17", set()),
        # English
        (
            "Each State Party shall adopt such legislative measures as may be necessary.",
            "",
            None,
            {("state_party", "duty")},
        ),
        (
            "The competent authorities of the Parties shall not disclose the information.",
            "",
            None,
            {("competent_authority", "prohibition")},
        ),
        ("Customs may require the production of documents.", "", None, {("customs", "power")}),
    ],
)
def test_norms(text: str, context: str, work: str | None, expected: set[tuple[str, str]]) -> None:
    lang = "uk" if work else "en"
    result = Tagger(use_model=False).tag(text, context, work=work, lang=lang)
    assert result.norm_pairs() == expected
    with_model = Tagger().tag(text, context, work=work, lang=lang)
    assert with_model.mentions == result.mentions


def test_the_object_of_an_infinitive_bears_no_norm() -> None:
    text = (
        "Право доручати Бюро економічної безпеки України розслідування кримінальних правопорушень, віднесених до "
        "підслідності інших органів, має Генеральний прокурор."
    )
    agents = {agent for agent, _ in Tagger(use_model=False).tag(text, "", work="4651-17").norm_pairs()}
    assert agents == {"prosecutor"}


def test_norm_evidence_points_at_the_cue() -> None:
    text = "Митні органи зобов’язані письмово повідомляти правоохоронні органи."
    (norm,) = Tagger(use_model=False).tag(text, "", work="4495-17").norms
    assert norm.level == 1 and norm.source == "subject"
    assert norm.cue is not None and text[norm.cue[0] : norm.cue[1]] == "зобов’язані"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("   ", "empty unit text"),
        ("The customs authorities shall cooperate with each other in every case.", "not Ukrainian"),
        ("митні органи " * 10_000, "too long"),
    ],
)
def test_bad_units_are_errors_naming_the_provision(text: str, message: str) -> None:
    with pytest.raises(TaggingError, match=message) as e:
        Tagger().tag(text, "", work="4495-17", provision="4495-17#art_1__para_1")
    assert "4495-17#art_1__para_1" in str(e.value)


def test_registry_file_is_validated(tmp_path: Path) -> None:
    bad = tmp_path / "agencies.toml"
    bad.write_text(
        '[[agency]]\nid = "customs"\nnames = [{ text = "митний орган", colour = "red" }]\n', encoding="utf-8"
    )
    with pytest.raises(ConfigError, match="bad name entry") as e:
        load_registry(bad)
    assert str(bad) in str(e.value)
    bad.write_text('[[agency]]\nid = "customs"\nnames = [{ text = "митний орган" }]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="lacks canonical agency ids"):
        load_registry(bad)
    shipped = load_registry()
    lines = ["[acts]", '"4495-17" = "smugglers"']
    bad.write_text(
        (Path(__file__).parent.parent / "pipeline/data/agencies.toml")
        .read_text(encoding="utf-8")
        .replace('"4495-17" = "customs"', lines[1]),
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="unknown agency 'smugglers'"):
        load_registry(bad)
    assert {"customs", "sbu", "state_party"} <= shipped.ids


def _gold_line(text: str, agencies: list[tuple[int, int, str]], norms: list[tuple[str, str]], **extra: object) -> str:
    return json.dumps(
        {
            "id": "x#art_1",
            "lang": "uk",
            "context": "",
            "text": text,
            "agencies": [{"start": s, "end": e, "agency": a} for s, e, a in agencies],
            "norms": [{"agent": a, "modality": m} for a, m in norms],
            **extra,
        },
        ensure_ascii=False,
    )


def test_metrics_are_exactly_those_of_the_gold_format() -> None:
    gold = [
        GoldUnit(
            "a", "uk", "", "t" * 40, ((0, 12, "customs"), (20, 30, "police")), frozenset({("customs", "duty")}), None
        ),
        GoldUnit("b", "uk", "", "t" * 40, ((0, 5, "sbu"),), frozenset({("sbu", "power"), ("sbu", "task")}), None),
    ]
    preds = [
        Prediction(((0, 12, "customs"), (21, 30, "police")), frozenset({("customs", "duty"), ("police", "duty")})),
        Prediction(((0, 5, "sbu"),), frozenset({("sbu", "power")})),
    ]
    r = score(gold, preds)
    assert r["counts"]["agency"] == {"tp": 2, "predicted": 3, "gold": 3}
    assert r["agency_f1"] == round(2 / 3, 4)
    assert r["agency_overlap_f1"] == 1.0
    assert r["counts"]["norm"] == {"tp": 2, "predicted": 3, "gold": 3}
    assert r["modality_f1"]["duty"] == round(2 * 0.5 * 1 / 1.5, 4)
    assert r["modality_f1"]["task"] == 0.0
    assert "counterpart_f1" not in r


def test_errors_list_counterparts_only_where_they_were_annotated() -> None:
    norms = frozenset({("customs", "duty")})
    gold = [
        GoldUnit("a", "uk", "", "t" * 40, (), norms, frozenset({("customs", "sbu", "inform")})),
        GoldUnit("b", "uk", "", "t" * 40, (), norms, None),
    ]
    pred = Prediction((), norms, frozenset({("customs", "police", "joint")}))
    found = errors(gold, [pred, pred])
    assert [e["id"] for e in found] == ["a"]  # unit b has no counterpart annotation, so nothing to miss
    assert found[0]["missed_counterparts"] == [("customs", "sbu", "inform")]
    assert found[0]["extra_counterparts"] == [("customs", "police", "joint")]


def test_counterpart_metrics_per_type_and_per_pair() -> None:
    def unit(name: str, counterparts: set[tuple[str, str, str]]) -> GoldUnit:
        return GoldUnit(name, "uk", "", "t" * 40, (), frozenset({("customs", "duty")}), frozenset(counterparts))

    gold = [
        unit("a", {("customs", "sbu", "inform"), ("customs", "police", "joint")}),
        unit("b", {("customs", "border_guard", "coordinate")}),
    ]
    preds = [
        Prediction((), frozenset({("customs", "duty")}), frozenset({("customs", "sbu", "inform")})),
        Prediction(
            (),
            frozenset({("customs", "duty")}),
            frozenset({("customs", "border_guard", "joint"), ("customs", "nabu", "inform")}),
        ),
    ]
    r = score(gold, preds)
    assert r["counts"]["counterpart"] == {"tp": 1, "predicted": 3, "gold": 3, "units": 2}
    assert r["counterpart_f1"] == round(1 / 3, 4)
    assert r["counterpart_pair_f1"] == round(2 / 3, 4)  # the border guard pair is right, only its type is not
    assert r["interaction_counts"]["inform"] == {"tp": 1, "predicted": 2, "gold": 1}
    assert r["interaction_f1"]["inform"] == round(2 * 0.5 * 1 / 1.5, 4)
    assert r["interaction_f1"]["joint"] == 0.0 and r["interaction_f1"]["coordinate"] == 0.0


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "not JSON"),
        (_gold_line("Митні органи", [(0, 99, "customs")], []), "outside the text"),
        (_gold_line("Митні органи", [], [("customs", "obligation")]), "unknown modality"),
        (json.dumps({"id": "x", "agencies": []}), "malformed gold line"),
    ],
)
def test_malformed_gold_names_the_line(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "gold.jsonl"
    path.write_text(_gold_line("Митні органи", [(0, 12, "customs")], []) + "\n" + line + "\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=message) as e:
        load_gold(path)
    assert f"{path}:2" in str(e.value)


def test_shared_dev_gold_meets_the_bars() -> None:
    """shared/gold/tagging-dev.jsonl: agency_f1 >= 0.95 and norm_f1 >= 0.90 (issue 3)."""
    gold = load_gold(shared_path("gold", "tagging-dev.jsonl"))
    tagger = Tagger()
    preds = []
    for g in gold:
        r = tagger.tag(g.text, g.context, work=g.id.split("#")[0])
        preds.append(Prediction(r.mentions, r.norm_pairs()))
    result = score(gold, preds)
    assert result["agency_f1"] >= 0.95
    assert result["norm_f1"] >= 0.90
