"""Counterparts in the tagger and the network of interactions built from a tagged store."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest

from pipeline.cli import EXIT_OK, main
from pipeline.interactions import changes, collect_edges, findings, to_graphml, to_html
from pipeline.parse import parse_print_html
from pipeline.records import TrackedAct
from pipeline.store import Store
from pipeline.tagging.job import tag_store
from pipeline.tagging.tagger import Tagger


@pytest.mark.parametrize(
    ("text", "context", "work", "expected"),
    [
        (
            "Митні органи зобов’язані письмово повідомляти Службу безпеки України про виявлені порушення.",
            "",
            "4495-17",
            {("customs", "sbu", "inform")},
        ),
        (
            "виконувати письмові доручення слідчого, вказівки прокурора та ухвали слідчого судді;",
            "Стаття 7. Обов’язки\nОперативні підрозділи зобов’язані:",
            "2135-12",
            {("law_enforcement", "prosecutor", "assist"), ("law_enforcement", "court", "assist")},
        ),
        (
            "Митні органи спільно з Державною прикордонною службою України здійснюють заходи.",
            "",
            "4495-17",
            {("customs", "border_guard", "joint")},
        ),
        (
            "Митні органи за погодженням з Національним банком України встановлюють порядок.",
            "",
            "4495-17",
            {("customs", "nbu", "coordinate")},
        ),
        (
            "Митні органи мають право одержувати від органів Національної поліції інформацію.",
            "",
            "4495-17",
            {("customs", "police", "request")},
        ),
        (
            "Митні органи зобов’язані надавати Державній прикордонній службі України доручення.",
            "",
            "4495-17",
            {("customs", "border_guard", "delegate")},
        ),
        ("Митні органи розташовані в приміщеннях, наданих Кабінетом Міністрів України.", "", "4495-17", set()),
        (  # the author of the procedure is not a counterpart
            "Митні органи зобов’язані інформувати в порядку, встановленому Кабінетом Міністрів України, "
            "Службу безпеки України про виявлені порушення.",
            "",
            "4495-17",
            {("customs", "sbu", "inform")},
        ),
        (  # help given "with the forces and means at hand": the object comes several words after the verb
            "подавати наявними силами і засобами, в тому числі і технічними, допомогу органам Національної "
            "поліції у боротьбі із вчиненням кримінальних правопорушень;",
            "Стаття 24. Обов'язки\nСлужба безпеки України зобов'язана:",
            "2229-12",
            {("sbu", "police", "assist")},
        ),
        (  # a nominal "giving X information"
            "надання Бюро економічної безпеки України інформації, необхідної для реалізації його повноважень;",
            "Стаття 19. Обов’язки\nНа Державну прикордонну службу України покладаються:",
            "661-15",
            {("border_guard", "beb", "inform")},
        ),
        (  # bearers listed together are not each other's partners; acting on an order is assisting its author
            "Оперативні підрозділи органів Національної поліції України, органів безпеки, Національного "
            "антикорупційного бюро України здійснюють слідчі (розшукові) дії в кримінальному провадженні за "
            "письмовим дорученням слідчого, дізнавача, прокурора.",
            "Стаття 41. Оперативні підрозділи",
            "4651-17",
            {
                ("law_enforcement", "prosecutor", "assist"),
                ("nabu", "prosecutor", "assist"),
                ("police", "prosecutor", "assist"),
                ("sbu", "prosecutor", "assist"),
            },
        ),
        (  # law-enforcement bodies "of other States" are foreign, not Ukraine's
            "Поліція виконує в межах компетенції запити правоохоронних органів інших держав.",
            "",
            "580-19",
            {("police", "foreign_authority", "assist")},
        ),
        (  # an investigator named by role alone bears the norm for the pre-trial investigation body
            "Слідчий, дізнавач невідкладно у письмовій формі повідомляє керівника органу прокуратури про початок "
            "досудового розслідування.",
            "Стаття 214. Початок досудового розслідування",
            "4651-17",
            {("law_enforcement", "prosecutor", "inform")},
        ),
        (  # "за погодженням із прокурором" is an inserted phrase: the court is what "звертатися до" governs
            "звертатися за погодженням із прокурором до слідчого судді з клопотаннями про застосування заходів "
            "забезпечення кримінального провадження;",
            "Стаття 40. Слідчий органу досудового розслідування\nСлідчий органу досудового розслідування "
            "уповноважений:",
            "4651-17",
            {("law_enforcement", "court", "request"), ("law_enforcement", "prosecutor", "coordinate")},
        ),
        (  # the body named with the role, not the article's heading, bears the norm
            "Детектив Національного антикорупційного бюро України зобов’язаний виконувати доручення та вказівки "
            "тільки прокурора Спеціалізованої антикорупційної прокуратури, які надаються у письмовій формі.",
            "Стаття 40. Слідчий органу досудового розслідування",
            "4651-17",
            {("nabu", "prosecutor", "assist")},
        ),
        (  # a foreign body later in the clause leaves the domestic one domestic; agreeing to a request coordinates
            "доручати органу досудового розслідування виконання запиту (доручення) компетентного органу іноземної "
            "держави про міжнародну правову допомогу, погоджувати запит органу досудового розслідування;",
            "Стаття 36. Прокурор\nПрокурор уповноважений:",
            "4651-17",
            {
                ("prosecutor", "law_enforcement", "delegate"),
                ("prosecutor", "foreign_authority", "assist"),
                ("prosecutor", "law_enforcement", "coordinate"),
            },
        ),
        (  # each coordinated adjective names its own body
            "Податкові та митні органи передають Бюро економічної безпеки України інформацію про обставини, що "
            "свідчать про вчинення кримінальних правопорушень.",
            "Стаття 7. Взаємодія",
            "1150-20",
            {("customs", "beb", "inform"), ("tax", "beb", "inform")},
        ),
        (  # a body listed with "other ... bodies of foreign States" is one of them
            "Поліція здійснює співробітництво з поліцейськими та іншими відповідними органами іноземних держав.",
            "",
            "580-19",
            {("police", "foreign_authority", "joint")},
        ),
        (  # the bodies issuing the acts, and the act's co-approver, are authors, not partners
            "Оперативні підрозділи проводять контрольовану поставку в порядку, визначеному нормативно-правовими "
            "актами Бюро економічної безпеки України, Служби безпеки України, погодженими з Офісом Генерального "
            "прокурора, та повідомляють про неї Державну прикордонну службу України.",
            "Стаття 8. Права підрозділів",
            "2135-12",
            {("law_enforcement", "border_guard", "inform")},
        ),
        (  # a body inside a closed relative clause is not the object of a later verb
            "Прокурор, отримавши повідомлення, перевіряє законність затримання особи, яка розшукується "
            "компетентними органами іноземних держав, та негайно інформує Службу безпеки України.",
            "Стаття 582. Особливості затримання",
            "4651-17",
            {("prosecutor", "sbu", "inform")},
        ),
        (  # an interaction stated in the passive binds the body the act is about
            "Обмін інформацією між Бюро економічної безпеки України та Службою безпеки України здійснюється "
            "в порядку, визначеному законом.",
            "Стаття 7. Взаємодія",
            "1150-20",
            {("beb", "sbu", "inform")},
        ),
        (  # acting "за запитом X" assists X; a body the agent gets information from, on its own officials'
            # requests, is asked; a body named for its jurisdiction is no partner
            "Офіс Генерального прокурора розглядає питання про створення спільних слідчих груп за запитом "
            "слідчого органу досудового розслідування України та компетентного органу іноземної держави.",
            "Стаття 571. Спільні слідчі групи",
            "4651-17",
            {("prosecutor", "law_enforcement", "assist"), ("prosecutor", "foreign_authority", "assist")},
        ),
        (
            "одержувати за письмовими запитами керівників підрозділів від банків та Національного банку України "
            "відомості, що становлять банківську таємницю;",
            "Стаття 20. Права\nДержавна прикордонна служба України має право:",
            "661-15",
            {("border_guard", "nbu", "request")},
        ),
        (
            "Прокурор невідкладно повідомляє Службу безпеки України про такі кримінальні правопорушення, крім "
            "віднесених до підслідності Національного антикорупційного бюро України.",
            "Стаття 545. Центральний орган України",
            "4651-17",
            {("prosecutor", "sbu", "inform")},
        ),
        (  # object first, a body governed by a noun before the verb, the subject after two coordinated verbs
            "Діяльність Державної прикордонної служби України спрямовує і координує Кабінет Міністрів України.",
            "Стаття 11. Керівництво",
            "661-15",
            {("cmu", "border_guard", "oversee")},
        ),
        (  # two bodies side by side are not a list: the requester, then the subject
            "На запит Служби безпеки України митні органи надають допомогу.",
            "Стаття 458. Взаємодія",
            "4495-17",
            {("customs", "sbu", "assist")},
        ),
        (  # information given on request: the narrower type is stated, before or after the request
            "На запит Служби безпеки України митні органи надають наявну інформацію.",
            "Стаття 458. Взаємодія",
            "4495-17",
            {("customs", "sbu", "inform")},
        ),
        (  # a dative body first: the police body is a mention of its own before a body in another case
            "Органам Національної поліції митні органи передають матеріали про порушення.",
            "Стаття 458. Взаємодія",
            "4495-17",
            {("customs", "police", "inform")},
        ),
        (  # the information named before the passive verb
            "Інформація надається Національній поліції митними органами у встановленому порядку.",
            "Стаття 458. Взаємодія",
            "4495-17",
            {("customs", "police", "inform")},
        ),
        (  # a requester's body and the subject's head noun are no list; acting on a request assists
            "На прохання митних органів органи Національної поліції надають допомогу.",
            "Стаття 458. Взаємодія",
            "4495-17",
            {("police", "customs", "assist")},
        ),
        (
            "Прокурор здійснює нагляд за додержанням законів органами, що провадять оперативно-розшукову діяльність.",
            "Стаття 14. Нагляд",
            "2135-12",
            {("prosecutor", "law_enforcement", "oversee")},
        ),
        (  # "спрямовує і координує діяльність" is oversight, not coordination
            "Кабінет Міністрів України спрямовує і координує діяльність Національного бюро виключно у такий спосіб:",
            "Стаття 4. Незалежність Національного бюро",
            "1698-18",
            {("cmu", "nabu", "oversee")},
        ),
        (  # hearing a body's opinion is consulting it
            "Під час розгляду клопотання слідчий суддя встановлює особу та вислуховує думку прокурора.",
            "Стаття 584. Екстрадиційний арешт",
            "4651-17",
            {("court", "prosecutor", "coordinate")},
        ),
        (  # a report submitted to a body informs it
            "щороку подає Кабінету Міністрів України письмовий звіт про діяльність Національного бюро;",
            "Стаття 26. Контроль за діяльністю Національного бюро\nНаціональне бюро:",
            "1698-18",
            {("nabu", "cmu", "inform")},
        ),
        (  # the items complete the lead-in's second predicate, not the consultation before it
            "застосування екстрадиційного арешту;",
            "Стаття 584. Екстрадиційний арешт\nПід час розгляду клопотання слідчий суддя перевіряє запит про видачу, "
            "вислуховує думку прокурора, інших учасників і постановляє ухвалу про:",
            "4651-17",
            set(),
        ),
        (  # a lead-in whose partner qualifies the predicate the items complete passes it on
            "проведення спільного митного контролю у пунктах пропуску через державний кордон України;",
            "Стаття 565. Співробітництво митних органів\nВідповідно до міжнародних договорів митними органами України "
            "спільно з митними органами суміжних держав може здійснюватися:",
            "4495-17",
            {("customs", "foreign_authority", "joint")},
        ),
        (  # acting with a body's permission: its consent
            "з дозволу суду ознайомлюватися з матеріалами справи в суді;",
            "Стаття 23. Представництво\nПрокурор має право:",
            "1697-18",
            {("prosecutor", "court", "coordinate")},
        ),
        (  # the obliging body delegates; the obliged one informs the body its task names
            "Якщо слідчий суддя встановить, що дитина залишиться без піклування, слідчий суддя зобов’язує прокурора "
            "повідомити уповноважений підрозділ органу Національної поліції.",
            "Стаття 194. Застосування запобіжного заходу",
            "4651-17",
            {("court", "prosecutor", "delegate"), ("prosecutor", "police", "inform")},
        ),
        (  # information given on a body's request: the narrower type is stated
            "Національний банк України надає інформацію за запитом митного органу.",
            "Стаття 316. Гарантії",
            "4495-17",
            {("nbu", "customs", "inform")},
        ),
        (  # a proposal submitted for a body's decision is a request
            "Кожна така міжнародна організація може запропонувати Кабінету Міністрів України кандидатів.",
            "Стаття 11. Порядок призначення",
            "794-19",
            {("foreign_authority", "cmu", "request")},
        ),
        (  # "зобов'язує" binds the body after it, not the one in the condition before it
            "Якщо прокурор доведе наявність обставин, слідчий суддя застосовує запобіжний захід, зобов’язує "
            "підозрюваного прибувати до суду.",
            "Стаття 194. Застосування запобіжного заходу",
            "4651-17",
            set(),
        ),
        (  # considering another body's report is oversight
            "Звіт Директора Бюро економічної безпеки України розглядається Кабінетом Міністрів України.",
            "Стаття 35. Звітність",
            "1150-20",
            {("cmu", "beb", "oversee")},
        ),
        (  # the subjects after the verb run through bodies the registry does not list
            "Контроль за діяльністю Державної прикордонної служби України здійснюють Верховна Рада України, "
            "Президент України та Кабінет Міністрів України.",
            "Стаття 30. Контроль",
            "661-15",
            {("cmu", "border_guard", "oversee")},
        ),
        (  # a body governed by a noun before the verb does not block the inverted subject
            "Нагляд за додержанням законів органами Державної прикордонної служби України здійснюють Генеральний "
            "прокурор і підпорядковані йому прокурори.",
            "Стаття 32. Нагляд",
            "661-15",
            {("prosecutor", "border_guard", "oversee")},
        ),
        (  # the body demanding help holds a power and is the helper's partner
            "На вимогу органів Державної прикордонної служби України органи Національної поліції надають необхідну "
            "допомогу.",
            "Стаття 29. Взаємодія",
            "661-15",
            {("police", "border_guard", "assist")},
        ),
        (  # the author of a procedure of interaction is no party to it
            "Порядок взаємодії Державної прикордонної служби України з митними органами визначається Кабінетом "
            "Міністрів України.",
            "Стаття 29. Взаємодія",
            "661-15",
            set(),
        ),
        (  # an exchange stated between co-subjects binds the act's own body (CONVENTIONS.md, 4)
            "Державна прикордонна служба України та митні органи здійснюють обмін інформацією.",
            "Стаття 29. Взаємодія",
            "661-15",
            {("border_guard", "customs", "inform")},
        ),
        (  # domestic "органи правопорядку" are law-enforcement bodies
            "Поліція у порядку, визначеному законодавством, взаємодіє з органами правопорядку.",
            "Стаття 5. Взаємодія",
            "580-19",
            {("police", "law_enforcement", "joint")},
        ),
        (  # the consent is the investigator's, the one named right before it, not every bearer's
            "Суд, прокурор або слідчий за погодженням з прокурором надсилає запит до центрального органу України.",
            "Стаття 551. Порядок звернення",
            "4651-17",
            {("law_enforcement", "prosecutor", "coordinate")},
        ),
        (  # the parties of an exchange "між" are no passive agents, whatever their heads
            "Обмін інформацією між Державним бюро розслідувань та органами Національної поліції здійснюється "
            "відповідно до закону.",
            "Стаття 30. Взаємодія",
            "794-19",
            {("dbr", "police", "inform")},
        ),
        (
            "Державне бюро розслідувань та органи Національної поліції обмінюються інформацією.",
            "Стаття 30. Взаємодія",
            "794-19",
            {("dbr", "police", "inform")},
        ),
        (  # a petition submitted to a body asks it; controlling a body's activity oversees it
            "Прокурор подає слідчому судді клопотання про проведення обшуку.",
            "Стаття 234. Обшук",
            "4651-17",
            {("prosecutor", "court", "request")},
        ),
        (
            "Кабінет Міністрів України контролює діяльність Національного бюро.",
            "Стаття 26. Контроль",
            "1698-18",
            {("cmu", "nabu", "oversee")},
        ),
        (  # supplying a body with information informs it
            "Поліція забезпечує органи Державної прикордонної служби України необхідною інформацією.",
            "Стаття 44. Взаємодія",
            "580-19",
            {("police", "border_guard", "inform")},
        ),
        (  # directing a body's activity oversees it
            "Керівництво діяльністю Державної прикордонної служби України здійснює Кабінет Міністрів України.",
            "Стаття 11. Керівництво",
            "661-15",
            {("cmu", "border_guard", "oversee")},
        ),
        (  # an interaction stated after an opening adverbial binds the act's body too; one inside it does not
            "З метою запобігання правопорушенням обмін інформацією між Державним бюро розслідувань та іншими "
            "правоохоронними органами здійснюється в порядку, визначеному законом.",
            "Стаття 30. Взаємодія",
            "794-19",
            {("dbr", "law_enforcement", "inform")},
        ),
        (
            "Під час досудового розслідування взаємодія Державного бюро розслідувань з органами Національної поліції "
            "здійснюється відповідно до закону.",
            "Стаття 30. Взаємодія",
            "794-19",
            {("dbr", "police", "joint")},
        ),
        (
            "Під час взаємодії між декларантами та митними органами забезпечується захист інформації.",
            "Стаття 33-1. Взаємодія",
            "4495-17",
            set(),
        ),
        (  # representing the body "у відносинах з" others; submitting for their consideration is a request
            "представляє Державне бюро розслідувань у відносинах з органами іноземних держав, міжнародними "
            "організаціями;",
            "Стаття 12. Повноваження Директора\nДиректор Державного бюро розслідувань:",
            "794-19",
            {("dbr", "foreign_authority", "joint")},
        ),
        (
            "подає на розгляд до Кабінету Міністрів України розроблені Національним бюро проекти законів;",
            "Стаття 8. Повноваження Директора\nДиректор Національного бюро:",
            "1698-18",
            {("nabu", "cmu", "request")},
        ),
        (  # the bodies issuing a joint order are its authors, not partners of the exchange
            "Порядок обміну інформацією між Державним бюро розслідувань та Службою безпеки України визначається "
            "спільним наказом Державного бюро розслідувань та Служби безпеки України.",
            "Стаття 30. Взаємодія",
            "794-19",
            {("dbr", "sbu", "inform")},
        ),
        (  # bringing to a body's notice, alerting it: inform
            "Державна прикордонна служба України доводить до відома органів Служби безпеки України інформацію про "
            "загрози.",
            "Стаття 19. Обов’язки",
            "661-15",
            {("border_guard", "sbu", "inform")},
        ),
        (
            "Державна прикордонна служба України оповіщає органи Національної поліції про затримання.",
            "Стаття 19. Обов’язки",
            "661-15",
            {("border_guard", "police", "inform")},
        ),
        (  # the item's own interaction names the kind of its lead-in's partner; agreeing ("узгодження") coordinates
            "узгодження часу здійснення митного контролю у пунктах пропуску;",
            "Стаття 565. Співробітництво митних органів\nВідповідно до міжнародних договорів митними органами України "
            "спільно з митними органами суміжних держав може здійснюватися:",
            "4495-17",
            {("customs", "foreign_authority", "coordinate")},
        ),
        (
            "обмін інформацією, у тому числі з використанням інформаційних технологій.",
            "Стаття 565. Співробітництво митних органів\nВідповідно до міжнародних договорів митними органами України "
            "спільно з митними органами суміжних держав може здійснюватися:",
            "4495-17",
            {("customs", "foreign_authority", "inform")},
        ),
        (  # "разом із", not only "разом з"
            "Поліція разом із Державною прикордонною службою України ліквідовує канали контрабанди.",
            "",
            "580-19",
            {("police", "border_guard", "joint")},
        ),
        (  # the perfective "звернутися" asks, and the investigator listed after the prosecutor bears the power too
            "Прокурор, слідчий за погодженням з прокурором під час досудового розслідування має право звернутися до "
            "слідчого судді із клопотанням про відсторонення особи від посади.",
            "Стаття 155. Клопотання про відсторонення від посади",
            "4651-17",
            {
                ("prosecutor", "court", "request"),
                ("law_enforcement", "court", "request"),
                ("law_enforcement", "prosecutor", "coordinate"),
            },
        ),
        (  # a petition sent to the court asks for its decision (CONVENTIONS.md 15), also when named before the verb
            "Прокурор затверджує складене слідчим або самостійно складає клопотання про застосування примусових "
            "заходів медичного характеру і надсилає його суду в порядку, передбаченому цим Кодексом.",
            "Стаття 511. Закінчення досудового розслідування",
            "4651-17",
            {("prosecutor", "court", "request")},
        ),
        (  # investigators listed with the consent they need before the prosecutor; no agent for a passive's modal
            "У разі наявності підстав вважати, що можуть вчинятися дії, спрямовані на уникнення кримінальної "
            "відповідальності, слідчий за погодженням з прокурором, прокурор звертаються до слідчого судді з "
            "клопотанням про застосування обмежень до юридичної особи, стосовно якої можуть застосовуватися заходи.",
            "Стаття 483-5. Загальні положення",
            "4651-17",
            {
                ("prosecutor", "court", "request"),
                ("law_enforcement", "court", "request"),
                ("law_enforcement", "prosecutor", "coordinate"),
            },
        ),
        (  # the investigator acting on the prosecutor's order assists him (CONVENTIONS.md 1)
            "Прокурор або слідчий за його дорученням зобов'язаний надати доступ до матеріалів досудового "
            "розслідування.",
            "Стаття 290. Відкриття матеріалів іншій стороні",
            "4651-17",
            {("law_enforcement", "prosecutor", "assist")},
        ),
        (  # the body a judgment is about is no partner
            "Суд, який ухвалив обвинувальний вирок щодо прокурора, після набрання таким вироком законної сили "
            "повідомляє про це особу, уповноважену приймати рішення про звільнення прокурора.",
            "Стаття 56. Звільнення прокурора",
            "1697-18",
            set(),
        ),
        (  # the petitioner of an "if" clause acts itself: no partner of the court's duty
            "Якщо слідчий, прокурор подав разом із клопотанням про застосування запобіжного заходу клопотання про "
            "дозвіл на затримання підозрюваного, слідчий суддя, суд приймає рішення згідно зі статтею 189.",
            "Стаття 187. Забезпечення прибуття особи",
            "4651-17",
            set(),
        ),
        (  # considering a body's request is assisting it; a unit of a body ("підрозділ внутрішнього контролю") acts
            "розглядає прохання Міжнародного кримінального суду та організовує їх виконання;",
            "Стаття 618. Повноваження\nОфіс Генерального прокурора відповідно до Римського статуту і цього Кодексу:",
            "4651-17",
            {("prosecutor", "foreign_authority", "assist")},
        ),
        (
            "У разі виявлення інформації про можливе вчинення працівником Національного бюро кримінального "
            "правопорушення підрозділ внутрішнього контролю Національного бюро негайно повідомляє про це "
            "Генерального прокурора.",
            "Стаття 27. Підрозділи внутрішнього контролю Національного бюро",
            "1698-18",
            {("nabu", "prosecutor", "inform")},
        ),
        (  # the court that gave a ruling is its author; a body named in a purpose is no partner (CONVENTIONS.md 5)
            "Копії ухвали суд надсилає Міністерству юстиції України та вручає особі, засудженій вироком суду "
            "іноземної держави.",
            "Стаття 603. Розгляд судом питання про виконання вироку суду іноземної держави",
            "4651-17",
            set(),
        ),
        (
            "Слідчий суддя невідкладно надсилає копію такої заяви до центрального органу України для звернення до "
            "Міжнародного кримінального суду з метою одержання рекомендацій.",
            "Стаття 632. Тимчасове звільнення особи",
            "4651-17",
            set(),
        ),
        (  # orders binding a unit: it assists their authors; the narrower type stated after "за запитом"
            "Доручення слідчого, дізнавача, прокурора щодо проведення слідчих (розшукових) дій є обов'язковими для "
            "виконання оперативним підрозділом.",
            "Стаття 41. Оперативні підрозділи",
            "4651-17",
            {("law_enforcement", "prosecutor", "assist")},
        ),
        (
            "Відповідні органи (підрозділи) Державної прикордонної служби України за запитом посадових осіб "
            "уповноважених підрозділів Національної поліції зобов'язані надавати відомості про транспортні засоби.",
            "Стаття 279-2. Розгляд справ",
            "80731-10",
            {("border_guard", "police", "inform")},
        ),
        (  # no interaction "без погоджень"; a channel is no partner
            "Без будь-яких погоджень з Кабінетом Міністрів України, іншими органами державної влади Директор "
            "Національного бюро затверджує положення про структурні підрозділи.",
            "Стаття 4. Гарантії незалежності Національного бюро",
            "1698-18",
            set(),
        ),
        (
            "Прокурор невідкладно надсилає копію ухвали до центрального органу України через відповідну обласну "
            "прокуратуру.",
            "Стаття 629. Розгляд клопотання",
            "4651-17",
            set(),
        ),
        (  # a petition sent back to the prosecutor
            "Слідчий суддя, суд, встановивши, що клопотання подано без додержання вимог статті 155 цього Кодексу, "
            "повертає його прокурору, про що постановляє ухвалу.",
            "Стаття 156. Розгляд клопотання про відсторонення від посади",
            "4651-17",
            {("court", "prosecutor", "inform")},
        ),
        (  # the modal inside the partner's descriptive name ("що мають право …") is not the partner's norm
            "Митні органи разом з іншими державними органами, що мають право здійснювати оперативно-розшукову "
            "діяльність, можуть використовувати метод контрольованої поставки.",
            "Стаття 456. Контрольована поставка",
            "4495-17",
            {("customs", "law_enforcement", "joint")},
        ),
        (  # a relative clause closed by "а також": the second object is the court's addressee again
            "У разі розгляду справи про порушення митних правил у суді про час та місце розгляду справи суд "
            "повідомляє особу, яка притягується до адміністративної відповідальності за це правопорушення, а також "
            "відповідний митний орган.",
            "Стаття 526. Розгляд справ",
            "4495-17",
            {("court", "customs", "inform")},
        ),
        (  # "уповноважений на …" after the addressee describes it; it gives the addressee no norm of its own
            "У разі виявлення таких дій поліцейський зобов’язаний повідомити про це орган досудового розслідування, "
            "уповноважений на розслідування відповідних кримінальних правопорушень.",
            "Стаття 7. Дотримання прав і свобод людини",
            "580-19",
            {("police", "law_enforcement", "inform")},
        ),
        (  # materials handed to the court inform it; a claim filed with it asks it
            "Слідчий, дізнавач, прокурор подає до суду матеріали в паперовій формі.",
            "Стаття 636. Прикінцеві положення",
            "4651-17",
            {("law_enforcement", "court", "inform"), ("prosecutor", "court", "inform")},
        ),
        (
            "Прокурор має право подавати до суду позови про визнання недійсними угод.",
            "Стаття 23. Представництво",
            "1697-18",
            {("prosecutor", "court", "request")},
        ),
        (  # the information verb reaches its object over a long list of addressees
            "Митні органи зобов’язані передавати Державній прикордонній службі України та органам Національної "
            "поліції інформацію щодо транспортних засобів.",
            "Стаття 558. Взаємодія",
            "4495-17",
            {("customs", "border_guard", "inform"), ("customs", "police", "inform")},
        ),
        (  # "він" resumes the subject of the if-clause
            "Якщо під час досудового розслідування прокурор дійде висновку про можливість виправлення "
            "неповнолітнього, який обвинувачується у вчиненні вперше кримінального проступку, він складає клопотання "
            "про застосування примусових заходів виховного характеру і надсилає його до суду.",
            "Стаття 497. Порядок досудового розслідування",
            "4651-17",
            {("prosecutor", "court", "request")},
        ),
        (
            "Центральний орган виконавчої влади, що реалізує державну митну політику, з метою вдосконалення митного "
            "контролю підтримує зв’язки з митними адміністраціями іноземних держав.",
            "Стаття 564. Міжнародне співробітництво",
            "4495-17",
            {("customs", "foreign_authority", "coordinate")},
        ),
        (
            "Митні органи з власної ініціативи або з ініціативи правоохоронних органів мають право у письмовій формі "
            "вимагати від осіб пояснення.",
            "Стаття 325. Митний контроль",
            "4495-17",
            {("customs", "law_enforcement", "assist")},
        ),
        (  # an exchange "між" the act's body and others, with the verb before it (CONVENTIONS.md 4)
            "З метою виконання покладених завдань здійснюється обмін інформацією між Державним бюро розслідувань, "
            "Національною поліцією України та Службою безпеки України.",
            "Стаття 5. Взаємодія",
            "794-19",
            {("dbr", "police", "inform"), ("dbr", "sbu", "inform")},
        ),
        (  # cooperation "між" them is joint (CONVENTIONS.md 17)
            "Співпраця між Державним бюро розслідувань та Національним антикорупційним бюро України здійснюється "
            "на підставі спільних наказів.",
            "Стаття 5. Взаємодія",
            "794-19",
            {("dbr", "nabu", "joint")},
        ),
        (  # "між" one kind of body only, in a purpose: no exchange between bodies is stated
            "Для виконання митних формальностей, обміну інформацією та взаємодії між митними органами "
            "використовується електронна транзитна система.",
            "Стаття 31. Електронна транзитна система",
            "4495-17",
            set(),
        ),
        (  # the parties of a procedure another body sets are no partners of that body
            "Кабінет Міністрів України визначає порядок обміну інформацією між Міністерством внутрішніх справ "
            "України, поліцією та іншими центральними органами виконавчої влади.",
            "Стаття 16. Повноваження",
            "580-19",
            set(),
        ),
        (
            "Порядок застосування заходів щодо взаємодії митних органів з правовласниками визначає центральний "
            "орган виконавчої влади, що забезпечує формування та реалізує державну фінансову політику.",
            "Стаття 397. Сприяння захисту прав інтелектуальної власності",
            "4495-17",
            set(),
        ),
        (  # submitting for approval coordinates with the approving body
            "за результатами розслідування складати обвинувальний акт та подавати його прокурору на затвердження;",
            "Стаття 40. Повноваження слідчого\nСлідчий органу досудового розслідування уповноважений:",
            "4651-17",
            {("law_enforcement", "prosecutor", "coordinate")},
        ),
        (  # "який здійснює нагляд …" describes the prosecutor; it relates him to no body named after the clause
            "Клопотання про видачу особи в Україну готує слідчий, прокурор, який здійснює нагляд за додержанням "
            "законів під час проведення досудового розслідування, або суд, який розглядає справу.",
            "Стаття 575. Підготовка клопотання",
            "4651-17",
            set(),
        ),
        (  # the subject reaches its verb over an inserted relative clause; dots in numbers end no clause
            "На запит контролюючого органу, визначеного підпунктом 41.1.1 пункту 41.1 статті 41 Податкового кодексу "
            "України, митний орган за місцем розташування підприємства, яким ввезено товари із звільненням від "
            "оподаткування ввізним митом відповідно до цього пункту, надає протягом 10 робочих днів інформацію про "
            "обсяги ввезення таких товарів.",
            "Розділ XXI. Прикінцеві та перехідні положення",
            "4495-17",
            {("customs", "tax", "inform")},
        ),
        (  # acting to carry out a foreign body's request assists it
            "Слідчий, прокурор або суд для виконання запиту компетентного органу іноземної держави про міжнародну "
            "правову допомогу викликає особу для вручення документів.",
            "Стаття 564. Виклик особи",
            "4651-17",
            {
                ("law_enforcement", "foreign_authority", "assist"),
                ("prosecutor", "foreign_authority", "assist"),
                ("court", "foreign_authority", "assist"),
            },
        ),
        (  # the materials of a request carried out are handed over: no request to the prosecutor
            "Орган досудового розслідування або слідчий передає матеріали виконання запиту прокурору.",
            "Стаття 558. Виконання запиту",
            "4651-17",
            {("law_enforcement", "prosecutor", "inform")},
        ),
        (  # a comma after the relative clause's verb goes on with the list of the addressees
            "Отримавши апеляційну скаргу на ухвалу слідчого судді, суддя-доповідач не пізніш як за день повідомляє "
            "особу, яка її подала, прокурора та інших заінтересованих осіб про час апеляційного розгляду.",
            "Стаття 422. Розгляд скарги",
            "4651-17",
            {("court", "prosecutor", "inform")},
        ),
    ],
)
def test_counterparts(text: str, context: str, work: str, expected: set[tuple[str, str, str]]) -> None:
    result = Tagger().tag(text, context, work=work)
    assert set(result.counterparts) == expected


@pytest.fixture
def store(tmp_path: Path, law_html: str) -> Store:
    s = Store(tmp_path / "c.sqlite")
    s.ensure_work(TrackedAct("100-20", "Про випробувальну митну службу"))
    parsed = parse_print_html(law_html)
    s.save_edition(
        "100-20",
        dt.date(2021, 3, 1),
        dataclasses.replace(
            parsed,
            provisions=tuple(
                dataclasses.replace(p, text=p.text.replace("повідомляти органи Служби безпеки України", "діяти"))
                for p in parsed.provisions
            ),
        ),
    )
    s.save_edition("100-20", dt.date(2022, 4, 1), parsed)
    tag_store(s, Tagger())
    return s


def test_network_findings_and_changes(store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edges = collect_edges(store)
    assert any((e.agent, e.counterpart, e.type) == ("customs", "sbu", "inform") for e in edges)
    edge = next(e for e in edges if e.counterpart == "sbu")
    assert edge.provision == "100-20#art_1__para_2" and edge.modality == "duty" and edge.edition == "2022-04-01"
    found = findings(edges)
    assert {
        "agent": "customs",
        "counterpart": "sbu",
        "type": "inform",
        "provisions": ["100-20#art_1__para_2"],
    } in found["one_way_duties"]
    diff = changes(collect_edges(store, at=dt.date(2021, 6, 1)), edges)
    assert {"agent": "customs", "counterpart": "sbu", "type": "inform", "modality": "duty"} in diff["gained"]
    graphml = to_graphml(edges)
    assert graphml.startswith("<?xml") and 'source="customs" target="sbu"' in graphml
    page = to_html(edges, found)
    assert "<svg" in page and "customs → sbu" in page and "http" not in page.split("<script>")[0].split("xmlns")[0]
    out = tmp_path / "net"
    assert (
        main(
            [
                "interactions",
                "--db",
                store.path,
                "--agency",
                "customs",
                "--from",
                "2021-06-01",
                "--to",
                "2022-04-01",
                "--format",
                "json",
                "--out",
                str(out),
            ]
        )
        == EXIT_OK
    )
    report = json.loads(capsys.readouterr().out)
    assert report["changes"]["gained"] and report["findings"]["one_way_duties"]
    assert {p.suffix for p in out.iterdir()} == {".json", ".csv", ".graphml", ".html"}
