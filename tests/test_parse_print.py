"""The print-view parser: ids per ids.md, texts without enumerators or notes, odd input as warnings."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest

from pipeline.http import decode_body
from pipeline.parse import parse_document, parse_print_html
from pipeline.records import ParsedAct
from tests.conftest import shared_path


@pytest.fixture
def parsed(law_html: str) -> ParsedAct:
    return parse_print_html(law_html)


@pytest.mark.parametrize(
    ("eid", "kind", "parent", "text_start"),
    [
        ("preamble__al_1", "al", "preamble", "Цей Закон визначає засади"),
        ("part_I", "part", None, ""),
        ("chp_1", "chp", "part_I", ""),
        ("art_1", "art", "chp_1", ""),
        ("art_1__para_1", "para", "art_1", "Митні органи виконують такі завдання:"),
        ("art_1__para_1__point_1", "point", "art_1__para_1", "запобігання та протидія контрабанді;"),
        ("art_1__para_1__point_2__subpoint_a", "subpoint", "art_1__para_1__point_2", "у пунктах пропуску"),
        ("art_1__para_1__point_2__subpoint_b", "subpoint", "art_1__para_1__point_2", "у зонах митного"),
        ("art_1__para_1__point_2-1", "point", "art_1__para_1", "взаємодія з Національною поліцією"),
        ("art_1__para_1__point_3", "point", "art_1__para_1", "виявлення порушень"),
        ("art_1__para_2", "para", "art_1", "Митні органи зобов’язані повідомляти"),
        ("art_1__para_2__al_1", "al", "art_1__para_2", "Таке повідомлення"),
        # an article without parts: lead-in abzac, first list unqualified
        ("art_2__al_1", "al", "art_2", "Посадові особи митних органів мають право:"),
        ("art_2__point_1", "point", "art_2", "проводити митний огляд"),
        # an abzac between points of one list stays inside the point before it
        ("art_2__point_2__al_1", "al", "art_2__point_2", "під час огляду"),
        ("art_2__point_3", "point", "art_2", "складати протоколи"),
        # the second list is qualified by its lead-in abzac
        ("art_2__al_2", "al", "art_2", "У разі проведення спільних заходів"),
        ("art_2__al_2__point_1", "point", "art_2", "залучати спеціалістів;"),
        ("art_2__al_2__point_2", "point", "art_2", "отримувати інформацію"),
        ("art_2__al_3", "al", "art_2", "Порядок реалізації"),
        # superscript article number, sanctions, a remark with numbered items
        ("art_2-1", "art", "chp_1", ""),
        ("art_2-1__para_1__al_1", "al", "art_2-1__para_1", "карається штрафом."),
        ("art_2-1__para_2__al_1", "al", "art_2-1__para_2", "караються позбавленням волі"),
        ("art_2-1__al_1", "al", "art_2-1", "Примітка. 1. Великим розміром"),
        ("art_2-1__al_1__para_2", "para", "art_2-1__al_1", "Повторним вважається"),
        # content of a Розділ outside any article
        ("part_II__para_1", "para", "part_II", "Цей Закон набирає чинності"),
        # an article quoted in final provisions repeats a number: kept, with a distinct id
        ("art_1~2", "art", "part_II", ""),
    ],
)
def test_provision_ids_kinds_parents_and_texts(
    parsed: ParsedAct, eid: str, kind: str, parent: str | None, text_start: str
) -> None:
    p = parsed.by_eid()[eid]
    assert (p.kind, p.parent) == (kind, parent)
    assert p.text.startswith(text_start)


def test_article_headings_numbers_and_order(parsed: ParsedAct) -> None:
    arts = parsed.articles()
    assert [a.number for a in arts] == ["1", "2", "2-1", "3", "4", "1"]
    assert arts[0].heading == "Завдання митних органів"
    assert arts[2].heading == "Відповідальність за контрабанду"
    orders = [p.order for p in parsed.provisions]
    assert orders == sorted(orders) == list(range(len(parsed.provisions)))
    assert len({p.eid for p in parsed.provisions}) == len(parsed.provisions)


def test_headings_of_parts_and_chapters(parsed: ParsedAct) -> None:
    by = parsed.by_eid()
    assert by["part_I"].heading == "ЗАГАЛЬНІ ПОЛОЖЕННЯ"
    assert by["part_I"].number == "I"
    assert by["chp_1"].heading == "Завдання служби"
    assert by["part_II"].heading == "ПРИКІНЦЕВІ ПОЛОЖЕННЯ"


def test_excluded_articles_in_both_forms(parsed: ParsedAct) -> None:
    by = parsed.by_eid()
    assert by["art_3"].excluded and by["art_4"].excluded
    assert not by["art_2"].excluded
    # an article whose label sits inside the note is not counted as an article label of the text
    assert parsed.article_count == 5


def test_notes_are_metadata_attached_to_the_provision_before_them(parsed: ParsedAct) -> None:
    notes = {n.target: n.text for n in parsed.notes}
    assert notes[None].startswith("Із змінами, внесеними згідно із Законами")
    assert "№ 300-IX від 01.04.2022" in notes[None]
    assert notes["art_1__para_1__point_2-1"].startswith("Частину першу статті 1 доповнено пунктом 2-1")
    assert notes["art_4"].startswith("Статтю 4 виключено")
    assert all("{" not in p.text and "доповнено" not in p.text for p in parsed.provisions)


def test_metadata_from_title_and_stamp(parsed: ParsedAct) -> None:
    assert parsed.title == "Про випробувальну митну службу"
    assert parsed.act_type == "ЗАКОН УКРАЇНИ"
    assert parsed.edition_date == dt.date(2022, 4, 1)
    assert parsed.basis == "300-IX"
    assert not [w for w in parsed.warnings if "truncated" in w.message]


def test_signature_ends_the_text(parsed: ParsedAct) -> None:
    assert not any("ЗЕЛЕНСЬКИЙ" in p.text for p in parsed.provisions)


def test_text_is_nfc_with_apostrophes_kept(law_html: str) -> None:
    decomposed = unicodedata.normalize("NFD", law_html)
    parsed = parse_print_html(decomposed)
    text = parsed.by_eid()["art_1__para_2"].text
    assert unicodedata.is_normalized("NFC", text)
    assert "зобов’язані" in text


def test_truncated_page_is_flagged(law_html: str) -> None:
    cut = law_html[: law_html.index("Стаття 2.")]
    parsed = parse_print_html(cut)
    assert any("truncated" in w.message for w in parsed.warnings)
    assert parsed.by_eid()["art_1__para_2"].text.startswith("Митні органи")


@pytest.mark.parametrize(
    "html",
    [
        "",
        "   ",
        "<html><body><p>Сторінку не знайдено</p></body></html>",
        "<html><body><div id=article><p class=rvps2>лише текст без статей</p></div></body></html>",
        "\x00\x01<<<>>>",
        "<div id=article><p class=rvps2><span class=rvts9>Стаття",
    ],
)
def test_odd_input_never_raises_and_warns(html: str) -> None:
    parsed = parse_print_html(html)
    assert parsed.article_count == 0
    assert any("no articles" in w.message for w in parsed.warnings)


def test_note_without_closing_brace_does_not_swallow_text() -> None:
    html = (
        '<div id="article"><p class=rvps2><a name=n1></a><span class=rvts9>Стаття 19. </span>Обов’язки</p>'
        "<p class=rvps2><a name=n2></a>1) перший обов’язок;</p>"
        "<p class=rvps2><a name=n3></a><span class=rvts46>{Пункт 1 із змінами, внесеними згідно із Законом "
        "№ 524-IX від 04.03.2020</span></p>"
        "<p class=rvps2><a name=n4></a>2) другий обов’язок.</p>"
        "<p class=rvps2><a name=n5></a><span class=rvts9>Стаття 20. </span>Права</p></div>"
        '<div class="stamp">Публікації документа</div>'
    )
    parsed = parse_print_html(html)
    assert parsed.article_count == 2
    assert parsed.by_eid()["art_19__point_2"].text == "другий обов’язок."
    assert parsed.notes[0].text.startswith("Пункт 1 із змінами")


def test_windows_1251_page_decodes_and_parses(law_html: str) -> None:
    raw = law_html.replace('<meta charset="utf-8">', "").replace("’", "'").encode("cp1251")
    parsed = parse_document(decode_body(raw, "text/html"))
    assert parsed.by_eid()["art_1__para_1"].text == "Митні органи виконують такі завдання:"


def test_real_print_page_of_the_portal() -> None:
    """The real saved print page (2344-14, edition 15.11.2024) from shared/corpus/markup-samples."""
    path = shared_path("corpus", "markup-samples", "2344-14.zakon-print.20241115.htm")
    parsed = parse_print_html(path.read_text(encoding="utf-8"))
    by = parsed.by_eid()
    assert parsed.title == "Про автомобільний транспорт"
    assert parsed.edition_date == dt.date(2024, 11, 15)
    assert parsed.basis == "4017-IX"
    assert parsed.article_count == len(parsed.articles()) == 63
    assert by["preamble__al_1"].text == "Цей Закон визначає засади організації та діяльності автомобільного транспорту."
    assert by["part_I"].heading == "ЗАГАЛЬНІ ПОЛОЖЕННЯ ОРГАНІЗАЦІЇ ТА ДІЯЛЬНОСТІ АВТОМОБІЛЬНОГО ТРАНСПОРТУ"
    assert by["chp_1"].heading == "ЗАГАЛЬНІ ЗАСАДИ ДІЯЛЬНОСТІ АВТОМОБІЛЬНОГО ТРАНСПОРТУ"
    assert by["art_1"].heading == "Визначення основних термінів"
    assert by["art_1"].parent == "chp_1"
    assert by["art_1__al_1"].text == "У цьому Законі наведені терміни вживаються в такому значенні:"
    assert by["art_1__al_2"].text.startswith("автоматизована система обліку оплати проїзду")
    assert not parsed.warnings
    notes = [n for n in parsed.notes if n.target == "art_1__al_2"]
    assert notes and notes[0].text.startswith("Статтю 1 доповнено терміном")
    assert any(n.target is None and n.text.startswith("В редакції Закону") for n in parsed.notes)
