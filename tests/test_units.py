"""Units and the context (article heading, lead-ins) each is read with."""

from __future__ import annotations

import pytest

from pipeline.records import Provision
from pipeline.units import units_of


def _article(*children: tuple[str, str, str | None, str]) -> list[Provision]:
    provisions = [Provision("art_4", "art", "4", "Гарантії незалежності Національного бюро", "", None, 0)]
    for order, (eid, kind, parent, text) in enumerate(children, 1):
        provisions.append(Provision(eid, kind, eid.rsplit("_", 1)[-1], None, text, parent, order))
    return provisions


PART = "Діяльність Національного бюро спрямовується і координується Кабінетом Міністрів України."
LEAD = "Кабінет Міністрів України спрямовує і координує діяльність Національного бюро виключно у такий спосіб:"


@pytest.mark.parametrize(
    ("children", "unit", "expected_lead"),
    [
        (  # points after an unnumbered lead-in line of their part belong to that line, not to the part's text
            (
                ("art_4__para_4", "para", "art_4", PART),
                ("art_4__para_4__al_1", "al", "art_4__para_4", LEAD),
                ("art_4__para_4__point_1", "point", "art_4__para_4", "схвалення Антикорупційної стратегії;"),
            ),
            "art_4__para_4__point_1",
            LEAD,
        ),
        (  # without such a line the part's own text is the lead-in
            (
                ("art_4__para_4", "para", "art_4", "Кабінет Міністрів України:"),
                ("art_4__para_4__point_1", "point", "art_4__para_4", "схвалення Антикорупційної стратегії;"),
            ),
            "art_4__para_4__point_1",
            "Кабінет Міністрів України:",
        ),
        (  # a line that does not end with a colon leads nothing
            (
                ("art_4__para_4", "para", "art_4", "Кабінет Міністрів України:"),
                ("art_4__para_4__al_1", "al", "art_4__para_4", "Рішення ухвалюється на засіданні."),
                ("art_4__para_4__point_1", "point", "art_4__para_4", "схвалення Антикорупційної стратегії;"),
            ),
            "art_4__para_4__point_1",
            "Кабінет Міністрів України:",
        ),
        (  # lines of the part after its list has ended are not its items
            (
                ("art_4__para_3", "para", "art_4", "Конкурс проводить Конкурсна комісія, до складу якої входять:"),
                ("art_4__para_3__al_1", "al", "art_4__para_3", "три особи, визначені Генеральним прокурором;"),
                ("art_4__para_3__al_2", "al", "art_4__para_3", "три особи, визначені Радою прокурорів."),
                ("art_4__para_3__al_3", "al", "art_4__para_3", "Не можуть бути членами Конкурсної комісії:"),
            ),
            "art_4__para_3__al_3",
            "Стаття 4. Гарантії незалежності Національного бюро",
        ),
    ],
)
def test_an_item_is_read_with_the_lead_in_that_introduces_it(
    children: tuple[tuple[str, str, str | None, str], ...], unit: str, expected_lead: str
) -> None:
    units = {u.id: u for u in units_of("1698-18", _article(*children))}
    context = units[f"1698-18#{unit}"].context.split("\n")
    assert context[0] == "Стаття 4. Гарантії незалежності Національного бюро"
    assert context[-1] == expected_lead
