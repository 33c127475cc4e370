package dk.vejsyn.api.security;

import static org.assertj.core.api.Assertions.assertThat;

import dk.vejsyn.api.PostgisIntegrationTest;
import dk.vejsyn.api.TestTokens;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

/**
 * Guessing tokens is slowed per client address: after the limit of failed authentications in the
 * window, requests with credentials get 429 with {@code Retry-After} until the window ends, even
 * with a valid token; health stays open. The window itself is checked with a clock the test moves.
 */
@TestPropertySource(properties = {"vejsyn.security.failed-auth-limit=3", "vejsyn.security.failed-auth-window=10m"})
class FailedAuthLimitTest extends PostgisIntegrationTest {
    @LocalServerPort
    int port;

    private HttpResponse<String> get(String path, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void afterTheLimitCredentialsAreNotCheckedUntilTheWindowEnds() throws Exception {
        String path = "/api/v1/municipalities/461/findings";
        String valid = TestTokens.bearer(Role.VIEWER, "461");
        assertThat(get(path, valid).statusCode()).isEqualTo(200);
        assertThat(get(path, null).statusCode()).as("no credentials is no failed attempt").isEqualTo(401);
        for (int i = 0; i < 3; i++) {
            assertThat(get(path, "Bearer vjs_guessguessguessg_" + "B".repeat(43)).statusCode()).isEqualTo(401);
        }
        HttpResponse<String> limited = get(path, valid);
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow())).isBetween(1L, 600L);
        assertThat(limited.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
        assertThat(limited.body()).contains("too-many-failed-authentications").doesNotContain(valid.substring(7));
        assertThat(get("/actuator/health", null).statusCode()).isEqualTo(200);
    }

    @Test
    void theWindowEndsAndAddressesAreCountedApart() {
        AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-06T10:00:00Z"));
        Clock clock = new Clock() {
            @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
            @Override public Clock withZone(java.time.ZoneId zone) { return this; }
            @Override public Instant instant() { return now.get(); }
        };
        FailedAuthLimiter limiter = new FailedAuthLimiter(2, Duration.ofMinutes(5), clock);
        limiter.failed("10.0.0.1");
        assertThat(limiter.retryAfter("10.0.0.1")).isEmpty();
        limiter.failed("10.0.0.1");
        assertThat(limiter.retryAfter("10.0.0.1")).hasValue(300);
        assertThat(limiter.retryAfter("10.0.0.2")).isEmpty();
        now.set(now.get().plusSeconds(299));
        assertThat(limiter.retryAfter("10.0.0.1")).hasValue(1);
        now.set(now.get().plusSeconds(1));
        assertThat(limiter.retryAfter("10.0.0.1")).isEmpty();
        limiter.failed("10.0.0.1");
        assertThat(limiter.retryAfter("10.0.0.1")).as("a new window counts from one").isEmpty();
    }
}
