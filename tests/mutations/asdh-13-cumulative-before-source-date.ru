# expect: ASDH-13
# cumulative figures ending before the source's date
# message: ASDH-13: observation https://w3id.org/asdh-lod/data/provincial/obs/25/2003--2025#cumulative/social-assistance/total/funds-allocated is cumulative: its period https://w3id.org/asdh-lod/id/period/2003--2025 must end at the source's date https://w3id.org/asdh-lod/id/period/2026 (in its year, not before it)
# message: ASDH-13: observation https://w3id.org/asdh-lod/data/provincial/obs/25/2013--2025#cumulative/family-education-programme/total/trainees is cumulative: its period https://w3id.org/asdh-lod/id/period/2013--2025 must end at the source's date https://w3id.org/asdh-lod/id/period/2026 (in its year, not before it)
# message: ASDH-13: observation https://w3id.org/asdh-lod/data/provincial/obs/25/2013--2025#cumulative/family-education/total/trainees is cumulative: its period https://w3id.org/asdh-lod/id/period/2013--2025 must end at the source's date https://w3id.org/asdh-lod/id/period/2026 (in its year, not before it)
# message: ASDH-13: observation https://w3id.org/asdh-lod/data/provincial/obs/25/2013--2025#cumulative/premarital-education/total/trainees is cumulative: its period https://w3id.org/asdh-lod/id/period/2013--2025 must end at the source's date https://w3id.org/asdh-lod/id/period/2026 (in its year, not before it)
PREFIX qb: <http://purl.org/linked-data/cube#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX time: <http://www.w3.org/2006/time#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX sdmx-measure: <http://purl.org/linked-data/sdmx/2009/measure#>
PREFIX sdmx-attribute: <http://purl.org/linked-data/sdmx/2009/attribute#>
PREFIX asdh: <https://w3id.org/asdh-lod/def/>
PREFIX code: <https://w3id.org/asdh-lod/code/>
PREFIX id: <https://w3id.org/asdh-lod/id/>
PREFIX ds: <https://w3id.org/asdh-lod/data/>

DELETE { <https://w3id.org/asdh-lod/id/source/tiny-haber> asdh:asOf ?a } INSERT { <https://w3id.org/asdh-lod/id/source/tiny-haber> asdh:asOf <https://w3id.org/asdh-lod/id/period/2026> . <https://w3id.org/asdh-lod/id/period/2026> a time:Interval ; time:hasBeginning <https://w3id.org/asdh-lod/id/instant/2026-01-01> ; time:hasEnd <https://w3id.org/asdh-lod/id/instant/2026-12-31> . <https://w3id.org/asdh-lod/id/instant/2026-01-01> time:inXSDDate "2026-01-01"^^xsd:date . <https://w3id.org/asdh-lod/id/instant/2026-12-31> time:inXSDDate "2026-12-31"^^xsd:date } WHERE { <https://w3id.org/asdh-lod/id/source/tiny-haber> asdh:asOf ?a }
