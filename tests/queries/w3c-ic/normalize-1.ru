# Normalization algorithm, phase 1: type and property closure.
# From the W3C Recommendation "The RDF Data Cube Vocabulary" (2014), section 11.
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX qb: <http://purl.org/linked-data/cube#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>

INSERT { ?o rdf:type qb:Observation } WHERE { [] qb:observation ?o } ;
INSERT { ?o rdf:type qb:Observation } WHERE { ?o qb:dataSet [] } ;
INSERT { ?s rdf:type qb:Slice } WHERE { [] qb:slice ?s } ;
INSERT { ?cs qb:componentProperty ?p . ?p rdf:type qb:DimensionProperty } WHERE { ?cs qb:dimension ?p } ;
INSERT { ?cs qb:componentProperty ?p . ?p rdf:type qb:MeasureProperty } WHERE { ?cs qb:measure ?p } ;
INSERT { ?cs qb:componentProperty ?p . ?p rdf:type qb:AttributeProperty } WHERE { ?cs qb:attribute ?p }
