package dk.vejsyn.api.security;

import static dk.vejsyn.api.Fixtures.ODENSE;
import static dk.vejsyn.api.Fixtures.T0;
import static dk.vejsyn.api.Fixtures.observation;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dk.vejsyn.api.PostgisIntegrationTest;
import dk.vejsyn.api.TestTokens;
import dk.vejsyn.api.drive.DriveInfo;
import dk.vejsyn.api.finding.FindingStore;
import dk.vejsyn.inference.detect.DamageType;
import dk.vejsyn.inference.geo.Observation;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

/**
 * Who may call what, over real HTTP with real tokens (no test shortcut): every endpoint group ×
 * every role × own / another municipality × no, malformed, unknown, revoked and expired
 * credentials → the expected 2xx / 401 / 403 / 404, each refusal an RFC 7807 problem. Plus: a
 * change names the token, never the body's actor; revocation takes effect on the next request;
 * another municipality's data answers exactly as an unknown municipality's; evidence views and
 * writes are in the audit trail, which only admins read.
 */
@AutoConfigureObservability(tracing = false) // /actuator/prometheus, as in the service
@TestPropertySource(properties = {
        "vejsyn.security.failed-auth-limit=1000000", // the matrix fails on purpose, often
        "vejsyn.live.enabled=true", "vejsyn.live.mqtt-enabled=false"}) // live frames over HTTP only
class SecurityMatrixTest extends PostgisIntegrationTest {
    static final String OWN = "461";
    static final String OTHER = "101";
    static final String VEHICLE = "matrix-truck";

    @LocalServerPort
    int port;

    @Autowired
    FindingStore store;

    @Autowired
    ObjectMapper json;

    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    long findingOwn;
    long findingOther;
    UUID jobOwn;
    UUID jobOther;

    /** The callers of the matrix: name → Authorization header value (null: none). */
    final Map<String, String> callers = new LinkedHashMap<>();

    @BeforeEach
    void seed() {
        Observation o = observation(DamageType.POTHOLE, ODENSE, 0.8f, 1, 0.1, "matrix.mp4", T0);
        findingOwn = store.ingest(OWN, DriveInfo.of("matrix-own", "truck-1"), List.of(o)).findingIds().get(0);
        findingOther = store.ingest(OTHER, DriveInfo.of("matrix-other", "truck-1"), List.of(o)).findingIds().get(0);
        jobOwn = job(OWN);
        jobOther = job(OTHER);
        callers.put("none", null);
        callers.put("malformed", "Bearer not-a-token");
        callers.put("unknown", "Bearer vjs_aaaaaaaaaaaaaaaa_" + "A".repeat(43));
        String revoked = TestTokens.create(Role.PLANNER, OWN, null);
        jdbc.update("UPDATE api_token SET revoked_at = now() WHERE token_id = ?", tokenId(revoked));
        callers.put("revoked", "Bearer " + revoked);
        String expired = TestTokens.create(Role.PLANNER, OWN, null);
        jdbc.update("UPDATE api_token SET expires_at = now() - interval '1 second' WHERE token_id = ?", tokenId(expired));
        callers.put("expired", "Bearer " + expired);
        callers.put("viewer", TestTokens.bearer(Role.VIEWER, OWN));
        callers.put("planner", TestTokens.bearer(Role.PLANNER, OWN));
        callers.put("admin", TestTokens.bearer(Role.ADMIN, OWN));
        callers.put("vehicle", TestTokens.vehicle(OWN, VEHICLE));
        callers.put("operator", TestTokens.operator());
    }

    private UUID job(String municipality) {
        UUID id = UUID.randomUUID();
        jdbc.update("""
                INSERT INTO upload_job (id, municipality_id, drive_ref, vehicle, kind, spool_dir, state)
                VALUES (?, (SELECT id FROM municipality WHERE code = ?), ?, 'truck-1', 'images', '/nonexistent', 'succeeded')""",
                id, municipality, "matrix-" + id);
        return id;
    }

    private static String tokenId(String token) {
        return token.substring(4, 20);
    }

    /**
     * One endpoint group: a request in municipality {@code {c}}, and what each role gets in its own
     * municipality (viewer, planner, admin, vehicle, operator). In another municipality every role
     * gets the 404 of an unknown municipality, on tenant paths.
     */
    record Group(String method, String path, String body, String contentType, boolean tenant, int... own) {}

    List<Group> groups() {
        String f = "/api/v1/municipalities/{c}/findings";
        return List.of(
                new Group("GET", f, null, null, true, 200, 200, 200, 403, 404),
                new Group("POST", f + "/search", "{}", "application/json", true, 200, 200, 200, 403, 404),
                new Group("GET", f + "/{finding}", null, null, true, 200, 200, 200, 403, 404),
                new Group("GET", f + "/export.geojson", null, null, true, 200, 200, 200, 403, 404),
                new Group("GET", f + "/export.csv", null, null, true, 200, 200, 200, 403, 404),
                new Group("GET", f + "/{finding}/evidence", null, null, true, 200, 200, 200, 403, 404),
                new Group("PATCH", f + "/{finding}", "{\"status\":\"confirmed\"}", "application/json", true, 403, 200, 200, 403, 404),
                new Group("GET", "/api/v1/municipalities/{c}/ogc/collections/findings/items", null, null, true, 200, 200, 200, 403, 404),
                new Group("GET", "/api/v1/municipalities/{c}/ogc/collections/cracks/items", null, null, true, 200, 200, 200, 403, 404),
                new Group("GET", "/api/v1/municipalities/{c}/tiles/14/8653/5095.mvt", null, null, true, 200, 200, 200, 403, 404),
                new Group("GET", "/api/v1/municipalities/{c}/overview", null, null, true, 200, 200, 200, 403, 404),
                new Group("GET", "/api/v1/municipalities/{c}/drives.geojson", null, null, true, 200, 200, 200, 403, 404),
                new Group("GET", "/api/v1/municipalities/{c}/road-segments", null, null, true, 200, 200, 200, 403, 404),
                new Group("GET", "/api/v1/municipalities/{c}/road-segments.csv", null, null, true, 200, 200, 200, 403, 404),
                new Group("GET", "/api/v1/municipalities/{c}/road-segments/coverage", null, null, true, 200, 200, 200, 403, 404),
                new Group("GET", "/api/v1/municipalities/{c}/ogc/collections/road_segments/items", null, null, true, 200, 200, 200, 403, 404),
                new Group("GET", "/api/v1/municipalities/{c}/tiles/road-segments/14/8653/5095.mvt", null, null, true, 200, 200, 200, 403, 404),
                new Group("GET", "/api/v1/map-settings", null, null, false, 200, 200, 200, 200, 200),
                new Group("GET", "/api/v1/municipalities/{c}/work-orders", null, null, true, 200, 200, 200, 403, 404),
                // An empty order: planners get its 400, the others never reach it.
                new Group("POST", "/api/v1/municipalities/{c}/work-orders", "{}", "application/json", true, 403, 400, 400, 403, 404),
                new Group("GET", "/api/v1/municipalities/{c}", null, null, true, 200, 200, 200, 403, 200),
                new Group("GET", "/api/v1/municipalities/{c}/audit", null, null, true, 403, 403, 200, 403, 404),
                new Group("GET", "/api/v1/municipalities/{c}/tokens", null, null, true, 403, 403, 200, 403, 404),
                new Group("GET", "/api/v1/municipalities", null, null, false, 403, 403, 403, 403, 200),
                // An invalid body: allowed callers get its 400, the others never reach it.
                new Group("POST", "/api/v1/municipalities", "{}", "application/json", false, 403, 403, 403, 403, 400),
                new Group("GET", "/actuator/prometheus", null, null, false, 403, 403, 403, 403, 200),
                new Group("GET", "/api/v1/jobs/{job}", null, null, false, 200, 200, 200, 200, 403),
                new Group("POST", "/api/v1/drives", "--x--\r\n", "multipart/form-data; boundary=x", false, 403, 400, 400, 400, 403),
                new Group("POST", "/api/v1/vehicles/" + VEHICLE + "/frames", "", "image/jpeg", false, 403, 403, 403, 400, 403),
                // An observation made on board (the agent's edge mode) without fields: the vehicle gets its 400.
                new Group("POST", "/api/v1/vehicles/" + VEHICLE + "/observations", "", "image/jpeg", false, 403, 403, 403, 400, 403),
                new Group("GET", "/api/v1/me", null, null, false, 200, 200, 200, 200, 200),
                // Fleet health: a vehicle reports for itself (an empty heartbeat: its 400); admins see their fleet, the operator all.
                new Group("POST", "/api/v1/vehicles/" + VEHICLE + "/heartbeat?municipality=" + OWN, "{}", "application/json", false,
                        403, 403, 403, 400, 403),
                new Group("GET", "/api/v1/municipalities/{c}/vehicles", null, null, true, 403, 403, 200, 403, 404),
                new Group("GET", "/api/v1/municipalities/{c}/vehicles/" + VEHICLE + "/heartbeats", null, null, true,
                        403, 403, 200, 403, 404),
                new Group("GET", "/api/v1/vehicles", null, null, false, 403, 403, 403, 403, 200),
                // Resumable uploads: who may upload (an empty session: its 400; an unknown one: its 404).
                new Group("POST", "/api/v1/uploads", "{}", "application/json", false, 403, 400, 400, 400, 403),
                new Group("GET", "/api/v1/uploads/" + UUID.randomUUID(), null, null, false, 403, 404, 404, 404, 403),
                new Group("PUT", "/api/v1/uploads/" + UUID.randomUUID() + "/parts/video", "x", "application/octet-stream", false,
                        403, 404, 404, 404, 403),
                new Group("POST", "/api/v1/uploads/" + UUID.randomUUID() + "/finish", null, null, false, 403, 404, 404, 404, 403));
    }

    private HttpResponse<byte[]> call(String method, String path, String body, String contentType, String authorization)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private String path(Group g, String municipality) {
        boolean own = municipality.equals(OWN);
        return g.path().replace("{c}", municipality)
                .replace("{finding}", Long.toString(own ? findingOwn : findingOther))
                .replace("{job}", (own ? jobOwn : jobOther).toString());
    }

    @Test
    void everyRoleGetsWhatItMayAndNothingElse() throws Exception {
        List<String> wrong = new ArrayList<>();
        List<String> roles = List.of("viewer", "planner", "admin", "vehicle", "operator");
        for (Group g : groups()) {
            for (String municipality : List.of(OWN, OTHER)) {
                if (!g.tenant() && municipality.equals(OTHER) && !g.path().contains("{job}")) {
                    continue;
                }
                String path = path(g, municipality);
                for (var c : callers.entrySet()) {
                    int expected;
                    int r = roles.indexOf(c.getKey());
                    if (r < 0) {
                        expected = 401; // none, malformed, unknown, revoked, expired
                    } else if (municipality.equals(OWN)) {
                        expected = g.own()[r];
                    } else if (g.tenant()) {
                        expected = c.getKey().equals("operator") && g.own()[r] == 200 ? 200 : 404;
                    } else {
                        // Another municipality's job: as unknown as a job that never was; the operator is refused either way.
                        expected = c.getKey().equals("operator") ? 403 : 404;
                    }
                    if (g.method().equals("PATCH")) {
                        jdbc.update("UPDATE finding SET status = 'open'"); // every allowed PATCH is a valid transition
                    }
                    HttpResponse<byte[]> a = call(g.method(), path, g.body(), g.contentType(), c.getValue());
                    String answer = g.method() + " " + path + " as " + c.getKey() + ": " + a.statusCode();
                    if (a.statusCode() != expected) {
                        wrong.add(answer + " (expected " + expected + ") " + new String(a.body(), StandardCharsets.UTF_8));
                    } else if (expected >= 400) {
                        String problem = problemProblem(a, c.getValue());
                        if (problem != null) {
                            wrong.add(answer + ": " + problem);
                        }
                    }
                }
            }
        }
        assertThat(wrong).as("answers that differ from the matrix").isEmpty();
    }

    /** What is wrong with a refusal's body (null: nothing): RFC 7807, WWW-Authenticate on 401, no secret echoed. */
    private String problemProblem(HttpResponse<byte[]> a, String authorization) throws Exception {
        if (!a.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json")) {
            return "not a problem body: " + a.headers().firstValue("Content-Type");
        }
        String body = new String(a.body(), StandardCharsets.UTF_8);
        JsonNode p = json.readTree(body);
        if (!p.path("type").asText().startsWith("https://vejsyn.dk/problems/") || p.path("status").asInt() != a.statusCode()
                || p.path("detail").asText().isEmpty()) {
            return "incomplete problem " + body;
        }
        if (a.statusCode() == 401 && a.headers().firstValue("WWW-Authenticate").filter(h -> h.startsWith("Bearer")).isEmpty()) {
            return "401 without a Bearer challenge";
        }
        if (authorization != null && body.contains(authorization.substring(authorization.indexOf(' ') + 1))) {
            return "the problem repeats the credentials";
        }
        return null;
    }

    @Test
    void anotherMunicipalitysDataIsExactlyAsAbsentAsAMunicipalityThatDoesNotExist() throws Exception {
        String planner = callers.get("planner");
        for (String p : List.of("/findings", "/findings/" + findingOther, "/findings/" + findingOther + "/evidence",
                "/ogc/collections/findings/items", "/tiles/14/8653/5095.mvt", "/findings/export.csv", "/road-segments",
                "/road-segments.csv", "/road-segments/coverage", "/ogc/collections/road_segments/items",
                "/tiles/road-segments/14/8653/5095.mvt")) {
            HttpResponse<byte[]> other = call("GET", "/api/v1/municipalities/" + OTHER + p, null, null, planner);
            HttpResponse<byte[]> none = call("GET", "/api/v1/municipalities/998" + p, null, null, planner);
            assertThat(other.statusCode()).isEqualTo(404).isEqualTo(none.statusCode());
            assertThat(new String(other.body(), StandardCharsets.UTF_8).replace(OTHER, "998"))
                    .as(p).isEqualTo(new String(none.body(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void aChangeNamesTheTokenAndIsAuditedAsAreEvidenceViews() throws Exception {
        String name = "planner-odense-matrix-" + UUID.randomUUID().toString().substring(0, 6);
        String token = new ApiTokens(org.springframework.jdbc.core.simple.JdbcClient.create(jdbc.getDataSource()),
                java.time.Clock.systemUTC()).create(new ApiTokens.Request(name, Role.PLANNER, OWN, null, null, "test")).secret();
        String base = "/api/v1/municipalities/" + OWN + "/findings/" + findingOwn;
        HttpResponse<byte[]> r = call("PATCH", base, "{\"status\":\"confirmed\",\"actor\":\"anyone\"}", "application/json",
                "Bearer " + token);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode detail = json.readTree(r.body());
        assertThat(detail.at("/events/1/actor").asText()).isEqualTo(name);
        assertThat(call("GET", base + "/evidence", null, null, "Bearer " + token).statusCode()).isEqualTo(200);

        JsonNode audit = json.readTree(call("GET", "/api/v1/municipalities/" + OWN + "/audit?limit=50", null, null,
                callers.get("admin")).body());
        List<String> mine = new ArrayList<>();
        for (JsonNode e : audit.get("events")) {
            if (e.get("actor").asText().equals(name)) {
                mine.add(e.get("action").asText() + " " + e.get("target").asText() + " " + e.get("status").asInt()
                        + " " + e.get("actorRole").asText());
                assertThat(e.get("clientAddress").asText()).isNotBlank();
            }
        }
        assertThat(mine).containsExactly(
                "GET /api/v1/municipalities/{code}/findings/{id}/evidence " + base + "/evidence 200 planner",
                "PATCH /api/v1/municipalities/{code}/findings/{id} " + base + " 200 planner");
        // Append-only, even for the service's own database account.
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> jdbc.update("DELETE FROM audit_event"))
                .hasMessageContaining("append-only");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> jdbc.update("UPDATE audit_event SET actor = 'x'"))
                .hasMessageContaining("append-only");
    }

    @Test
    void revocationTakesEffectOnTheNextRequestAndAdminsManageOnlyTheirOwnTokens() throws Exception {
        String admin = callers.get("admin");
        String name = "viewer-" + UUID.randomUUID().toString().substring(0, 6);
        HttpResponse<byte[]> created = call("POST", "/api/v1/municipalities/" + OWN + "/tokens",
                "{\"name\":\"" + name + "\",\"role\":\"viewer\"}", "application/json", admin);
        assertThat(created.statusCode()).as(new String(created.body(), StandardCharsets.UTF_8)).isEqualTo(201);
        String token = json.readTree(created.body()).get("secret").asText();
        String findings = "/api/v1/municipalities/" + OWN + "/findings";
        assertThat(call("GET", findings, null, null, "Bearer " + token).statusCode()).isEqualTo(200);
        assertThat(call("GET", findings, null, null, "Bearer " + token).statusCode()).isEqualTo(200); // the remembered check
        String listed = new String(call("GET", "/api/v1/municipalities/" + OWN + "/tokens", null, null, admin).body(),
                StandardCharsets.UTF_8);
        assertThat(listed).contains(name).doesNotContain(token).doesNotContain(tokenId(token)).doesNotContain("secret");
        // The other municipality's admin cannot revoke it: its tokens are not there.
        String otherAdmin = TestTokens.bearer(Role.ADMIN, OTHER);
        assertThat(call("DELETE", "/api/v1/municipalities/" + OTHER + "/tokens/" + name, null, null, otherAdmin).statusCode())
                .isEqualTo(404);
        assertThat(call("GET", findings, null, null, "Bearer " + token).statusCode()).isEqualTo(200);
        assertThat(call("DELETE", "/api/v1/municipalities/" + OWN + "/tokens/" + name, null, null, admin).statusCode())
                .isEqualTo(204);
        assertThat(call("GET", findings, null, null, "Bearer " + token).statusCode()).isEqualTo(401);
        // An admin cannot mint an operator.
        assertThat(call("POST", "/api/v1/municipalities/" + OWN + "/tokens", "{\"name\":\"x-op\",\"role\":\"operator\"}",
                "application/json", admin).statusCode()).isEqualTo(400);
        // Only a hash is stored.
        assertThat(jdbc.queryForObject("SELECT secret_hash FROM api_token WHERE name = ?", String.class, name))
                .startsWith("{bcrypt}").doesNotContain(token.substring(21));
    }

    @Test
    void gisClientsUseBasicWithTheTokenAsPasswordOnTheOgcApiAndTilesOnly() throws Exception {
        String token = callers.get("viewer").substring("Bearer ".length());
        String basic = "Basic " + Base64.getEncoder().encodeToString(("qgis:" + token).getBytes(StandardCharsets.UTF_8));
        String m = "/api/v1/municipalities/" + OWN;
        assertThat(call("GET", m + "/ogc/collections/findings/items", null, null, basic).statusCode()).isEqualTo(200);
        assertThat(call("GET", m + "/ogc", null, null, basic).statusCode()).isEqualTo(200);
        assertThat(call("GET", m + "/tiles/14/8653/5095.mvt", null, null, basic).statusCode()).isEqualTo(200);
        assertThat(call("GET", m + "/findings", null, null, basic).statusCode()).isEqualTo(401);
        assertThat(call("GET", m + "/ogc/collections/road_segments/items", null, null, basic).statusCode()).isEqualTo(200);
        assertThat(call("GET", m + "/tiles/road-segments/14/8653/5095.mvt", null, null, basic).statusCode()).isEqualTo(200);
        assertThat(call("GET", m + "/road-segments", null, null, basic).statusCode()).isEqualTo(401);
        HttpResponse<byte[]> none = call("GET", m + "/ogc/collections", null, null, null);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().allValues("WWW-Authenticate")).anyMatch(h -> h.startsWith("Basic"));
        String wrong = "Basic " + Base64.getEncoder().encodeToString("qgis:wrong".getBytes(StandardCharsets.UTF_8));
        assertThat(call("GET", m + "/ogc/collections", null, null, wrong).statusCode()).isEqualTo(401);
    }

    @Test
    void aVehicleSendsForItselfInItsOwnMunicipalityOnly() throws Exception {
        String vehicle = callers.get("vehicle");
        String frame = "&frame-id=f1&lat=55.4&lon=10.39&time=" + java.time.Instant.now();
        HttpResponse<byte[]> elsewhere = call("POST", "/api/v1/vehicles/" + VEHICLE + "/frames?municipality=" + OTHER + frame,
                "", "image/jpeg", vehicle);
        assertThat(elsewhere.statusCode()).isEqualTo(403);
        assertThat(new String(elsewhere.body(), StandardCharsets.UTF_8)).contains("municipality " + OWN + " only");
        HttpResponse<byte[]> asAnother = call("POST", "/api/v1/vehicles/another-truck/frames?municipality=" + OWN + frame,
                "", "image/jpeg", vehicle);
        assertThat(asAnother.statusCode()).isEqualTo(403);
        assertThat(new String(asAnother.body(), StandardCharsets.UTF_8)).contains("vehicle " + VEHICLE + " only");
        // Uploads likewise: its own vehicle id, its own municipality.
        String form = "--x\r\nContent-Disposition: form-data; name=\"vehicle\"\r\n\r\nanother-truck\r\n--x--\r\n";
        HttpResponse<byte[]> upload = call("POST", "/api/v1/drives", form, "multipart/form-data; boundary=x", vehicle);
        assertThat(upload.statusCode()).isEqualTo(403);
        assertThat(new String(upload.body(), StandardCharsets.UTF_8)).contains("vehicle " + VEHICLE + " only");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM live_frame WHERE vehicle IN (?, 'another-truck')", Integer.class,
                VEHICLE)).isZero();
    }

    @Test
    void healthAndTheMapPageNeedNoTokenAndHoldNoData() throws Exception {
        assertThat(call("GET", "/actuator/health", null, null, null).statusCode()).isEqualTo(200);
        HttpResponse<byte[]> page = call("GET", "/index.html", null, null, null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(new String(page.body(), StandardCharsets.UTF_8)).contains("/app.js");
        HttpResponse<byte[]> script = call("GET", "/app.js", null, null, null);
        assertThat(new String(script.body(), StandardCharsets.UTF_8)).as("the pages send the token").contains("Authorization");
        HttpResponse<byte[]> docs = call("GET", "/v3/api-docs", null, null, null);
        assertThat(docs.statusCode()).isEqualTo(200);
        JsonNode schemes = json.readTree(docs.body()).at("/components/securitySchemes");
        assertThat(schemes.at("/token/scheme").asText()).as("Swagger UI's Authorize takes a token").isEqualTo("bearer");
        assertThat(call("GET", "/api/v1/nothing-here", null, null, callers.get("planner")).statusCode()).isEqualTo(404);
        assertThat(call("GET", "/api/v1/nothing-here", null, null, null).statusCode()).isEqualTo(401);
    }
}
