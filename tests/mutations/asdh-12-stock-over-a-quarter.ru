# expect: ASDH-12
# a stock whose period is a quarter, not a day or a month
# message: ASDH-12: observation https://w3id.org/asdh-lod/data/provincial/obs/25/2025-12-31#stock/social-service-centres/total/facilities has period https://w3id.org/asdh-lod/id/period/2025-10--2025-12, which does not fit its period kind https://w3id.org/asdh-lod/code/period-kind/stock: a total or monthly average runs from the first day of a month to the last day of a month, a stock stands at a day or a month, the deprecated year total spans one calendar year
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

DELETE { ?o asdh:refPeriod ?p } INSERT { ?o asdh:refPeriod <https://w3id.org/asdh-lod/id/period/2025-10--2025-12> . <https://w3id.org/asdh-lod/id/period/2025-10--2025-12> a time:Interval ; time:hasEnd <https://w3id.org/asdh-lod/id/instant/2025-12-31> . <https://w3id.org/asdh-lod/id/instant/2025-12-31> a time:Instant ; time:inXSDDate "2025-12-31"^^xsd:date . <https://w3id.org/asdh-lod/id/period/2025-10--2025-12> time:hasBeginning <https://w3id.org/asdh-lod/id/instant/2025-10-01> . <https://w3id.org/asdh-lod/id/instant/2025-10-01> a time:Instant ; time:inXSDDate "2025-10-01"^^xsd:date . } WHERE { ?o dct:identifier "tiny-haber#shm-centres" . ?o asdh:refPeriod ?p }
