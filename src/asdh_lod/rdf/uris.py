"""The one place URIs are minted.

Every URI the project publishes is built here from the base IRI and the model's
identifiers, so that changing the base IRI moves everything, and so that an observation's
URI is a function of its dimension values alone (two facts with the same dimensions would
collide, which is exactly the Data Cube's IC-12):

    {base}def/{Term}                         ontology terms (namespace `asdh:`)
    {base}code/{scheme}                      a code list (skos:ConceptScheme)
    {base}code/{scheme}/{code}               a code (skos:Concept)
    {base}data/{dataset}                     the qb:DataSet
    {base}data/{dataset}/structure           its qb:DataStructureDefinition
    {base}data/{dataset}/structure/{comp}    its component specifications
    {base}data/{dataset}/obs/{province}/{period}#{period kind}/{programme}/{target group}/{indicator}
                                             an observation: a hash IRI in the document of its
                                             province and period, which describes them all
    {base}data/{dataset}/obs/{province}/{period}   that document (one page, not one per figure)
    {observation}/quote/{n}                  the n-th quote of an observation (1: its `quote`, 2…: its
                                             `also_quoted`) as a Web Annotation (oa:Annotation), a hash
                                             IRI in the observation's document; beside it
    {observation}/quote/{n}/target           the annotated span (oa:SpecificResource of the text),
    {observation}/quote/{n}/text-quote       its oa:TextQuoteSelector (exact, prefix, suffix),
    {observation}/quote/{n}/text-position    its oa:TextPositionSelector (start, end)
    {base}id/period/{ISO 8601 period}        reference periods (time:Interval)
    {base}id/instant/{YYYY-MM-DD}            their beginnings and ends (time:Instant)
    {base}id/source/{document}               source documents
    {base}sources/{document}.txt             their verbatim text, published beside the data
    {base}id/facility/{id}  {base}id/project/{id}[/milestone/{event}]
    {base}id/rule/{id}[/parameter/{role}-{unit}]
    {base}catalog                            the DCAT catalogue (documents catalog.ttl, catalog.jsonld)
    {base}catalog#{part}                     its distributions, contact point, checksums, coverage
    {base}void                               the VoID description (void.ttl, .well-known/void)
    {base}void#{part}                        its subsets (one per published graph)
    {base}{path}                             a published file, e.g. downloads/asdh-lod.ttl
    {base}graph/{name}                       named graphs of the TriG/N-Quads dumps: data,
                                             ontology, codelists, catalog (the DCAT catalogue)
    {base}graph/{name}/staging/{token}       where `asdh-lod push` uploads a graph before the swap
    {base}releases/{version}/                a release: an immutable edition (dcat:Dataset, a version
                                             of {base}data/{dataset}); its page is the folder's index.html
    {base}releases/{version}/{file}          its files (dumps, catalogue record, ontology, change log)
    {base}releases/{version}/catalog#{part}  its distributions and checksums
    {base}releases/{version}/changes         its change log (prov:Collection)
    {base}releases/{version}/#{path}         an observation or concept as published in that release
                                             (path: the resource's URI below the base, '#' as '/')
    {base}graph/{version}/{name}             the named graphs of a release's N-Quads: ontology,
                                             codelists, data, changes
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from urllib.parse import quote

from rdflib import Namespace, URIRef

from ..model.records import Fact
from ..model.periods import Period


def staging_graph(graph: str, token: str) -> str:
    """The staging graph `asdh-lod push` uploads a named graph into before swapping it in."""
    return f"{graph}/staging/{_seg(token)}"


@lru_cache(maxsize=1 << 16)
def _seg(s: str) -> str:
    """One path segment; codes and slugs are already URI-safe, this guards the rest."""
    return quote(s, safe="-._~")


class Uris:
    def __init__(self, base: str, dataset_id: str):
        if not base.endswith("/"):
            raise ValueError(f"base IRI must end with '/': {base}")
        self.base = base
        self.dataset_id = dataset_id
        self.asdh = Namespace(base + "def/")
        self.ontology = URIRef(base + "def/")
        self._made: dict[str, URIRef] = {}  # `_iri`

    def _iri(self, iri: str) -> URIRef:
        """One URIRef per IRI for the URIs that every figure repeats (its codes, period, source,
        dataset, document): made once (rdflib checks each new IRI, in Python), then the same
        object. An observation's codes, period, source and document are these: one object,
        not one a triple, and the indexes that follow find them by identity instead of
        rdflib's `__eq__` (at 30k, 277,000 of the mapper's IRI objects were such copies). Not
        for observations and annotations, one each a figure (the cache would grow with them)."""
        made = self._made.get(iri)
        if made is None:
            made = self._made[iri] = URIRef(iri)
        return made

    def __getstate__(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "_made"}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state, _made={})

    def scheme(self, scheme: str) -> URIRef:
        return self._iri(f"{self.base}code/{_seg(scheme)}")

    def concept(self, scheme: str, code: str) -> URIRef:
        return self._iri(f"{self.base}code/{_seg(scheme)}/{_seg(code)}")

    @property
    def dataset(self) -> URIRef:
        return self._iri(f"{self.base}data/{_seg(self.dataset_id)}")

    @property
    def structure(self) -> URIRef:
        return self._iri(f"{self.dataset}/structure")

    def component(self, name: str) -> URIRef:
        return self._iri(f"{self.structure}/{_seg(name)}")

    def observation(self, key: tuple[str, str, str, str, str, str]) -> URIRef:
        """A hash IRI: at national scale a page per figure would mean hundreds of thousands
        of files, so the observations of one province and period share one document, and a
        client dereferencing any of them gets that document (the fragment stays on the client)."""
        province, period, *rest = key
        return URIRef(f"{self.observation_document(province, period)}#" + "/".join(_seg(k) for k in rest))

    def observation_document(self, province: str, period: str) -> URIRef:
        """The document that describes the observations of one province and period."""
        return self._iri(f"{self.dataset}/obs/{_seg(province)}/{_seg(period)}")

    def fact(self, fact: Fact) -> URIRef:
        return self.observation(fact.key)

    def annotation(self, observation: URIRef, n: int, part: str | None = None) -> URIRef:
        """The Web Annotation of an observation's n-th quote (n from 1), or one of its parts
        ("target", "text-quote", "text-position"): hash IRIs that extend the observation's own,
        so they live in its document and land on its page."""
        if part not in (None, "target", "text-quote", "text-position"):
            raise ValueError(f"no annotation part {part!r}")
        return URIRef(f"{observation}/quote/{n}" + (f"/{part}" if part else ""))

    def period(self, period: Period | str) -> URIRef:
        notation = period if isinstance(period, str) else period.notation
        return self._iri(f"{self.base}id/period/{_seg(notation)}")

    def instant(self, d: date) -> URIRef:
        return self._iri(f"{self.base}id/instant/{d.isoformat()}")

    def source(self, doc_id: str) -> URIRef:
        return self._iri(f"{self.base}id/source/{_seg(doc_id)}")

    def source_text(self, doc_id: str) -> URIRef:
        return self._iri(f"{self.base}sources/{_seg(doc_id)}.txt")

    def facility(self, ident: str) -> URIRef:
        return self._iri(f"{self.base}id/facility/{_seg(ident)}")

    def project(self, ident: str) -> URIRef:
        return self._iri(f"{self.base}id/project/{_seg(ident)}")

    def milestone(self, project: str, event: str) -> URIRef:
        return URIRef(f"{self.project(project)}/milestone/{_seg(event)}")

    def rule(self, ident: str) -> URIRef:
        return self._iri(f"{self.base}id/rule/{_seg(ident)}")

    def parameter(self, rule: str, role: str, unit: str) -> URIRef:
        return URIRef(f"{self.rule(rule)}/parameter/{_seg(role)}-{_seg(unit)}")

    def graph(self, name: str) -> URIRef:
        """A named graph of the TriG/N-Quads dumps (see publish.NAMED_GRAPHS)."""
        return self._iri(f"{self.base}graph/{_seg(name)}")

    def wikidata(self, qid: str) -> URIRef:
        return URIRef(f"http://www.wikidata.org/entity/{_seg(qid)}")

    # -- catalogue and descriptions (catalog.py, csvw.py) ---------------------------------
    @property
    def catalog(self) -> URIRef:
        return URIRef(f"{self.base}catalog")

    def catalog_part(self, name: str) -> URIRef:
        """A resource described only inside the catalogue document (hash IRI)."""
        return URIRef(f"{self.catalog}#{_seg(name)}")

    @property
    def void(self) -> URIRef:
        return URIRef(f"{self.base}void")

    def void_part(self, name: str) -> URIRef:
        return URIRef(f"{self.void}#{_seg(name)}")

    # -- releases (build/releases.py, publish/releases.py) --------------------------------
    def release(self, version: str) -> URIRef:
        """A release: the edition `version` of the dataset, frozen (its page: the folder's index.html)."""
        return URIRef(f"{self.base}releases/{_seg(version)}/")

    def release_part(self, version: str, name: str) -> URIRef:
        """A resource described only inside a release's catalogue record (hash IRI)."""
        return URIRef(f"{self.release(version)}catalog#{_seg(name)}")

    def changes(self, version: str) -> URIRef:
        """The change log of a release (against the release before it)."""
        return URIRef(f"{self.release(version)}changes")

    def release_entity(self, version: str, resource: str) -> URIRef:
        """An observation or concept as published in release `version` (a prov:Entity that is a
        specialization of the resource): a hash IRI on the release's page."""
        path = resource[len(self.base):] if resource.startswith(self.base) else resource
        return URIRef(f"{self.release(version)}#" + "/".join(_seg(p) for p in path.replace("#", "/").split("/")))

    def release_graph(self, version: str, name: str) -> URIRef:
        """A named graph of a release's N-Quads dump."""
        return URIRef(f"{self.base}graph/{_seg(version)}/{_seg(name)}")

    def file(self, path: str) -> URIRef:
        """The URL of a published file, from its path in the site."""
        return URIRef(self.base + "/".join(_seg(p) for p in path.split("/")))
