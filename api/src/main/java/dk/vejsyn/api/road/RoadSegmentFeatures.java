package dk.vejsyn.api.road;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;

/** A segment as a GeoJSON Feature (LineString, lon/lat), the same in the REST API and the OGC API. */
final class RoadSegmentFeatures {
    private RoadSegmentFeatures() {}

    static void write(JsonGenerator g, SegmentState s) throws IOException {
        writeOpen(g, s);
        g.writeEndObject();
    }

    /** The feature without its closing brace, for foreign members after it. */
    static void writeOpen(JsonGenerator g, SegmentState s) throws IOException {
        g.writeStartObject();
        g.writeStringField("type", "Feature");
        g.writeNumberField("id", s.id());
        g.writeFieldName("geometry");
        g.writeRawValue(s.geometry());
        g.writeObjectFieldStart("properties");
        g.writeNumberField("segment_id", s.id());
        g.writeStringField("road_name", s.roadName());
        g.writeNumberField("length_m", Math.round(s.lengthM() * 10) / 10.0);
        if (s.condition() == null) {
            g.writeNullField("condition");
            g.writeNullField("condition_index");
        } else {
            g.writeNumberField("condition", s.condition());
            g.writeNumberField("condition_index", s.conditionIndex());
        }
        g.writeBooleanField("inspected", s.inspected());
        g.writeStringField("last_driven_at", s.lastDrivenAt() == null ? null : s.lastDrivenAt().toString());
        g.writeNumberField("potholes", s.potholes());
        g.writeNumberField("cracks", s.cracks());
        g.writeNumberField("crack_length_m", s.crackLengthM());
        g.writeEndObject();
    }
}
