/**
 * GPS tracks: {@link dk.vejsyn.inference.frame.track.Tracks#read} reads GPX, NMEA 0183 or CSV
 * into a {@link dk.vejsyn.inference.frame.track.Track}, which gives the vehicle's interpolated
 * position, heading and speed at any instant it covers.
 */
package dk.vejsyn.inference.frame.track;
