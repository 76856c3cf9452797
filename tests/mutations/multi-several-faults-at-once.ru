# expect: IC-12 ASDH-2 ASDH-7 ASDH-12 ASDH-14
# several faults at once: a duplicate, a decimal count, a text flag, a year total at a day, a wrong total
PREFIX qb: <http://purl.org/linked-data/cube#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX sdmx-measure: <http://purl.org/linked-data/sdmx/2009/measure#>
PREFIX asdh: <https://w3id.org/asdh-lod/def/>
INSERT { <https://w3id.org/asdh-lod/data/provincial/obs/copy> ?p ?v }
WHERE { ?o dct:identifier "tiny-haber#shm-centres" ; ?p ?v } ;

PREFIX qb: <http://purl.org/linked-data/cube#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX sdmx-measure: <http://purl.org/linked-data/sdmx/2009/measure#>
PREFIX asdh: <https://w3id.org/asdh-lod/def/>
DELETE { ?o sdmx-measure:obsValue ?v } INSERT { ?o sdmx-measure:obsValue "1250.5"^^xsd:decimal }
WHERE { ?o dct:identifier "tiny-haber#home-care-monthly" ; sdmx-measure:obsValue ?v } ;

PREFIX qb: <http://purl.org/linked-data/cube#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX sdmx-measure: <http://purl.org/linked-data/sdmx/2009/measure#>
PREFIX asdh: <https://w3id.org/asdh-lod/def/>
DELETE { ?o asdh:approximate ?a } INSERT { ?o asdh:approximate "perhaps" }
WHERE { ?o dct:identifier "tiny-haber#aep-trainees" ; asdh:approximate ?a } ;

PREFIX qb: <http://purl.org/linked-data/cube#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX sdmx-measure: <http://purl.org/linked-data/sdmx/2009/measure#>
PREFIX asdh: <https://w3id.org/asdh-lod/def/>
DELETE { ?o asdh:refPeriod ?p } INSERT { ?o asdh:refPeriod <https://w3id.org/asdh-lod/id/period/2025-12-31> }
WHERE { ?o dct:identifier "tiny-haber#home-care-payments" ; asdh:refPeriod ?p } ;

PREFIX qb: <http://purl.org/linked-data/cube#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX sdmx-measure: <http://purl.org/linked-data/sdmx/2009/measure#>
PREFIX asdh: <https://w3id.org/asdh-lod/def/>
DELETE { ?o sdmx-measure:obsValue ?v } INSERT { ?o sdmx-measure:obsValue 7 }
WHERE { ?o dct:identifier "tiny-haber#education-total" ; sdmx-measure:obsValue ?v }
