"""A synthetic national data folder, for benchmarks and scale tests.

`synthesize(n, seed)` returns the files of a data folder in exactly the format of `data/`
— `dataset.yaml`, the real code lists (copied), and one activity report per province and
year (`sources/<id>.txt` in Turkish prose and `sources/<id>.yaml` with one fact per figure,
each with the sentence that states it) — so that `asdh-lod build` runs the real pipeline
on it, loader and quote checks included. `write_synth` writes them atomically.

The figures are written the way directorates write them ("5 bin 939", "1.836",
"267 milyon 857 bin 181 TL", "1,1 milyon TL", "yaklaşık 500"), every period kind occurs
(year totals, monthly averages, stocks at year end, cumulative totals since a start year),
and each report states one total as the sum of its parts (`total_of`). The same `n` and
`seed` give byte-identical files.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..core.fsio import write_site
from ..core.text import yaml_quote
from ..ingest.yamlsrc import load_yaml

TEMPLATE = Path("data")  # the data folder whose code lists and dataset record a synthetic folder copies

FIRST_YEAR, LAST_YEAR = 2002, 2025  # "every year since 2002"
YEARS = LAST_YEAR - FIRST_YEAR + 1
PUBLISHER = "strategy-development"  # the ministry's department that compiles provincial figures

# programmes the reports speak of (leaf codes of codelists/programmes.yaml)
PROGRAMMES = (
    "asdep", "family-education-programme", "premarital-education", "addiction-prevention-training",
    "family-counselling", "psychosocial-support", "birth-aid", "young-marriage-support",
    "institutional-child-care", "child-homes", "child-home-sites", "private-childcare",
    "free-childcare", "foster-care", "adoption", "socio-economic-support", "womens-shelters",
    "violence-prevention-centres", "financial-literacy-seminars", "womens-cooperatives",
    "disability-residential-care", "disability-care-centres", "hope-houses", "private-disability-care",
    "nursing-homes", "private-nursing-homes", "home-care-allowance", "disability-id-card",
    "accessibility", "free-travel-income-support", "martyrs-veterans-employment", "free-travel-cards",
)


@dataclass(frozen=True)
class Pattern:
    """One kind of figure a report states about a programme, with the sentence it uses."""

    indicator: str
    unit: str
    kind: str       # period kind
    magnitude: tuple[int, int]  # log10 range of realistic values
    sentence: str   # {il} province, {yil} year, {bas} cumulative start, {prog} programme, {fig} figure


PATTERNS = (
    Pattern("beneficiaries", "person", "monthly-average", (2, 4),
            "{yil} yılında {il} genelinde {prog} kapsamında her ay ortalama {fig} kişi desteklendi."),
    Pattern("beneficiaries", "person", "total", (2, 5),
            "{prog} kapsamında {yil} yılı boyunca toplam {fig} kişiye hizmet verildi."),
    Pattern("payments", "TRY", "total", (6, 9),
            "{prog} kapsamında {yil} yılında toplam {fig} ödeme gerçekleştirildi."),
    Pattern("applications", "application", "total", (2, 4),
            "{prog} için {yil} yılında {il} ilinden {fig} başvuru alındı."),
    Pattern("capacity", "place", "stock", (1, 3),
            "{yil} yılı sonu itibarıyla {prog} alanında {il} ilinde toplam {fig} kapasite bulunmaktadır."),
    Pattern("facilities", "facility", "stock", (0, 2),
            "Yıl sonunda {il} ilinde {prog} alanında hizmet veren {fig} kuruluş bulunuyordu."),
    Pattern("beneficiaries", "person", "cumulative", (3, 5),
            "{bas}-{yil} yılları arasında {prog} kapsamında ulaşılan kişi sayısı {fig} oldu."),
)
KIND_SLUG = {"monthly-average": "monthly", "total": "year", "stock": "stock", "cumulative": "cumulative"}

# the one total per report stated as the sum of its parts
TOTAL_PROGRAMME = "family-education-programme"
TOTAL_SENTENCE = ("{il} ilinde {yil} yılında Aile Eğitim Programı kapsamında {w} kadın ve {m} erkek "
                  "olmak üzere toplam {t} kişiye eğitim verildi.")

_ASCII = str.maketrans({"ç": "c", "ğ": "g", "ı": "i", "ö": "o", "ş": "s", "ü": "u", "â": "a", "î": "i",
                        "û": "u", "Ç": "c", "Ğ": "g", "İ": "i", "Ö": "o", "Ş": "s", "Ü": "u", " ": "-"})


class SynthError(ValueError):
    pass


# ---------------------------------------------------------------------------------------
# Turkish number forms

def dotted(n: int) -> str:
    """92783 → '92.783' (thousands dots)."""
    return f"{n:,}".replace(",", ".")


def words(n: int) -> str:
    """267857181 → '267 milyon 857 bin 181'; 1122 → 'bin 122' (no 'bir bin')."""
    if n == 0:
        return "0"
    parts = []
    for scale, name in ((10**9, "milyar"), (10**6, "milyon"), (10**3, "bin")):
        q, n = divmod(n, scale)
        if q:
            parts.append(name if (q == 1 and name == "bin") else f"{q} {name}")
    if n:
        parts.append(str(n))
    return " ".join(parts)


def figure_for(rng: random.Random, value: int, money: bool) -> tuple[str, int, bool]:
    """A figure as a directorate would write `value`: (figure, value it states, approximate)."""
    r = rng.random()
    suffix = " TL" if money else ""
    if value >= 10**6 and r < 0.25:  # rounded: "1,1 milyon TL" (only when a decimal remains)
        scale, name = (10**9, "milyar") if value >= 10**9 else (10**6, "milyon")
        tenths = round(value * 10 / scale)
        if tenths % 10:
            return f"{tenths // 10},{tenths % 10} {name}{suffix}", tenths * scale // 10, True
    if not money and value >= 100 and r > 0.93:  # hedged: "yaklaşık 500"
        rounded = round(value, -2)
        return f"yaklaşık {dotted(rounded)}", rounded, True
    if value >= 1000 and r < 0.55:
        return words(value) + suffix, value, False
    return (dotted(value) if value >= 1000 else str(value)) + suffix, value, False


# ---------------------------------------------------------------------------------------
# the data folder

def _concepts(scheme_file: Path) -> dict[str, dict]:
    doc = load_yaml(scheme_file, str(scheme_file))
    return {str(c["code"]): c for c in doc["concepts"]}


@dataclass(frozen=True)
class _Doc:
    province: str
    year: int
    n_facts: int


def plan(n: int) -> list[_Doc]:
    """Reports (province, year) and how many facts each states: n observations in all."""
    if n < 1:
        raise SynthError("the number of observations must be at least 1")
    per_doc_max = len(PROGRAMMES) * len(PATTERNS) + 3
    docs = min(81 * YEARS, max(1, math.ceil(n / 50)))
    if math.ceil(n / docs) > per_doc_max:
        raise SynthError(f"at most {81 * YEARS * per_doc_max} observations (81 provinces × {YEARS} years × "
                         f"{per_doc_max} figures a report)")
    out = []
    for i in range(docs):  # provinces fastest, newest year first
        year = LAST_YEAR - i // 81
        out.append(_Doc(province=f"{i % 81 + 1:02d}", year=year, n_facts=n // docs + (1 if i < n % docs else 0)))
    return out


def _source(doc: _Doc, rng: random.Random, province_name: str, programmes: dict[str, dict]) -> tuple[str, str, str]:
    """(document id, text, YAML) of one synthetic activity report."""
    il, yil = province_name, doc.year
    programme_names = {code: str(c["label"]["tr"]) for code, c in programmes.items()}

    def heading(prog: str) -> str:  # the programme's area, e.g. "Çocuk hizmetleri"
        return programme_names.get(programmes[prog].get("broader"), "Diğer hizmetler")

    ident = f"{province_name.translate(_ASCII).lower()}-{yil}-faaliyet-raporu"
    title_tr = f"{il} Aile ve Sosyal Hizmetler İl Müdürlüğü {yil} faaliyet raporu (sentetik)"
    title_en = f"{yil} activity report of the {il} Provincial Directorate of Family and Social Services (synthetic)"
    facts: list[tuple[str, str, list[str]]] = []  # (heading, sentence, YAML lines of its facts)
    wanted = doc.n_facts
    if wanted >= 3 and rng.random() < 0.8:
        w, m = rng.randint(200, 9000), rng.randint(100, 6000)
        (fw, _, _), (fm, _, _), (ft, _, _) = (figure_for(rng, w, False), figure_for(rng, m, False),
                                              figure_for(rng, w + m, False))
        fw, fm, ft = (f if not f.startswith("yaklaşık") else (dotted(v) if v >= 1000 else str(v))
                      for f, v in ((fw, w), (fm, m), (ft, w + m)))  # a sum of exact parts is exact
        sentence = TOTAL_SENTENCE.format(il=il, yil=yil, w=fw, m=fm, t=ft)
        lines = []
        for fid, tg, fig, val, extra in (("trainees-women", "women", fw, w, None),
                                         ("trainees-men", "men", fm, m, None),
                                         ("trainees-total", "total", ft, w + m, "[trainees-women, trainees-men]")):
            lines += _fact(fid, sentence, fig, val, False, "person", TOTAL_PROGRAMME, tg, "trainees",
                           str(yil), "total", extra)
        facts.append((heading(TOTAL_PROGRAMME), sentence, lines))
        wanted -= 3
    combos = [(p, pat) for p in PROGRAMMES for pat in PATTERNS]
    for prog, pat in sorted(rng.sample(combos, wanted), key=lambda c: (PROGRAMMES.index(c[0]), PATTERNS.index(c[1]))):
        lo, hi = pat.magnitude
        value = int(10 ** rng.uniform(lo, hi))
        fig, value, approx = figure_for(rng, value, pat.unit == "TRY")
        start = yil - rng.randint(3, 15)
        if pat.kind == "cumulative":
            period = f"{start}--{yil}"
        elif pat.kind == "stock":
            period = f"{yil}-12-31"
        else:
            period = str(yil)
        sentence = pat.sentence.format(il=il, yil=yil, bas=start, prog=programme_names[prog], fig=fig)
        sentence = sentence[0].upper() + sentence[1:]
        fid = f"{prog}-{pat.indicator}-{KIND_SLUG[pat.kind]}"
        facts.append((heading(prog), sentence, _fact(fid, sentence, fig, value, approx, pat.unit, prog, "total",
                                      pat.indicator, period, pat.kind, None)))
    # the text: a title line, then paragraphs of a few sentences under headings
    paras = [f"{il} Aile ve Sosyal Hizmetler İl Müdürlüğü {yil} yılı faaliyet raporu",
             f"{il} Aile ve Sosyal Hizmetler İl Müdürlüğü, {yil} yılında yürütülen hizmetlere ilişkin "
             f"raporunu yayımladı."]
    for head_tr in dict.fromkeys(h for h, _, _ in facts):
        paras.append(head_tr)
        paras.append(" ".join(s for h, s, _ in facts if h == head_tr))
    text = "\n\n".join(paras) + "\n"
    head = [
        "# Synthetic activity report for benchmarks: asdh-lod synth (not real figures).",
        "document:",
        f"  id: {ident}",
        "  title:",
        f"    tr: {yaml_quote(title_tr)}",
        f"    en: {yaml_quote(title_en)}",
        f"  publisher: {PUBLISHER}",
        f"  published: {yil + 1}-02-15",
        f'  reporting_period: "{yil}"',
        f"  as_of: {yil}-12-31",
        "  type: activity-report",
        "  language: tr",
        f'  province: "{doc.province}"',
        "",
        "facts:" if facts else "facts: []",
    ]
    body = [line for _, _, lines in facts for line in lines]
    return ident, text, "\n".join(head + body) + "\n"


def _fact(fid: str, quote: str, fig: str, value: int, approx: bool, unit: str, programme: str, target: str,
          indicator: str, period: str, kind: str, total_of: str | None) -> list[str]:
    lines = [f"  - id: {fid}", f"    quote: {yaml_quote(quote)}", f"    figure: {yaml_quote(fig)}", f"    value: {value}",
             f"    unit: {unit}", f"    programme: {programme}", f"    target_group: {target}",
             f"    indicator: {indicator}", f'    period: "{period}"', f"    period_kind: {kind}"]
    if approx:
        lines.append("    approximate: true")
    if total_of:
        lines.append(f"    total_of: {total_of}")
    return lines + [""]


def synthesize(n: int, seed: int = 0, template: Path = TEMPLATE) -> dict[str, bytes]:
    """Every file of a synthetic data folder with `n` observations, as {relative path: bytes};
    the code lists and dataset record are `template`'s (a data folder)."""
    codelists, dataset = Path(template) / "codelists", Path(template) / "dataset.yaml"
    if not (codelists / "provinces.yaml").is_file() or not dataset.is_file():
        raise SynthError(f"{template} is not a data folder with codelists/ and dataset.yaml: pass --from DIR")
    docs = plan(n)
    provinces = {code: str(c["label"]["tr"]) for code, c in _concepts(codelists / "provinces.yaml").items()}
    programmes = _concepts(codelists / "programmes.yaml")
    files: dict[str, bytes] = {}
    for f in sorted(Path(codelists).glob("*.yaml")):
        files[f"codelists/{f.name}"] = f.read_bytes()
    info = yaml.load(Path(dataset).read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    info["title"] = {"tr": info["title"]["tr"] + " (sentetik)", "en": info["title"]["en"] + " (synthetic)"}
    info["description"] = {
        "tr": f"asdh-lod synth ile üretilmiş {n} sentetik gözlem (tohum {seed}); gerçek rakamlar değildir.",
        "en": f"{n} synthetic observations made by asdh-lod synth (seed {seed}); not real figures."}
    files["dataset.yaml"] = ("# Synthetic data folder made by `asdh-lod synth`: for benchmarks, not real figures.\n"
                             + yaml.safe_dump(info, allow_unicode=True, sort_keys=False, width=100)).encode("utf-8")
    for doc in docs:
        rng = random.Random(f"{seed}:{doc.province}:{doc.year}")  # one stream per report: stable, independent
        ident, text, src = _source(doc, rng, provinces[doc.province], programmes)
        files[f"sources/{ident}.txt"] = text.encode("utf-8")
        files[f"sources/{ident}.yaml"] = src.encode("utf-8")
    return dict(sorted(files.items()))


def write_synth(n: int, out_dir: Path, seed: int = 0, template: Path = TEMPLATE) -> int:
    """Write a synthetic data folder into `out_dir` (replaced atomically); return the number of sources."""
    files = synthesize(n, seed, template)
    write_site(files, Path(out_dir))
    return sum(1 for p in files if p.startswith("sources/") and p.endswith(".yaml"))
