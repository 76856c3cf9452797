"""Turkish first, English one click away: the two languages of every page. No I/O.

Each page holds both languages: every phrase for people is written twice,
`<span class="l-tr" lang="tr">…</span><span class="l-en" lang="en">…</span>` (`bi`), and the
stylesheet shows the one the `<html lang>` names (`tr` by default). The switch in the page
header sets `<html lang>` and remembers the choice (localStorage); a reader without
JavaScript reads Turkish. One HTML file per resource, as before: a page per language would
double the HTML files of a national edition (8,000 more), and content negotiation would have
to weigh Accept-Language as well (docs/site.md).

Text the stylesheet cannot switch — attributes — is avoided: regions and charts are named by
`aria-labelledby` pointing at their (switching) captions. Phrases are in `MESSAGES`, keyed by
name; labels of the data come from the code lists (tr and en).
"""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache

from markupsafe import Markup, escape

from ..model.numbers import exact_decimal

LANGS = ("tr", "en")

# name → (Turkish, English); `{name}` fields are filled by `msg`
MESSAGES: dict[str, tuple[str, str]] = {
    "skip": ("İçeriğe geç", "Skip to content"),
    "site-nav": ("Site", "Site"),
    "dataset": ("Veri kümesi", "Dataset"),
    "ontology": ("Ontoloji", "Ontology"),
    "queries": ("Sorgular", "Queries"),
    "sparql": ("SPARQL", "SPARQL"),
    "switch": ("English", "Türkçe"),
    "switch-title": ("Read this page in English", "Bu sayfayı Türkçe okuyun"),
    "licence-line": ("Veri ve ontoloji:", "Data and ontology:"),
    "as-data": ("Veri olarak:", "As data:"),
    "releases-line": ("Bu, en son sürümdür. Sürümler (değişmez, değişiklik günlükleriyle):",
                      "This is the latest edition. Releases (immutable, with their change logs):"),
    "revised": ("Düzeltildi:", "Revised:"),
    "releases": ("Sürümler", "Releases"),
    "releases-intro": ("Değişmez, atıf yapılabilir sürümler, her biri değişiklik günlüğüyle; yukarıdaki sayfalar ve indirmeler en son sürümdür.",
                       "Immutable, citable editions, each with its change log; the pages and downloads above are the latest edition."),
    "catalog-line": ("Katalog kaydı (DCAT-AP):", "Catalogue record (DCAT-AP):"),
    "catalog-link": ("dağıtımlar, lisans, yayıncı, kapsam", "distributions, licence, publisher, coverage"),
    "terms": ("Terimler", "Terms"),
    "charts": ("Grafikler", "Charts"),
    "maps": ("Haritalar", "Maps"),
    "figures": ("Rakamlar", "Figures"),
    "obs-pages": ("Gözlem sayfaları", "Observation pages"),
    "obs-pages-about": ("Her sayfa bir ilin bir dönemdeki rakamlarını içerir; her rakamın orada kendi URI'si vardır (sayfanın URI'si, ardından <code>#</code> ve diğer boyutları).",
                        "Each page holds the figures of one province and period; every figure has its own URI there (the page's URI and <code>#</code> its other dimensions)."),
    "properties": ("Özellikler", "Properties"),
    "no-properties": ("Bu kaynağı yalnızca ona bağlanan kaynaklar tanımlar.",
                      "This resource is described only by the resources that link to it."),
    "used-by": ("Kullananlar", "Used by"),
    "of": ("—", "of"),
    "and-more": ("ve {n} tane daha", "and {n} more"),
    "figure-count": ("{n} rakam", "{n} figure{s}"),
    "first-figures": ("{total} rakamın boyut sırasına göre ilk {n} tanesi. Her rakam", "The first {n} of {total} figures, in the order of their dimensions. Every figure is in"),
    "every-figure-of": ("Tüm rakamlar: {title}", "Every figure of {title}"),
    "first-figures-of": ("{title}: rakamlar (ilk {n})", "Figures of {title} (the first {n})"),
    "where-csv": ("CSV indirmesinde,", "the CSV download,"),
    "where-obs": ("aşağıdaki gözlem sayfalarında,", "the observation pages below,"),
    "where-rest": ("ilinin sayfalarında yer alır ve SPARQL ile sorgulanabilir", "the pages of its province, and can be queried with SPARQL"),
    "in-browser": ("tarayıcıda", "in the browser"),
    "province": ("İl", "Province"),
    "period": ("Dönem", "Period"),
    "programme": ("Program", "Programme"),
    "target-group": ("Hedef kitle", "Target group"),
    "indicator": ("Gösterge", "Indicator"),
    "value": ("Değer", "Value"),
    "unit": ("Birim", "Unit"),
    "chart-figures": ("Grafiğin rakamları: {title}", "Figures of the chart: {title}"),
    "map-figures": ("Haritanın rakamları: {title}", "Figures of the map: {title}"),
    "chart-desc": ("{unit} cinsinden {n} rakamın çubuk grafiği; en büyüğü {value} ile {label}. Grafiğin altındaki tablo aynı rakamları verir.",
                   "Bar chart of {n} figures in {unit}; the largest is {label} with {value}. The table below the chart gives the same figures."),
    "per-programme": ("{measure}, programlara göre: {where}", "{measure} per programme, {where}"),
    "by-province": ("{programme}: {measure}, illere göre", "{measure} of {programme} by province"),
    "figures-csv": ("Bu rakamlar CSV olarak", "These figures as CSV"),
    "figures-sparql": ("SPARQL sorgusu", "the SPARQL query"),
    "figures-sparql-run": ("tarayıcıda çalıştırın", "run it in the browser"),
    "home-charts": ("Programlara göre hizmet alan kişiler ve yapılan ödemeler", "People served and money paid, per programme"),
    "downloads": ("İndirmeler", "Downloads"),
    "downloads-caption": ("Makineler ve hesap tabloları için dosyalar", "Files for machines and spreadsheets"),
    "file": ("Dosya", "File"),
    "what": ("İçerik", "What"),
    "format": ("Biçim", "Format"),
    "conneg": ("Her kaynak URI'si insanlar için HTML, makineler için içerik anlaşmasıyla Turtle, JSON-LD veya N-Triples döndürür.",
               "Every resource URI answers with HTML for people and, by content negotiation, Turtle, JSON-LD or N-Triples for machines."),
    "code-lists": ("Kod listeleri", "Code lists"),
    "sources": ("Kaynak belgeler", "Source documents"),
    "n-figures": ("{n} rakam", "{n} figures"),
    "browse": ("Tüm rakamlara göz atın", "Browse every figure"),
    "read-ontology": ("Ontolojiyi okuyun", "Read the ontology"),
    "home-stats": ("{obs} rakam, {progs} program, {provs} il; her biri onu bildiren cümleyle birlikte. Yayıncı: {publisher}; lisans",
                   "{obs} figures about {progs} programmes in {provs} provinces, each with the sentence that states it. Published by {publisher}; licence"),
    "coverage": ("Verisi olan iller", "Provinces with data"),
    "coverage-title": ("Verisi olan iller ({n} / 81)", "Provinces with data ({n} of 81)"),
    "coverage-desc": ("Türkiye'nin 81 ilinin haritası; verisi olan {n} il renkli ve kendi sayfasına bağlı, diğerleri gri.",
                      "Map of Türkiye's 81 provinces; the {n} provinces with data are coloured and link to their pages, the others are grey."),
    "has-data": ("Verisi var", "Has data"),
    "no-data": ("Veri yok", "No data"),
    "figures-n": ("Rakam sayısı", "Figures"),
    "map-title": ("{measure}, illere göre: {what}, {period}", "{measure} by province: {what}, {period}"),
    "map-desc": ("Türkiye'nin 81 ilinin haritası; {n} ilin değeri {k} sınıfta renklendirilmiş, veri olmayan iller gri. Haritanın yanındaki tablo aynı rakamları verir.",
                 "Map of Türkiye's 81 provinces; the values of {n} provinces are coloured in {k} classes, provinces without data are grey. The table beside the map gives the same figures."),
    "legend": ("Lejant", "Legend"),
    "map-source": ("İl sınırları: {source} (MIT lisansı).", "Province outlines: {source} (MIT licence)."),
    "obs-doc-about": ("{n} rakam:", "{n} figure{s} of"),
    "in-this-document": ("Bu belgede", "In this document"),
    "source": ("Kaynak:", "Source:"),
    "full-text": ("tam metin", "full text"),
    "approximate": ("Yaklaşık: kaynak yuvarlıyor{to}.", "Approximate: the source rounds it{to}."),
    "nearest": (" (en yakın {p})", " to the nearest {p}"),
    "classes": ("Sınıflar", "Classes"),
    "objects": ("Nesne özellikleri", "Object properties"),
    "datatypes": ("Veri türü özellikleri", "Datatype properties"),
    "annotations": ("Açıklama özellikleri", "Annotation properties"),
    "individuals": ("Adlandırılmış bireyler", "Named individuals"),
}


# `bi`, `label` and the messages without fields are cached: a national build asks for the same
# labels and phrases millions of times. `typed`: a Markup argument (not escaped again) and a str
# of the same text are different entries. Bounded: the figures' numbers are mostly distinct.
CACHED = 1 << 14


@lru_cache(maxsize=CACHED, typed=True)
def bi(tr: str, en: str) -> Markup:
    """A phrase in both languages; the stylesheet shows one. The same text in both: once."""
    if tr == en:
        return Markup(escape(tr))
    return Markup(f'<span class="l-tr" lang="tr">{escape(tr)}</span><span class="l-en" lang="en">{escape(en)}</span>')


def bi_html(tr: str, en: str) -> Markup:
    """`bi` of two pieces of markup (already escaped)."""
    if tr == en:
        return Markup(tr)
    return Markup(f'<span class="l-tr" lang="tr">{tr}</span><span class="l-en" lang="en">{en}</span>')


@lru_cache(maxsize=CACHED, typed=True)
def label(tr: str, en: str) -> Markup:
    """A label of the data: both languages when it has both; the one it has, marked with its language."""
    if tr and en:
        return bi(tr, en)
    if tr or en:
        return Markup(f'<span lang="{"tr" if tr else "en"}">{escape(tr or en)}</span>')
    return Markup("")


_SPECIAL = re.compile("[&<>'\"]")  # what html_text escapes


def html_text(s: str) -> str:
    """`markupsafe.escape` of plain text (a str, not markup) as a plain str: the same five
    characters replaced the same way (markupsafe's own pure-Python version), without making a
    Markup each time: the observation pages escape about a million strings, most with nothing
    to escape (one search says so)."""
    if _SPECIAL.search(s) is None:
        return s
    return s.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;").replace("'", "&#39;").replace('"', "&#34;")


def text(name: str, lang: str, **fields) -> str:
    """A message in one language, its fields filled (plain text)."""
    return MESSAGES[name][LANGS.index(lang)].format(**fields)


def msg(name: str, **fields) -> Markup:
    """A message in both languages, its fields (plain text, or dicts lang → text) filled and escaped."""
    if not fields:
        return _plain_msg(name)
    return _msg(name, fields)


@lru_cache(maxsize=None)
def _plain_msg(name: str) -> Markup:
    return _msg(name, {})


def _msg(name: str, fields: dict) -> Markup:
    out = []
    for i, lang in enumerate(LANGS):
        vals = {k: (v[lang] if isinstance(v, dict) else v) for k, v in fields.items()}
        out.append(MESSAGES[name][i].format(**vals))
    return bi(*out)


def msg_html(name: str, **fields) -> Markup:
    """A message that is markup itself (`<code>` in it); its fields are escaped."""
    out = []
    for i, lang in enumerate(LANGS):
        vals = {k: escape(v[lang] if isinstance(v, dict) else v) for k, v in fields.items()}
        out.append(MESSAGES[name][i].format(**vals))
    return bi_html(*out)


def number(value: Fraction, lang: str) -> str:
    """A figure as its readers write it: tr 1.100.000 and 12,5; en 1,100,000 and 12.5."""
    if value.denominator == 1:
        en = f"{value.numerator:,}"
    else:
        dec = exact_decimal(value)
        en = format(dec.normalize() if dec is not None else Decimal(float(value)).quantize(Decimal("0.01")), ",f")
    if lang == "en":
        return en
    return en.replace(",", "\0").replace(".", ",").replace("\0", ".")


def numbers(value: Fraction) -> dict[str, str]:
    return {lang: number(value, lang) for lang in LANGS}


def count(n: int) -> dict[str, str]:
    """A count as each language writes it."""
    return {"tr": f"{n:,}".replace(",", "."), "en": f"{n:,}"}
