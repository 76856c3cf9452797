# expect: ASDH-3
# money in a currency other than TRY
# message: ASDH-3: observation https://w3id.org/asdh-lod/data/provincial/obs/25/2025#total/home-care-allowance/disabled/payments is money: its value must be a non-negative xsd:decimal in TRY, not 12500000.0 in https://w3id.org/asdh-lod/code/unit/EUR
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

DELETE { ?o sdmx-attribute:unitMeasure ?u } INSERT { ?o sdmx-attribute:unitMeasure <https://w3id.org/asdh-lod/code/unit/EUR> . <https://w3id.org/asdh-lod/code/unit/EUR> a skos:Concept , asdh:Unit , asdh:CurrencyUnit ; skos:inScheme code:unit ; skos:prefLabel "avro"@tr , "euro"@en } WHERE { ?o dct:identifier "tiny-haber#home-care-payments" . ?o sdmx-attribute:unitMeasure ?u }
