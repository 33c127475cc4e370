/**
 * Observations that vehicles made on board (the vehicle agent's {@code edge} mode): ingest over MQTT
 * and HTTP into the findings store, once per vehicle and observation id.
 */
package dk.vejsyn.api.edge;
