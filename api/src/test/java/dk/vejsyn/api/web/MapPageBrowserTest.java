package dk.vejsyn.api.web;

import static dk.vejsyn.api.Fixtures.ODENSE;
import static dk.vejsyn.api.Fixtures.T0;
import static dk.vejsyn.api.Fixtures.offset;
import static dk.vejsyn.api.Fixtures.observation;
import static dk.vejsyn.api.Fixtures.realJpeg;
import static org.assertj.core.api.Assertions.assertThat;

import dk.vejsyn.api.drive.DriveInfo;
import dk.vejsyn.api.security.Role;
import dk.vejsyn.inference.detect.DamageType;
import dk.vejsyn.inference.geo.Observation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The map page in a real browser (Debian's headless chromium; {@code bin/test} installs it): it
 * asks for a token and shows nothing without one, refuses a wrong one, shows the token's
 * municipality's findings with a valid one, loads an evidence image with the token (the view is
 * audited under the token's name), and signs out.
 */
class MapPageBrowserTest extends BrowserTest {

    private WebElement byId(String id) {
        return browser.findElement(By.id(id));
    }

    @Test
    void asksForATokenShowsItsMunicipalitysFindingsAndTheirEvidence() {
        List<Observation> obs = new ArrayList<>();
        byte[] crop = realJpeg(64, 48);
        for (int i = 0; i < 3; i++) {
            obs.add(observation(DamageType.POTHOLE, offset(ODENSE, 40 * i, 0), 0.8f, i, 0.1, "browser.mp4", T0.plusSeconds(i),
                    crop));
        }
        store.ingest("461", DriveInfo.of("browser", "truck-1"), obs);
        store.ingest("101", DriveInfo.of("browser-101", "truck-1"), obs);
        String name = "planner-browser-" + UUID.randomUUID().toString().substring(0, 6);
        String token = token(Role.PLANNER, name);

        browser.get("http://127.0.0.1:" + port + "/");
        await.until(ExpectedConditions.visibilityOfElementLocated(By.id("token")));
        assertThat(browser.findElements(By.cssSelector("path.leaflet-interactive"))).as("no data without a token").isEmpty();

        byId("token").sendKeys("vjs_aaaaaaaaaaaaaaaa_" + "A".repeat(43));
        browser.findElement(By.cssSelector("#signin button")).click();
        await.until(ExpectedConditions.textToBePresentInElementLocated(By.id("signin-error"), "ugyldig"));
        assertThat(byId("signin").isDisplayed()).isTrue();

        byId("token").sendKeys(token);
        browser.findElement(By.cssSelector("#signin button")).click();
        await.until(ExpectedConditions.invisibilityOfElementLocated(By.id("signin")));
        await.until(ExpectedConditions.textToBePresentInElementLocated(By.id("count"), "3 fund"));
        assertThat(byId("muni").getText()).contains("461").contains(name).contains("planner");
        List<WebElement> markers = browser.findElements(By.cssSelector("path.leaflet-interactive"));
        assertThat(markers).as("the three findings of 461, none of 101's").hasSize(3);

        markers.get(0).click();
        WebElement img = await.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".popup img")));
        await.until(d -> (Boolean) ((JavascriptExecutor) d).executeScript(
                "return arguments[0].complete && arguments[0].naturalWidth > 0", img));
        assertThat(img.getAttribute("src")).startsWith("blob:");
        assertThat(((JavascriptExecutor) browser).executeScript("return arguments[0].naturalWidth", img)).isEqualTo(64L);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_event WHERE actor = ? AND action LIKE '%/evidence'",
                Integer.class, name)).as("the evidence view is audited under the token's name").isEqualTo(1);

        byId("signout").click();
        await.until(ExpectedConditions.visibilityOfElementLocated(By.id("token")));
        assertThat(((JavascriptExecutor) browser).executeScript("return sessionStorage.getItem('vejsyn.token')")).isNull();
        assertThat(browser.findElements(By.cssSelector("path.leaflet-interactive"))).isEmpty();
    }

    @Test
    void listAndMapShowOneFilterWhichTheUrlCarries() {
        byte[] crop = realJpeg(64, 48);
        // Severities 2, 3 and 4 (areas 0.1, 0.2, 0.5 m²); a fourth, dismissed, is outside the default filter.
        List<Long> ids = store.ingest("461", DriveInfo.of("filter", "truck-1"), List.of(
                observation(DamageType.POTHOLE, offset(ODENSE, 0, 0), 0.8f, 1, 0.1, "f.mp4", T0, crop),
                observation(DamageType.POTHOLE, offset(ODENSE, 60, 0), 0.8f, 2, 0.2, "f.mp4", T0.plusSeconds(1), crop),
                observation(DamageType.POTHOLE, offset(ODENSE, 120, 0), 0.8f, 3, 0.5, "f.mp4", T0.plusSeconds(2), crop),
                observation(DamageType.POTHOLE, offset(ODENSE, 180, 0), 0.8f, 4, 0.5, "f.mp4", T0.plusSeconds(3), crop)))
                .findingIds();
        jdbc.update("UPDATE finding SET status = 'dismissed' WHERE id = ?", ids.get(3));
        String token = token(Role.VIEWER, "viewer-filter-" + UUID.randomUUID().toString().substring(0, 6));
        signIn("/", token);
        await.until(ExpectedConditions.textToBePresentInElementLocated(By.id("count"), "3 fund"));
        assertThat(rows()).as("most severe first").containsExactly("#" + ids.get(2), "#" + ids.get(1), "#" + ids.get(0));

        new org.openqa.selenium.support.ui.Select(byId("min_severity")).selectByValue("3");
        browser.findElement(By.cssSelector("#filter button[type=submit]")).click();
        await.until(ExpectedConditions.textToBePresentInElementLocated(By.id("count"), "2 fund"));
        assertThat(browser.findElements(By.cssSelector("path.leaflet-interactive"))).hasSize(2);
        assertThat(rows()).containsExactly("#" + ids.get(2), "#" + ids.get(1));
        String url = browser.getCurrentUrl();
        assertThat(url).contains("min_severity=3").contains("status=open");

        byId("statuses").findElement(By.cssSelector("input[value=dismissed]")).click();
        new org.openqa.selenium.support.ui.Select(byId("min_severity")).selectByValue("4");
        browser.findElement(By.cssSelector("#filter button[type=submit]")).click();
        await.until(ExpectedConditions.textToBePresentInElementLocated(By.id("count"), "2 fund"));
        assertThat(rows()).containsExactlyInAnyOrder("#" + ids.get(2), "#" + ids.get(3));

        browser.get(url); // a shared link: the same filter, the same set
        await.until(ExpectedConditions.textToBePresentInElementLocated(By.id("count"), "2 fund"));
        assertThat(new org.openqa.selenium.support.ui.Select(byId("min_severity")).getFirstSelectedOption().getText())
                .isEqualTo("3");
        assertThat(rows()).containsExactly("#" + ids.get(2), "#" + ids.get(1));

        // Size: at least 0.3 m² leaves the 0.5 m² one.
        new org.openqa.selenium.support.ui.Select(byId("min_severity")).selectByValue("");
        byId("min_area_m2").sendKeys("0.3");
        browser.findElement(By.cssSelector("#filter button[type=submit]")).click();
        await.until(ExpectedConditions.textToBePresentInElementLocated(By.id("count"), "1 fund"));
        assertThat(rows()).containsExactly("#" + ids.get(2));
        assertThat(browser.getCurrentUrl()).contains("min_area_m2=0.3");
    }

    @Test
    void drivenTracksShowWhenTheRoadsWereInspected() {
        java.time.Instant when = java.time.Instant.now().minusSeconds(3 * 86400);
        List<dk.vejsyn.inference.frame.GeoTag> track = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            var p = offset(ODENSE, 50 * i, 0);
            track.add(new dk.vejsyn.inference.frame.GeoTag(p.lat(), p.lon(), 0, 8, when.plusSeconds(6L * i), 3, Double.NaN));
        }
        store.ingest("461", DriveInfo.fromFrames("tracked", "sweeper-2", track),
                List.of(observation(DamageType.POTHOLE, ODENSE, 0.8f, 1, 0.1, "t.mp4", when, realJpeg(64, 48))));
        String token = token(Role.VIEWER, "viewer-tracks-" + UUID.randomUUID().toString().substring(0, 6));
        signIn("/", token);
        await.until(ExpectedConditions.textToBePresentInElementLocated(By.id("count"), "1 fund"));
        int before = browser.findElements(By.cssSelector("path.leaflet-interactive")).size();
        byId("show-tracks").click();
        await.until(d -> d.findElements(By.cssSelector("path.leaflet-interactive")).size() == before + 1);
        assertThat(browser.findElement(By.cssSelector(".leaflet-control-attribution")).getText()).contains("OpenStreetMap");
    }

    @org.springframework.beans.factory.annotation.Autowired
    dk.vejsyn.api.road.RoadNetworkImport roadNetwork;

    @org.springframework.beans.factory.annotation.Autowired
    dk.vejsyn.api.road.RoadCoverage roadCoverage;

    @Test
    void theRoadLayerColoursStretchesByConditionAndDashesTheNotInspected(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        jdbc.execute("TRUNCATE road_segment_condition, road_segment_coverage, road_segment, road_network_import RESTART IDENTITY CASCADE");
        // Two 80 m roads (one stretch each): the first driven yesterday, the second never.
        StringBuilder geojson = new StringBuilder("{\"type\":\"FeatureCollection\",\"features\":[");
        for (int r = 0; r < 2; r++) {
            var a = offset(ODENSE, 0, 200 * r);
            var b = offset(ODENSE, 80, 200 * r);
            geojson.append(r == 0 ? "" : ",").append(String.format(java.util.Locale.ROOT, "{\"type\":\"Feature\",\"properties\":"
                    + "{\"name\":\"Vej %d\"},\"geometry\":{\"type\":\"LineString\",\"coordinates\":[[%f,%f],[%f,%f]]}}",
                    r, a.lon(), a.lat(), b.lon(), b.lat()));
        }
        java.nio.file.Path file = java.nio.file.Files.writeString(dir.resolve("roads.geojson"), geojson + "]}");
        roadNetwork.importFile("461", file, dk.vejsyn.api.road.RoadFiles.Options.DEFAULT, "test");
        java.time.Instant when = java.time.Instant.now().minusSeconds(86400);
        List<dk.vejsyn.inference.frame.GeoTag> track = new ArrayList<>();
        for (int i = 0; i <= 10; i++) {
            var p = offset(ODENSE, -5 + 9 * i, 1);
            track.add(new dk.vejsyn.inference.frame.GeoTag(p.lat(), p.lon(), 0, 8, when.plusSeconds(i), 3, Double.NaN));
        }
        store.ingest("461", DriveInfo.fromFrames("road-layer", "sweeper-3", track), List.of());
        assertThat(roadCoverage.driveFinished("461", "road-layer")).hasSize(1);
        String token = token(Role.VIEWER, "viewer-roads-" + UUID.randomUUID().toString().substring(0, 6));
        signIn("/", token);
        await.until(ExpectedConditions.textToBePresentInElementLocated(By.id("count"), "0 fund"));
        byId("show-roads").click();
        await.until(d -> !d.findElements(By.cssSelector("path.leaflet-interactive[stroke='#1a9641']")).isEmpty());
        assertThat(browser.findElements(By.cssSelector("path.leaflet-interactive[stroke='#777777'][stroke-dasharray]"))).hasSize(1);
    }

    @Test
    void anAreaDrawnOnTheMapFiltersListAndMapAndTravelsInTheLink() {
        List<Long> ids = store.ingest("461", DriveInfo.of("area", "truck-1"), List.of(
                observation(DamageType.POTHOLE, offset(ODENSE, 0, 0), 0.8f, 1, 0.1, "a.mp4", T0, realJpeg(64, 48)),
                observation(DamageType.POTHOLE, offset(ODENSE, 60, 0), 0.8f, 2, 0.1, "a.mp4", T0, realJpeg(64, 48)),
                observation(DamageType.POTHOLE, offset(ODENSE, 120, 0), 0.8f, 3, 0.1, "a.mp4", T0, realJpeg(64, 48))))
                .findingIds();
        String token = token(Role.VIEWER, "viewer-area-" + UUID.randomUUID().toString().substring(0, 6));
        signIn("/", token);
        await.until(ExpectedConditions.textToBePresentInElementLocated(By.id("count"), "3 fund"));

        byId("draw").click();
        WebElement map = byId("map");
        // Corners around the first two findings (south-west of the first, north-east of the second), clicked on the map.
        for (double[] ne : new double[][] {{-20, -20}, {80, -20}, {80, 20}, {-20, 20}}) {
            var corner = offset(ODENSE, ne[0], ne[1]);
            @SuppressWarnings("unchecked")
            Map<String, Object> pt = (Map<String, Object>) browser.executeScript(
                    "const p = map.latLngToContainerPoint([arguments[0], arguments[1]]); return {x: p.x, y: p.y};",
                    corner.lat(), corner.lon());
            int x = (int) Math.round(((Number) pt.get("x")).doubleValue() - map.getSize().getWidth() / 2.0);
            int y = (int) Math.round(((Number) pt.get("y")).doubleValue() - map.getSize().getHeight() / 2.0);
            new org.openqa.selenium.interactions.Actions(browser).moveToElement(map, x, y).click().perform();
        }
        byId("draw-done").click();
        await.until(ExpectedConditions.textToBePresentInElementLocated(By.id("count"), "2 fund"));
        assertThat(rows()).containsExactlyInAnyOrder("#" + ids.get(0), "#" + ids.get(1));
        String url = browser.getCurrentUrl();
        assertThat(url).contains("polygon=");

        browser.get(url);
        await.until(ExpectedConditions.textToBePresentInElementLocated(By.id("count"), "2 fund"));
        byId("draw-clear").click();
        await.until(ExpectedConditions.textToBePresentInElementLocated(By.id("count"), "3 fund"));
    }

    @Test
    void atLowZoomNearbyFindingsAreOneNumberedMarker() {
        List<Observation> obs = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            obs.add(observation(DamageType.POTHOLE, offset(ODENSE, 100 * (i / 6), 100 * (i % 6)), 0.8f, i, 0.1, "c.mp4",
                    T0.plusSeconds(i), realJpeg(64, 48)));
        }
        store.ingest("461", DriveInfo.of("cluster", "truck-1"), obs);
        String token = token(Role.VIEWER, "viewer-cluster-" + UUID.randomUUID().toString().substring(0, 6));
        signIn("/", token);
        await.until(ExpectedConditions.textToBePresentInElementLocated(By.id("count"), "30 fund"));
        browser.executeScript("map.setZoom(12, {animate: false})");
        List<Integer> counts = await.until(d -> {
            List<Integer> c = d.findElements(By.cssSelector(".cluster span")).stream().map(e -> Integer.parseInt(e.getText())).toList();
            return c.isEmpty() ? null : c;
        });
        int single = browser.findElements(By.cssSelector("path.leaflet-interactive")).size();
        assertThat(counts.stream().mapToInt(Integer::intValue).sum() + single).as("every finding, in a cluster or alone").isEqualTo(30);
        assertThat(counts.size() + single).as("fewer marks than findings").isLessThan(30);
        // Clusters in neighbouring cells may overlap at their edges: the click goes to the element itself.
        browser.executeScript("arguments[0].click()", browser.findElements(By.cssSelector(".cluster")).get(0));
        await.until(d -> (Long) ((JavascriptExecutor) d).executeScript("return map.getZoom()") > 12L);
        browser.executeScript("map.setZoom(18, {animate: false})");
        await.until(d -> d.findElements(By.cssSelector(".cluster")).isEmpty());
    }

    @Test
    void aPotholeIsACircleAndACrackASquare() {
        store.ingest("461", DriveInfo.of("types", "truck-1"), List.of(
                observation(DamageType.POTHOLE, offset(ODENSE, 0, 0), 0.8f, 1, 0.1, "t.mp4", T0, realJpeg(64, 48)),
                observation(DamageType.ALLIGATOR_CRACK, offset(ODENSE, 40, 0), 0.8f, 2, 0.6, "t.mp4", T0, realJpeg(64, 48))));
        String token = token(Role.VIEWER, "viewer-types-" + UUID.randomUUID().toString().substring(0, 6));
        signIn("/", token);
        await.until(ExpectedConditions.textToBePresentInElementLocated(By.id("count"), "2 fund"));
        assertThat(browser.findElements(By.cssSelector("path.leaflet-interactive"))).hasSize(1);
        assertThat(browser.findElements(By.cssSelector(".leaflet-marker-icon.crack"))).singleElement()
                .extracting(e -> e.getAttribute("title")).isEqualTo("Krakeleret belægning");
    }

    private List<String> rows() {
        return await.until(d -> {
            List<String> r = d.findElements(By.cssSelector("#list tbody tr td:first-child a")).stream()
                    .map(WebElement::getText).toList();
            return r.isEmpty() ? null : r;
        });
    }
}
