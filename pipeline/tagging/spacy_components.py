"""normgap as spaCy components: registered factories that declare what they need and what they assign.

    nlp = build_pipeline("uk")                      # spacy.blank("uk") + normgap components
    doc = nlp.make_doc(text); doc._.work = "4495-17"; doc._.context = "Стаття 544. ..."
    doc = nlp(doc)  # or run the components on a Doc
    doc.spans["agencies"]  -> spans with label AGENCY and kb_id_ = canonical agency id
    doc._.norms            -> [{"agent", "modality", "level", "source", "cue": (start, end)}]

Backends: "blank" (default: what pip installs), "spacy" (a pretrained uk_core_news_* or any spaCy pipeline
by name or path, with the normgap components appended), "stanza" (spacy-stanza's Ukrainian pipeline).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipeline.errors import ConfigError
from pipeline.tagging.morph import fold, lemma
from pipeline.tagging.tagger import Tagger, TaggingError
from pipeline.units import sentence_spans

try:
    import spacy
    from spacy.language import Language
    from spacy.tokens import Doc, Span
except ImportError as e:  # pragma: no cover - spaCy is a core dependency
    raise ConfigError("spaCy is not installed (pip install spacy)") from e

for _name, _default in (("work", None), ("context", ""), ("norms", None), ("tagging_error", None)):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=_default)


@Language.factory("normgap_lemmatizer", assigns=["token.lemma"])
def make_lemmatizer(nlp: Language, name: str) -> Any:
    """pymorphy3 (lang="uk") behind a cache: right and fast where spaCy's stock lemmatizer without POS is not."""

    def lemmatize(doc: Doc) -> Doc:
        for token in doc:
            if any(c.isalpha() for c in token.text):  # "зобов’язані" is one word with its apostrophe
                token.lemma_ = lemma(fold(token.text))
        return doc

    return lemmatize


@Language.factory("normgap_units", assigns=["token.is_sent_start"])
def make_units(nlp: Language, name: str) -> Any:
    """Sentence boundaries that do not split after "ст.", "ч.", "п." or initials (pipeline.units)."""

    def segment(doc: Doc) -> Doc:
        starts = {s for s, _ in sentence_spans(doc.text)}
        for token in doc:
            token.is_sent_start = token.i == 0 or token.idx in starts
        return doc

    return segment


class _TaggerComponent:
    def __init__(self, use_model: bool) -> None:
        self.tagger = Tagger(use_model=use_model)

    def result(self, doc: Doc) -> Any:
        cached = doc.user_data.get("normgap_result")
        if cached is None:
            lang = "en" if doc.lang_ == "en" else "uk"
            try:
                cached = self.tagger.tag(doc.text, doc._.context or "", work=doc._.work, lang=lang)
            except TaggingError as e:
                doc._.tagging_error = str(e)
                cached = None
            doc.user_data["normgap_result"] = cached
        return cached


@Language.factory("normgap_agencies", default_config={"use_model": True}, assigns=["doc.spans", "doc.ents"])
def make_agencies(nlp: Language, name: str, use_model: bool) -> Any:
    component = _TaggerComponent(use_model)

    def find(doc: Doc) -> Doc:
        result = component.result(doc)
        spans: list[Span] = []
        for start, end, agency in result.mentions if result else ():
            span = doc.char_span(start, end, label="AGENCY", kb_id=agency, alignment_mode="expand")
            if span is not None:
                spans.append(span)
        doc.spans["agencies"] = spans
        doc.ents = spacy.util.filter_spans(spans)
        return doc

    return find


@Language.factory("normgap_norms", default_config={"use_model": True}, requires=["doc.spans"], assigns=["doc._.norms"])
def make_norms(nlp: Language, name: str, use_model: bool) -> Any:
    component = _TaggerComponent(use_model)

    def extract(doc: Doc) -> Doc:
        result = component.result(doc)
        doc._.norms = [n.as_json() for n in result.norms] if result else []
        return doc

    return extract


COMPONENTS = ("normgap_units", "normgap_lemmatizer", "normgap_agencies", "normgap_norms")


def add_components(nlp: Language, *, use_model: bool = True) -> Language:
    for name in COMPONENTS:
        if name in nlp.pipe_names:
            continue
        if name == "normgap_lemmatizer" and nlp.lang != "uk":
            continue
        config = {"use_model": use_model} if name in ("normgap_agencies", "normgap_norms") else {}
        nlp.add_pipe(name, config=config)
    return nlp


def build_pipeline(
    lang: str = "uk", *, backend: str = "blank", model: str | Path | None = None, use_model: bool = True
) -> Language:
    """A spaCy pipeline with the normgap components, on the chosen backend."""
    if backend == "blank":
        nlp = spacy.blank(lang)
        if lang == "en":
            _add_english_lemmatizer(nlp)
    elif backend == "spacy":
        nlp = load_pretrained(model or ("uk_core_news_sm" if lang == "uk" else "en_core_web_sm"))
    elif backend == "stanza":
        nlp = load_stanza(lang)
    else:
        raise ConfigError(f"unknown NLP backend {backend!r} (blank, spacy, stanza)")
    return add_components(nlp, use_model=use_model)


def load_pretrained(model: str | Path) -> Language:
    """A pretrained spaCy pipeline by package name (uk_core_news_sm/md/lg/trf) or path."""
    try:
        return spacy.load(model)
    except OSError as e:
        raise ConfigError(
            f"spaCy pipeline {str(model)!r} is not installed; install it (python -m spacy download {model}) "
            "or use the default backend 'blank'"
        ) from e


def load_stanza(lang: str = "uk") -> Language:
    """Stanza's pipeline through spacy-stanza (models must be downloaded with stanza.download first)."""
    try:
        import spacy_stanza
    except ImportError as e:
        raise ConfigError("the stanza backend needs spacy-stanza and stanza (pip install spacy-stanza)") from e
    try:
        return spacy_stanza.load_pipeline(lang, processors="tokenize,pos,lemma", download_method=None)
    except Exception as e:  # stanza raises its own errors for missing models
        raise ConfigError(f"stanza's {lang} models are not available: {e} (run stanza.download({lang!r}))") from e


def _add_english_lemmatizer(nlp: Language) -> None:
    """English lemmas from spacy-lookups-data when it is installed (lookup mode needs no POS)."""
    try:
        import spacy_lookups_data  # noqa: F401
    except ImportError:
        return
    lemmatizer = nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    try:
        nlp.initialize()
    except Exception:  # tables missing: keep the pipeline usable without lemmas
        nlp.remove_pipe("lemmatizer")
    del lemmatizer


def tag_doc(nlp: Language, text: str, *, work: str | None = None, context: str = "") -> Doc:
    doc = nlp.make_doc(text)
    doc._.work = work
    doc._.context = context
    for _, proc in nlp.pipeline:
        doc = proc(doc)
    return doc
