package dk.vejsyn.inference.output;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dk.vejsyn.inference.geo.Observation;
import dk.vejsyn.inference.pipeline.ObservationSink;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Writes observations to an RFC 7946 GeoJSON FeatureCollection (one Point feature per located
 * detection, lon/lat order) and optionally a CSV with the same columns. Both files appear only
 * when the run completes; observations are sorted by source, frame and score so that the same
 * input gives the same file whatever the worker interleaving.
 */
public final class ObservationFiles implements ObservationSink {
    /** CSV header; also the GeoJSON property names (plus lat/lon, which GeoJSON carries as geometry). */
    public static final String CSV_HEADER =
            "type,score,lat,lon,distance_m,width_m,length_m,area_m2,frame,captured_at,source,"
                    + "vehicle_lat,vehicle_lon,vehicle_heading,box_x1,box_y1,box_x2,box_y2";

    private final Path geojson;
    private final Path csv;
    private final List<Observation> observations = new ArrayList<>();

    /** @param csv CSV file to write as well, or {@code null} */
    public ObservationFiles(Path geojson, Path csv) {
        this.geojson = geojson;
        this.csv = csv;
    }

    @Override
    public synchronized void accept(Observation o) {
        observations.add(o.withoutEvidence());
    }

    public synchronized List<Observation> observations() {
        return List.copyOf(observations);
    }

    @Override
    public synchronized void complete() {
        observations.sort(Comparator.comparing(Observation::source)
                .thenComparingLong(Observation::frameIndex)
                .thenComparing(Comparator.comparingDouble((Observation o) -> o.score()).reversed()));
        AtomicFile json = new AtomicFile(geojson);
        AtomicFile table = csv == null ? null : new AtomicFile(csv);
        try {
            writeGeoJson(json.temp(), observations);
            if (table != null) {
                writeCsv(table.temp(), observations);
            }
            json.commit();
            if (table != null) {
                table.commit();
            }
        } catch (IOException e) {
            json.discard();
            if (table != null) {
                table.discard();
            }
            throw new UncheckedIOException("cannot write " + geojson + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void abort() {
        // Nothing was written yet: files are produced in complete() only.
    }

    static void writeGeoJson(Path file, List<Observation> list) throws IOException {
        try (JsonGenerator g = new JsonFactory().createGenerator(file.toFile(), JsonEncoding.UTF8)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeStringField("type", "FeatureCollection");
            g.writeArrayFieldStart("features");
            for (Observation o : list) {
                g.writeStartObject();
                g.writeStringField("type", "Feature");
                g.writeObjectFieldStart("geometry");
                g.writeStringField("type", "Point");
                g.writeArrayFieldStart("coordinates");
                g.writeNumber(round(o.position().lon(), 7));
                g.writeNumber(round(o.position().lat(), 7));
                g.writeEndArray();
                g.writeEndObject();
                g.writeObjectFieldStart("properties");
                g.writeStringField("type", o.type().wireName());
                g.writeNumberField("score", round(o.score(), 4));
                g.writeNumberField("distance_m", round(o.distanceM(), 2));
                g.writeNumberField("width_m", round(o.widthM(), 2));
                g.writeNumberField("length_m", round(o.lengthM(), 2));
                g.writeNumberField("area_m2", round(o.areaM2(), 3));
                g.writeNumberField("frame", o.frameIndex());
                g.writeStringField("captured_at", o.capturedAt().toString());
                g.writeStringField("source", o.source());
                g.writeNumberField("vehicle_lat", round(o.vehicle().lat(), 7));
                g.writeNumberField("vehicle_lon", round(o.vehicle().lon(), 7));
                g.writeNumberField("vehicle_heading", round(o.vehicle().headingDeg(), 1));
                g.writeArrayFieldStart("box");
                g.writeNumber(round(o.box().x1(), 1));
                g.writeNumber(round(o.box().y1(), 1));
                g.writeNumber(round(o.box().x2(), 1));
                g.writeNumber(round(o.box().y2(), 1));
                g.writeEndArray();
                g.writeEndObject();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
    }

    static void writeCsv(Path file, List<Observation> list) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write(CSV_HEADER);
            w.write('\n');
            for (Observation o : list) {
                w.write(String.format(Locale.ROOT,
                        "%s,%.4f,%.7f,%.7f,%.2f,%.2f,%.2f,%.3f,%d,%s,%s,%.7f,%.7f,%.1f,%.1f,%.1f,%.1f,%.1f%n",
                        o.type().wireName(), o.score(), o.position().lat(), o.position().lon(), o.distanceM(),
                        o.widthM(), o.lengthM(), o.areaM2(), o.frameIndex(), o.capturedAt(), csvText(o.source()),
                        o.vehicle().lat(), o.vehicle().lon(), o.vehicle().headingDeg(),
                        o.box().x1(), o.box().y1(), o.box().x2(), o.box().y2()));
            }
        }
    }

    private static String csvText(String s) {
        if (s.contains(",") || s.contains("\"") || s.contains("\n")) {
            return '"' + s.replace("\"", "\"\"") + '"';
        }
        return s;
    }

    private static double round(double v, int digits) {
        if (!Double.isFinite(v)) {
            return v;
        }
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
