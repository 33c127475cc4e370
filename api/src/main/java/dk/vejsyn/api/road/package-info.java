/**
 * The road network: import (GeoJSON, GeoPackage; {@link dk.vejsyn.api.road.RoadNetworkImport}),
 * segments of 50–100 m, which drives covered them ({@link dk.vejsyn.api.road.RoadCoverage}), a
 * PCI-like condition rating per segment from its open findings
 * ({@link dk.vejsyn.api.road.ConditionRule}, {@link dk.vejsyn.api.road.RoadConditions}) with a dated
 * history, and the API, OGC collection and vector tiles that publish them.
 */
package dk.vejsyn.api.road;
