# expect: IC-12 ASDH-2 ASDH-7 ASDH-12 ASDH-14
# several faults at once: a duplicate, a decimal count, a text flag, a year total at a day, a wrong total
# message: ASDH-12: observation https://w3id.org/asdh-lod/data/provincial/obs/25/2025#total/home-care-allowance/disabled/payments has period https://w3id.org/asdh-lod/id/period/2025-12-31, which does not fit its period kind https://w3id.org/asdh-lod/code/period-kind/total: a total or monthly average runs from the first day of a month to the last day of a month, a stock stands at a day or a month, the deprecated year total spans one calendar year
# message: ASDH-14: observation https://w3id.org/asdh-lod/data/provincial/obs/25/2013--2025#cumulative/family-education/total/trainees states 7 as the total of its parts (asdh:totalOf), but they add up to 21986
# message: ASDH-2: observation https://w3id.org/asdh-lod/data/provincial/obs/25/2025#monthly-average/home-care-allowance/disabled/beneficiaries counts in https://w3id.org/asdh-lod/code/unit/person: its value must be a non-negative xsd:integer, not 1250.5
# message: ASDH-7: observation https://w3id.org/asdh-lod/data/provincial/obs/25/2013--2025#cumulative/family-education-programme/total/trainees does not say, as an xsd:boolean, whether its figure is approximate (asdh:approximate)
# message: IC-12: 2 observations share the dimension values of https://w3id.org/asdh-lod/data/provincial/obs/25/2025-12-31#stock/social-service-centres/total/facilities
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
