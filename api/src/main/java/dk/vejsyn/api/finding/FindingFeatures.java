package dk.vejsyn.api.finding;

import com.fasterxml.jackson.core.JsonGenerator;
import dk.vejsyn.api.finding.FindingViews.FindingSummary;
import dk.vejsyn.inference.detect.DamageType;
import java.io.IOException;

/** Findings as GeoJSON (RFC 7946) Features: Point geometry in lon/lat (CRS84), attributes as properties. */
public final class FindingFeatures {

    private FindingFeatures() {}

    public static void write(JsonGenerator g, FindingSummary f) throws IOException {
        g.writeStartObject();
        g.writeStringField("type", "Feature");
        g.writeNumberField("id", f.id());
        g.writeObjectFieldStart("geometry");
        g.writeStringField("type", "Point");
        g.writeArrayFieldStart("coordinates");
        g.writeNumber(round(f.lon()));
        g.writeNumber(round(f.lat()));
        g.writeEndArray();
        g.writeEndObject();
        g.writeObjectFieldStart("properties");
        g.writeStringField("type", f.type());
        g.writeStringField("family", family(f.type()));
        g.writeStringField("status", f.status());
        g.writeNumberField("severity", f.severity());
        g.writeStringField("first_seen_at", f.firstSeenAt().toString());
        g.writeStringField("last_seen_at", f.lastSeenAt().toString());
        g.writeNumberField("observation_count", f.observationCount());
        g.writeNumberField("max_score", Math.round(f.maxScore() * 1000) / 1000.0);
        g.writeNumberField("area_m2", Math.round(f.areaM2() * 1000) / 1000.0);
        g.writeNumberField("width_m", Math.round(f.widthM() * 1000) / 1000.0);
        g.writeNumberField("length_m", Math.round(f.lengthM() * 1000) / 1000.0);
        g.writeNumberField("not_seen_count", f.notSeenCount());
        g.writeEndObject();
        g.writeEndObject();
    }

    /**
     * The damage family of a type's wire name, {@code pothole} or {@code crack}: one property a GIS
     * styles by (a circle for a pothole, a line symbol for any crack) without listing every kind.
     */
    public static String family(String type) {
        try {
            return DamageType.fromName(type).family().wireName();
        } catch (IllegalArgumentException unknown) {
            return type;
        }
    }

    /** Seven decimals: about 1 cm, as RFC 7946 recommends not to over-state precision. */
    static double round(double deg) {
        return Math.round(deg * 1e7) / 1e7;
    }

    public static String csvHeader() {
        return "id,type,status,severity,lat,lon,first_seen_at,last_seen_at,observation_count,max_score,area_m2,width_m,length_m,not_seen_count\n";
    }

    public static String csvRow(FindingSummary f) {
        return f.id() + "," + f.type() + "," + f.status() + "," + f.severity() + "," + round(f.lat()) + ","
                + round(f.lon()) + "," + f.firstSeenAt() + "," + f.lastSeenAt() + "," + f.observationCount() + ","
                + Math.round(f.maxScore() * 1000) / 1000.0 + "," + Math.round(f.areaM2() * 1000) / 1000.0 + ","
                + Math.round(f.widthM() * 1000) / 1000.0 + "," + Math.round(f.lengthM() * 1000) / 1000.0 + ","
                + f.notSeenCount() + "\n";
    }
}
