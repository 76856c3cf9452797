# expect: IC-18
# a slice of the data set holding an observation of no data set
# message: IC-18: observation https://w3id.org/asdh-lod/data/other/obs/1 is in slice https://w3id.org/asdh-lod/data/provincial/slice/25 of this data set but not in the data set
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

INSERT { ?dsd qb:sliceKey <https://w3id.org/asdh-lod/data/provincial/key/area> . <https://w3id.org/asdh-lod/data/provincial/key/area> a qb:SliceKey ; qb:componentProperty asdh:refArea . <https://w3id.org/asdh-lod/data/provincial/slice/25> a qb:Slice ; qb:sliceStructure <https://w3id.org/asdh-lod/data/provincial/key/area> ; asdh:refArea <https://w3id.org/asdh-lod/code/province/25> ; qb:observation <https://w3id.org/asdh-lod/data/other/obs/1> . ?ds qb:slice <https://w3id.org/asdh-lod/data/provincial/slice/25> } WHERE { ?ds a qb:DataSet ; qb:structure ?dsd }
