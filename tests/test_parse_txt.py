"""The open-data .txt parser: same ids as the print view, flattened superscripts undone with a warning."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.parse import parse_document, parse_txt
from pipeline.records import ParsedAct
from tests.conftest import FIXTURES, shared_path


@pytest.fixture
def parsed() -> ParsedAct:
    return parse_txt((FIXTURES / "law.txt").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("eid", "text"),
    [
        ("preamble__al_1", "Цей Закон визначає засади діяльності випробувальної митної служби."),
        ("art_1__para_1", "Митні органи виконують такі завдання:"),
        ("art_1__para_1__point_2__subpoint_b", "у зонах митного контролю;"),
        ("art_1__para_1__point_3", "виявлення порушень митних правил."),
        ("art_2__al_1", "Посадові особи митних органів мають право проводити митний огляд товарів."),
        ("art_2-2__al_1", "Контрабанда товарів карається штрафом."),
        ("art_3__al_1", "Цей Закон набирає чинності з дня його опублікування."),
    ],
)
def test_provisions(parsed: ParsedAct, eid: str, text: str) -> None:
    assert parsed.by_eid()[eid].text == text


def test_header_notes_and_signature(parsed: ParsedAct) -> None:
    assert parsed.act_type == "ЗАКОН УКРАЇНИ"
    assert parsed.title == "Про випробувальну митну службу"
    assert parsed.by_eid()["part_I"].heading == "ЗАГАЛЬНІ ПОЛОЖЕННЯ"
    assert parsed.notes[0].target is None and "№ 300-IX від 01.04.2022" in parsed.notes[0].text
    assert not any("ЗЕЛЕНСЬКИЙ" in p.text or "№ 100-IX" in p.text for p in parsed.provisions)


def test_unclosed_note_does_not_swallow_the_next_point(parsed: ParsedAct) -> None:
    assert parsed.notes[1].text.startswith("Пункт 2 частини першої статті 1 із змінами")
    assert parsed.notes[1].target == "art_1__para_1__point_2__subpoint_b"


def test_flattened_superscripts_are_restored_with_warnings(parsed: ParsedAct) -> None:
    assert [a.number for a in parsed.articles()] == ["1", "2", "2-1", "2-2", "3"]
    assert parsed.by_eid()["art_2-1"].excluded
    assert parsed.article_count == 4
    messages = [w.message for w in parsed.warnings]
    assert "article number 21 read as 2-1 (flattened superscript)" in messages
    assert "article number 22 read as 2-2 (flattened superscript)" in messages


def test_crlf_and_content_sniffing(tmp_path: Path) -> None:
    text = (FIXTURES / "law.txt").read_text(encoding="utf-8").replace("\n", "\r\n")
    parsed = parse_document(text)
    assert parsed.source_format == "txt"
    assert parsed.by_eid()["art_1__para_1__point_1"].text == "запобігання та протидія контрабанді;"


def test_real_open_data_text() -> None:
    """The real data.rada .txt of 1103-16: superscript articles 8¹, 8² come flattened as 81, 82."""
    path = shared_path("corpus", "markup-samples", "data-rada.rada-1103-16-law.txt")
    parsed = parse_txt(path.read_text(encoding="utf-8"))
    by = parsed.by_eid()
    assert parsed.title is not None and parsed.title.startswith("Про державну систему біобезпеки")
    assert by["art_8-1"].excluded
    assert by["art_8-2"].heading is not None and by["art_8-2"].heading.startswith("Повноваження")
    assert by["part_VI"].heading == "ЗАКЛЮЧНІ ПОЛОЖЕННЯ"
    assert by["art_1"].heading == "Терміни та їх визначення"
    assert not any("ЮЩЕНКО" in p.text for p in parsed.provisions)
