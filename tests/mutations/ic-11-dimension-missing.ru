# expect: IC-11
# an observation without its indicator
# message: IC-11: observation https://w3id.org/asdh-lod/data/provincial/obs/25/2025-12-31#stock/social-service-centres/total/facilities has no value for dimension https://w3id.org/asdh-lod/def/indicator
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

DELETE { ?o asdh:indicator ?i } WHERE { ?o dct:identifier "tiny-haber#shm-centres" . ?o asdh:indicator ?i }
