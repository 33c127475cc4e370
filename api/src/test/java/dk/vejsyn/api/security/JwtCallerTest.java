package dk.vejsyn.api.security;

import static dk.vejsyn.api.Fixtures.ODENSE;
import static dk.vejsyn.api.Fixtures.T0;
import static dk.vejsyn.api.Fixtures.observation;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dk.vejsyn.api.PostgisIntegrationTest;
import dk.vejsyn.api.drive.DriveInfo;
import dk.vejsyn.api.finding.FindingStore;
import dk.vejsyn.inference.detect.DamageType;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Access tokens (JWTs) from a municipality's identity provider, with no provider at all: the test
 * is the provider. It publishes its signing key as a JWK set over HTTP, as Keycloak or Entra ID
 * do, and signs tokens with the claims the settings name. Checked: a planner's token reads and
 * changes its municipality and is named in the event; another municipality's data is absent; a
 * token that is expired, signed by another key, from another issuer or without a municipality or
 * a known role is refused.
 */
class JwtCallerTest extends PostgisIntegrationTest {
    static final String ISSUER = "https://idp.odense.test/realms/vejsyn";
    static final RSAKey KEY = generate("idp-key-1");
    static final RSAKey OTHER_KEY = generate("idp-key-1"); // same key id, another key: a forgery
    static final HttpServer IDP = jwks();

    @LocalServerPort
    int port;

    @Autowired
    FindingStore store;

    @Autowired
    ObjectMapper json;

    @DynamicPropertySource
    static void provider(DynamicPropertyRegistry r) {
        r.add("vejsyn.security.jwt.issuer-uri", () -> ISSUER);
        r.add("vejsyn.security.jwt.jwk-set-uri", () -> "http://127.0.0.1:" + IDP.getAddress().getPort() + "/certs");
        r.add("vejsyn.security.jwt.audience", () -> "vejsyn");
        r.add("vejsyn.security.jwt.role-claim", () -> "roles");
        r.add("vejsyn.security.jwt.role-prefix", () -> "vejsyn-");
    }

    @AfterAll
    static void stop() {
        IDP.stop(0);
    }

    private static RSAKey generate(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).generate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static HttpServer jwks() {
        try {
            HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            byte[] body = new JWKSet(KEY.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
            s.createContext("/certs", ex -> {
                ex.getResponseHeaders().add("Content-Type", "application/json");
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
                ex.close();
            });
            s.start();
            return s;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String jwt(RSAKey key, Map<String, Object> claims) throws Exception {
        JWTClaimsSet.Builder c = new JWTClaimsSet.Builder().issuer(ISSUER).subject("f3b1-anna").audience("vejsyn")
                .issueTime(Date.from(Instant.now())).expirationTime(Date.from(Instant.now().plusSeconds(300)));
        claims.forEach(c::claim);
        SignedJWT t = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), c.build());
        t.sign(new RSASSASigner(key));
        return t.serialize();
    }

    private static Map<String, Object> anna(String municipality, Object roles) {
        return Map.of("preferred_username", "anna@odense.dk", "municipality", municipality, "roles", roles);
    }

    private HttpResponse<String> call(String method, String path, String body, String jwt) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + jwt)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aPlannersTokenReadsAndChangesItsMunicipalityAndIsNamedInTheEvent() throws Exception {
        long id = store.ingest("461", DriveInfo.of("jwt", "truck-1"),
                List.of(observation(DamageType.POTHOLE, ODENSE, 0.8f, 1, 0.1, "jwt.mp4", T0))).findingIds().get(0);
        String planner = jwt(KEY, anna("461", List.of("offline_access", "vejsyn-planner")));
        HttpResponse<String> me = call("GET", "/api/v1/me", null, planner);
        assertThat(me.statusCode()).as(me.body()).isEqualTo(200);
        JsonNode who = json.readTree(me.body());
        assertThat(who.get("name").asText()).isEqualTo("jwt:anna@odense.dk");
        assertThat(who.get("role").asText()).isEqualTo("planner");
        assertThat(who.get("via").asText()).isEqualTo("jwt");
        HttpResponse<String> changed = call("PATCH", "/api/v1/municipalities/461/findings/" + id,
                "{\"status\":\"confirmed\",\"actor\":\"someone else\"}", planner);
        assertThat(changed.statusCode()).as(changed.body()).isEqualTo(200);
        assertThat(json.readTree(changed.body()).at("/events/1/actor").asText()).isEqualTo("jwt:anna@odense.dk");
        assertThat(call("GET", "/api/v1/municipalities/101/findings", null, planner).statusCode()).isEqualTo(404);
        String viewer = jwt(KEY, anna("461", "vejsyn-viewer"));
        assertThat(call("GET", "/api/v1/municipalities/461/findings", null, viewer).statusCode()).isEqualTo(200);
        assertThat(call("PATCH", "/api/v1/municipalities/461/findings/" + id, "{\"status\":\"open\"}", viewer).statusCode())
                .isEqualTo(403);
    }

    @Test
    void tokensTheServiceCannotTrustAreRefused() throws Exception {
        String path = "/api/v1/municipalities/461/findings";
        Map<String, String> refused = Map.of(
                "signed by another key", jwt(OTHER_KEY, anna("461", "vejsyn-planner")),
                "without a municipality", jwt(KEY, Map.of("preferred_username", "anna", "roles", "vejsyn-planner")),
                "without a known role", jwt(KEY, anna("461", List.of("planner", "vejsyn-superuser"))),
                "from another issuer", jwt(KEY, Map.of("iss", "https://evil.test", "municipality", "461", "roles", "vejsyn-planner")),
                "for another audience", jwt(KEY, Map.of("aud", "other-app", "municipality", "461", "roles", "vejsyn-planner")),
                "expired", jwt(KEY, Map.of("exp", Date.from(Instant.now().minusSeconds(3600)), "municipality", "461",
                        "roles", "vejsyn-planner")));
        for (var e : refused.entrySet()) {
            HttpResponse<String> r = call("GET", path, null, e.getValue());
            assertThat(r.statusCode()).as(e.getKey() + ": " + r.body()).isEqualTo(401);
            assertThat(r.body()).as(e.getKey()).doesNotContain(e.getValue());
        }
    }
}
