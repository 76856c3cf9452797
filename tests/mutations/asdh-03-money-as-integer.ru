# expect: ASDH-3
# money written as an xsd:integer
# message: ASDH-3: observation https://w3id.org/asdh-lod/data/provincial/obs/25/2025#total/home-care-allowance/disabled/payments is money: its value must be a non-negative xsd:decimal in TRY, not 12500000 in https://w3id.org/asdh-lod/code/unit/TRY
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

DELETE { ?o sdmx-measure:obsValue ?v } INSERT { ?o sdmx-measure:obsValue 12500000 } WHERE { ?o dct:identifier "tiny-haber#home-care-payments" . ?o sdmx-measure:obsValue ?v }
