/**
 * From pixels to places. {@link dk.vejsyn.inference.geo.CameraModel} projects pixels onto a flat
 * road and back; {@link dk.vejsyn.inference.geo.Georeferencer} turns metres ahead/right of the
 * vehicle into WGS84 positions (geodesics, GeographicLib);
 * {@link dk.vejsyn.inference.geo.ObservationLocator} makes a located, sized
 * {@link dk.vejsyn.inference.geo.Observation} of a detection or says why it cannot
 * ({@link dk.vejsyn.inference.geo.DropReason}).
 */
package dk.vejsyn.inference.geo;
