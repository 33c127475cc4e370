package dk.vejsyn.api.bench;

import dk.vejsyn.api.config.ConnectionSettings;
import dk.vejsyn.api.drive.DriveInfo;
import dk.vejsyn.api.finding.FindingFilter;
import dk.vejsyn.api.finding.FindingQueries;
import dk.vejsyn.api.finding.FindingSort;
import dk.vejsyn.api.finding.FindingStore;
import dk.vejsyn.api.geo.Bbox;
import dk.vejsyn.api.finding.IngestResult;
import dk.vejsyn.inference.detect.DamageType;
import dk.vejsyn.inference.detect.PixelBox;
import dk.vejsyn.inference.frame.GeoTag;
import dk.vejsyn.inference.geo.LatLon;
import dk.vejsyn.inference.geo.Observation;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Findings-store benchmark (not part of {@code verify}): 1,000,000 findings over the 98 municipalities,
 * p95 latency of 1 km² bbox queries and of z14 vector tiles over HTTP, and observation ingest rate
 * with merging. Uses its own database:
 *
 * <pre>
 *   bin/services --fresh vejsyn_bench
 *   mvn -o -pl api test -Dvejsyn.excluded.groups= -Dgroups=bench -Dtest=FindingStoreBenchmark
 * </pre>
 *
 * Writes its figures to {@code api/target/bench-findings.md}.
 */
@Tag("bench")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class FindingStoreBenchmark {

    static final String URL = Optional.ofNullable(System.getenv("VEJSYN_BENCH_JDBC_URL"))
            .orElseGet(() -> ConnectionSettings.fromSystemEnvironment().serverJdbcUrl("vejsyn_bench"));
    static final int FINDINGS = 1_000_000;

    static {
        // Logging levels must be known before the context starts: -Dbench.log=DEBUG prints per-stage ingest timings.
        System.setProperty("logging.level.dk.vejsyn.api.finding.FindingStore", System.getProperty("bench.log", "INFO"));
    }

    @DynamicPropertySource
    static void datasource(DynamicPropertyRegistry r) {
        r.add("spring.datasource.url", () -> URL);
        r.add("spring.datasource.hikari.maximum-pool-size", () -> "8");
    }

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    FindingStore store;

    @Autowired
    FindingQueries queries;

    @LocalServerPort
    int port;

    final HttpClient http = HttpClient.newHttpClient();
    final StringBuilder report = new StringBuilder();

    record Area(int id, String code, double lat, double lon) {}

    @Test
    void run() throws Exception {
        if (Boolean.getBoolean("bench.ingestOnly")) {
            seed();
            List<Area> areas = jdbc.query("SELECT m.id, m.code, c.lat, c.lon FROM municipality m JOIN bench_center c ON c.mid = m.id",
                    (rs, i) -> new Area(rs.getInt(1), rs.getString(2), rs.getDouble(3), rs.getDouble(4)));
            Random rnd = new Random(System.nanoTime());
            ingest(areas, 1, 10, rnd, 4096);
            ingest(areas, 1, 20, rnd, 4096);
            ingest(areas, 1, 20, rnd, 0);
            ingest(areas, 4, 40, rnd, 4096);
            System.out.println(report);
            return;
        }
        long t0 = System.nanoTime();
        seed();
        log("seed", String.format(Locale.ROOT, "%d findings present (%.0f s incl. generation when needed)",
                jdbc.queryForObject("SELECT count(*) FROM finding", Long.class), (System.nanoTime() - t0) / 1e9));
        List<Area> areas = jdbc.query("SELECT m.id, m.code, c.lat, c.lon FROM municipality m JOIN bench_center c ON c.mid = m.id",
                (rs, i) -> new Area(rs.getInt(1), rs.getString(2), rs.getDouble(3), rs.getDouble(4)));
        Random rnd = new Random(7);

        // 1 km² bbox queries over HTTP (default sort, limit 100).
        List<Double> bbox = new ArrayList<>();
        int rows = 0;
        for (int i = 0; i < 1200; i++) {
            Area a = areas.get(rnd.nextInt(areas.size()));
            double lat = a.lat() + (rnd.nextDouble() - 0.5) * 0.16;
            double lon = a.lon() + (rnd.nextDouble() - 0.5) * 0.28;
            double dLat = 0.5 / 111.32;
            double dLon = 0.5 / (111.32 * Math.cos(Math.toRadians(lat)));
            String q = String.format(Locale.ROOT, "/api/v1/municipalities/%s/findings?bbox=%.6f,%.6f,%.6f,%.6f",
                    a.code(), lon - dLon, lat - dLat, lon + dLon, lat + dLat);
            long s = System.nanoTime();
            String body = get(q);
            double ms = (System.nanoTime() - s) / 1e6;
            if (i >= 200) {
                bbox.add(ms);
                rows += body.split("\"id\"").length - 1;
            }
        }
        log("bbox 1 km² (HTTP, 1000 queries after 200 warm-up)", stats(bbox) + String.format(Locale.ROOT,
                ", mean %.1f findings per box", rows / 1000.0));

        // z14 vector tiles over HTTP.
        List<Double> tiles = new ArrayList<>();
        long bytes = 0;
        for (int i = 0; i < 1200; i++) {
            Area a = areas.get(rnd.nextInt(areas.size()));
            double lat = a.lat() + (rnd.nextDouble() - 0.5) * 0.16;
            double lon = a.lon() + (rnd.nextDouble() - 0.5) * 0.28;
            int z = 14;
            int n = 1 << z;
            int x = (int) Math.floor((lon + 180) / 360 * n);
            double r = Math.toRadians(lat);
            int y = (int) Math.floor((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2 * n);
            long s = System.nanoTime();
            byte[] b = getBytes("/api/v1/municipalities/" + a.code() + "/tiles/" + z + "/" + x + "/" + y + ".mvt");
            double ms = (System.nanoTime() - s) / 1e6;
            if (i >= 200) {
                tiles.add(ms);
                bytes += b.length;
            }
        }
        log("MVT z14 tile (HTTP, 1000 tiles after 200 warm-up)", stats(tiles) + String.format(Locale.ROOT,
                ", mean %.1f KB per tile", bytes / 1000.0 / 1024));

        // The same boxes straight through the store's query (no HTTP, no JSON).
        Random same = new Random(7);
        List<Double> direct = new ArrayList<>();
        for (int i = 0; i < 1200; i++) {
            Area a = areas.get(same.nextInt(areas.size()));
            double lat = a.lat() + (same.nextDouble() - 0.5) * 0.16;
            double lon = a.lon() + (same.nextDouble() - 0.5) * 0.28;
            double dLat = 0.5 / 111.32;
            double dLon = 0.5 / (111.32 * Math.cos(Math.toRadians(lat)));
            long s = System.nanoTime();
            queries.search(a.id(), FindingFilter.ANY.withBbox(new Bbox(lon - dLon, lat - dLat, lon + dLon, lat + dLat)),
                    FindingSort.SEVERITY, true, null, 100);
            if (i >= 200) {
                direct.add((System.nanoTime() - s) / 1e6);
            }
        }
        log("bbox 1 km² (FindingQueries.search in process, same boxes)", stats(direct));

        // Ingest with merging: drives of 500 observations (100 potholes seen 5 times each, 4 KB evidence each).
        rnd = new Random(System.nanoTime()); // new drives on every run: re-runs must not be all duplicates
        ingest(areas, 1, 10, rnd, 4096); // warm-up
        ingest(areas, 1, 100, rnd, 4096);
        ingest(areas, 2, 100, rnd, 4096);
        ingest(areas, 4, 100, rnd, 4096);
        ingest(areas, 4, 100, rnd, 0);

        report.insert(0, "Figures of FindingStoreBenchmark, " + Instant.now() + ", load average (1/5/15 min, runnable/total) at the end "
                + Files.readString(Path.of("/proc/loadavg")).trim() + "\n\n");
        Files.writeString(Path.of("target/bench-findings.md"), report.toString());
        System.out.println(report);
    }

    private void ingest(List<Area> areas, int threads, int drives, Random seedRnd, int evidenceBytes) throws Exception {
        byte[] evidence = evidenceBytes == 0 ? null : new byte[evidenceBytes];
        if (evidence != null) {
            seedRnd.nextBytes(evidence);
        }
        long seed = seedRnd.nextLong();
        List<List<Observation>> batches = new ArrayList<>();
        List<Area> where = new ArrayList<>();
        Random rnd = new Random(seed);
        for (int d = 0; d < drives; d++) {
            Area a = areas.get(rnd.nextInt(areas.size()));
            double lat0 = a.lat() + (rnd.nextDouble() - 0.5) * 0.16;
            double lon0 = a.lon() + (rnd.nextDouble() - 0.5) * 0.28;
            double heading = rnd.nextDouble() * 360;
            List<Observation> obs = new ArrayList<>();
            Instant t = Instant.parse("2026-11-01T07:00:00Z").plusSeconds(rnd.nextInt(1_000_000));
            String src = "bench-" + seed + "-" + d + ".mp4";
            for (int p = 0; p < 100; p++) {
                double along = p * 30.0;
                double lat = lat0 + along * Math.cos(Math.toRadians(heading)) / 111_320;
                double lon = lon0 + along * Math.sin(Math.toRadians(heading)) / (111_320 * Math.cos(Math.toRadians(lat0)));
                for (int k = 0; k < 5; k++) {
                    double nLat = lat + rnd.nextGaussian() * 0.5 / 111_320;
                    double nLon = lon + rnd.nextGaussian() * 0.5 / (111_320 * Math.cos(Math.toRadians(lat0)));
                    Instant ti = t.plusMillis(3000L * p + 400L * k);
                    GeoTag tag = new GeoTag(lat, lon, heading, 8, ti, 3, Double.NaN);
                    long frame = 5L * p + k;
                    obs.add(new Observation(DamageType.POTHOLE, 0.4f + rnd.nextFloat() * 0.6f, new LatLon(nLat, nLon),
                            10 - 2 * k, 0.3, 0.4, 0.094, tag, src, frame, new PixelBox(600, 400 + 20 * k, 680, 440 + 20 * k), evidence));
                }
            }
            batches.add(obs);
            where.add(a);
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long s = System.nanoTime();
        List<Future<IngestResult>> fs = new ArrayList<>();
        for (int d = 0; d < drives; d++) {
            final int i = d;
            fs.add(pool.submit(() -> store.ingest(where.get(i).code(), DriveInfo.of("bench-" + seed + "-" + i, "bench"), batches.get(i))));
        }
        int stored = 0;
        int created = 0;
        for (Future<IngestResult> f : fs) {
            IngestResult r = f.get();
            stored += r.observationsStored();
            created += r.findingsCreated();
        }
        double sec = (System.nanoTime() - s) / 1e9;
        pool.shutdown();
        if (drives > 10) {
            log(String.format(Locale.ROOT, "ingest, %d thread(s), %d drives of 500 observations, %d B evidence each", threads, drives, evidenceBytes),
                    String.format(Locale.ROOT, "%d observations in %.2f s = **%.0f observations/s** (%d findings created, %.1f observations merged per finding)",
                            stored, sec, stored / sec, created, stored / (double) Math.max(1, created)));
        }
    }

    private void seed() {
        jdbc.execute("""
                CREATE TABLE IF NOT EXISTS bench_center AS
                SELECT id AS mid, 54.9 + random() * 2.4 AS lat, 8.4 + random() * 4.0 AS lon FROM municipality""");
        long have = jdbc.queryForObject("SELECT count(*) FROM finding", Long.class);
        if (have >= FINDINGS) {
            return;
        }
        jdbc.execute("TRUNCATE finding_event, observation, finding, drive CASCADE");
        // Each municipality: ~10,200 findings spread over ~18 x 18 km around its centre (~31 per km²).
        jdbc.execute("""
                INSERT INTO finding (municipality_id, geom, damage_type, status, severity, first_seen_at, last_seen_at,
                    observation_count, max_score, weight_sum, w_lat, w_lon, w_area, w_width, w_length, area_m2, width_m, length_m)
                SELECT c.mid, ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326),
                    (ARRAY['pothole','pothole','pothole','alligator_crack','longitudinal_crack','transverse_crack'])[1 + (g % 6)],
                    (ARRAY['open','open','open','confirmed','scheduled','repaired','dismissed','possibly_repaired'])[1 + (g % 8)],
                    1 + (g % 5), p.t, p.t + interval '30 days' * random(), 1 + (g % 7), 0.3 + 0.7 * random(),
                    1, p.lat, p.lon, 0.2, 0.5, 0.5, 0.2, 0.5, 0.5
                FROM generate_series(1, 1000000) AS g
                JOIN bench_center c ON c.mid = 1 + (g % 98)
                CROSS JOIN LATERAL (SELECT c.lat + (random() - 0.5) * 0.16 AS lat,
                                           c.lon + (random() - 0.5) * 0.28 AS lon,
                                           timestamptz '2026-01-01' + interval '300 days' * random() AS t,
                                           g AS gg) p""");
        jdbc.execute("VACUUM ANALYZE finding");
    }

    /** A viewer token of the path's municipality. */
    private static String reader(String path) {
        return dk.vejsyn.api.TestTokens.bearer(dk.vejsyn.api.security.Role.VIEWER, path.split("/")[4]);
    }

    private String get(String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).header("Authorization", reader(path)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(path + " -> " + r.statusCode() + " " + r.body());
        }
        return r.body();
    }

    private byte[] getBytes(String path) throws Exception {
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).header("Authorization", reader(path)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(path + " -> " + r.statusCode());
        }
        return r.body();
    }

    private static String stats(List<Double> ms) {
        double[] v = ms.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return String.format(Locale.ROOT, "p50 %.1f ms, **p95 %.1f ms**, p99 %.1f ms, max %.1f ms",
                v[v.length / 2], v[(int) Math.ceil(v.length * 0.95) - 1], v[(int) Math.ceil(v.length * 0.99) - 1], v[v.length - 1]);
    }

    private void log(String what, String figure) {
        String line = "- " + what + ": " + figure + "\n";
        report.append(line);
        System.out.print(line);
    }

}
