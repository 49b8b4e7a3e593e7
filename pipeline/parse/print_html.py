"""Parser for the portal's print view (zakon.rada.gov.ua/laws/show/{nreg}[/ed{date}]/print).

Markup (shared/docs/portal-notes.md §3.1): every paragraph is a ``<p class=rvpsN>`` with an ``<a name=nNNN>``
anchor; ``span.rvts9`` holds the "Стаття N." label, ``span.rvts15`` the Розділ/Глава headings, ``span.rvts37``
a superscript number after a hidden hyphen; notes are paragraphs in braces (wrapped in em/i). The act's
edition date and basis are in the stamp after ``div#article``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import lxml.etree

from pipeline.parse.blocks import Block
from pipeline.parse.structure import ARTICLE_LABEL, HEADING_BOOK, HEADING_CHAPTER, HEADING_PART, build_tree
from pipeline.records import ParsedAct, ParseWarning
from pipeline.text import clean, nfc

_STAMP_EDITION = re.compile(r"Редакція\s+від\s+(\d{2})\.(\d{2})\.(\d{4})")
_STAMP_BASIS = re.compile(r"підстава\s*[—–-]\s*([^\s<]+(?:,\s*\d[^\s,<]*)*)")
_SIGNATURE_CLASSES = {"rvps4", "rvps15"}
_END_MARKERS = ("Публікації документа", 'class="stamp"', "class=stamp")
_PARSER = lxml.etree.HTMLParser(remove_comments=True)


def parse_print_html(html: str) -> ParsedAct:
    """Parse a print-view page (already decoded to str) into its provision tree. Never raises on odd input:
    problems are returned as warnings (no div#article, no articles, a page cut short)."""
    warnings: list[ParseWarning] = []
    html = nfc(html)
    try:
        # the plain etree HTML parser: lxml.html's element classes cost a lookup per node visited
        root = lxml.etree.fromstring(html, _PARSER) if html.strip() else None
    except (lxml.etree.ParserError, lxml.etree.XMLSyntaxError, ValueError) as e:
        root = None
        warnings.append(ParseWarning(f"not parseable as HTML: {e}"))
    if root is None:
        warnings.append(ParseWarning("empty page"))
        return build_tree([], source_format="print", warnings=warnings)
    article = _find_article(root)
    if article is None:
        warnings.append(ParseWarning("no div#article: not a print page of an act"))
        article = root
    if not any(marker in html[-20000:] for marker in _END_MARKERS):
        warnings.append(ParseWarning("page ends without the portal stamp: possibly truncated"))
    title, act_type, blocks = _blocks(article)
    edition_date, basis = _stamp(root)
    title = title or _title_tag(root)
    return build_tree(
        blocks,
        source_format="print",
        title=title,
        act_type=act_type,
        edition_date=edition_date,
        basis=basis,
        warnings=warnings,
    )


def is_truncated(html: str) -> bool:
    return not any(marker in html[-20000:] for marker in _END_MARKERS)


def _find_article(root: lxml.etree._Element) -> lxml.etree._Element | None:
    for el in root.iter("div"):
        if el.get("id") == "article":
            return el
    return None


def _title_tag(root: lxml.etree._Element) -> str | None:
    el = root.find(".//title")
    if el is None or not el.text:
        return None
    return clean(el.text.split("|")[0]) or None


def _stamp(root: lxml.etree._Element) -> tuple[dt.date | None, str | None]:
    for el in root.iter("div"):
        if "stamp" in (el.get("class") or "").split():
            for br in el.iter("br"):
                br.tail = "\n" + (br.tail or "")
            text = clean("".join(str(x) for x in el.itertext()))
            date = None
            if m := _STAMP_EDITION.search(text):
                try:
                    date = dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
                except ValueError:
                    date = None
            basis = m2.group(1) if (m2 := _STAMP_BASIS.search(text)) else None
            return date, basis
    return None, None


def _paragraph_text(p: lxml.etree._Element) -> str:
    return lxml.etree.tostring(p, method="text", encoding=str, with_tail=False)


def _squash(raw: str) -> str:
    """Collapse white space; most paragraphs only need their ends stripped, which is much cheaper."""
    text = raw.strip()
    if "\n" in text or "  " in text or "\xa0" in text or "\t" in text or "\r" in text:
        text = " ".join(text.split())
    return text


def _anchor(p: lxml.etree._Element) -> str | None:
    if len(p):
        first = p[0]
        if first.tag == "a" and (name := first.get("name")):
            return name
    for a in p.iter("a"):
        name = a.get("name")
        if name:
            return name
    return None


def _has_span(p: lxml.etree._Element, cls: str, prefix: str = "") -> bool:
    for child in p:
        if (
            child.tag == "span"
            and child.get("class") == cls
            and (not prefix or (child.text or "").lstrip().startswith(prefix))
        ):
            return True
    return False


def _iter_paragraphs(article: lxml.etree._Element) -> Iterator[lxml.etree._Element]:
    # <br> separates the number and the title of a heading: keep it as a line break.
    for br in article.iter("br"):
        br.tail = "\n" + (br.tail or "")
    yield from article.iter("p")


def _blocks(article: lxml.etree._Element) -> tuple[str | None, str | None, list[Block]]:
    title: str | None = None
    act_type: str | None = None
    blocks: list[Block] = []
    open_note: list[str] | None = None
    note_anchor: str | None = None
    for p in _iter_paragraphs(article):
        raw = _paragraph_text(p)
        text = _squash(raw)  # the page was made NFC once, up front
        if not text:
            continue
        cls = p.get("class") or ""
        anchor = _anchor(p)
        if open_note is not None:
            # A note runs over several paragraphs only while they stay in the note style (italic rvts46);
            # the source sometimes drops the closing brace, which must not swallow the normative text.
            if _has_span(p, "rvts46") and not text.startswith("{"):
                open_note.append(text)
                if text.endswith("}"):
                    blocks.append(Block("note", " ".join(open_note), note_anchor))
                    open_note = None
                continue
            blocks.append(Block("note", " ".join(open_note), note_anchor))
            open_note = None
        if cls in _SIGNATURE_CLASSES:
            blocks.append(Block("signature", text, anchor))
            continue
        if cls == "rvps17":
            act_type = act_type or text
            continue
        if cls == "rvps6":
            title = title or text
            continue
        if text.startswith("{"):
            label = _note_article_label(p, text)
            if text.endswith("}") or label:
                blocks.append(Block("note", text, anchor, label))
            else:
                open_note, note_anchor = [text], anchor
            continue
        if cls == "rvps7" or cls == "rvps18":
            block = _centred(p, raw, anchor)
            if block is not None:
                blocks.append(block)
            continue
        if _has_span(p, "rvts9", "Стаття") and (m := ARTICLE_LABEL.match(text)):
            blocks.append(Block("article", text, anchor, m.group(1)))
            continue
        blocks.append(Block("body", text, anchor))
    if open_note is not None:
        blocks.append(Block("note", " ".join(open_note), note_anchor))
    return title, act_type, blocks


def _note_article_label(p: lxml.etree._Element, text: str) -> str | None:
    """ "{ Стаття 3. Статтю 3 виключено ...}": a repealed article whose label sits inside the note."""
    if not _has_span(p, "rvts9", "Стаття"):
        return None
    m = ARTICLE_LABEL.match(text.lstrip("{ ").rstrip("} "))
    return m.group(1) if m else None


def _centred(p: lxml.etree._Element, raw: str, anchor: str | None) -> Block | None:
    """Centred paragraphs: Розділ/Глава headings (rvts15) or the publication line (not normative)."""
    lines = "\n".join(clean(x) for x in raw.split("\n") if clean(x))
    first = lines.split("\n", 1)[0]
    if (
        _has_span(p, "rvts15")
        or HEADING_PART.match(first)
        or HEADING_CHAPTER.match(first)
        or (HEADING_BOOK.match(first))
    ):
        return Block("heading", lines, anchor)
    return None
