/** Observation files: RFC 7946 GeoJSON and CSV, written atomically when a run completes. */
package dk.vejsyn.inference.output;
