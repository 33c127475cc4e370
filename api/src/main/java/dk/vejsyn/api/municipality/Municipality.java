package dk.vejsyn.api.municipality;

/** A tenant: one Danish municipality, by its three-digit code (e.g. 461 Odense). */
public record Municipality(int id, String code, String name) {}
