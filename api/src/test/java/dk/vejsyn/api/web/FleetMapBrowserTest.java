package dk.vejsyn.api.web;

import static dk.vejsyn.api.Fixtures.ODENSE;
import static dk.vejsyn.api.Fixtures.offset;
import static dk.vejsyn.api.Fixtures.observation;
import static dk.vejsyn.api.Fixtures.realJpeg;
import static org.assertj.core.api.Assertions.assertThat;

import dk.vejsyn.api.drive.DriveInfo;
import dk.vejsyn.api.fleet.FleetStore;
import dk.vejsyn.api.fleet.Heartbeat;
import dk.vejsyn.api.security.Role;
import dk.vejsyn.inference.detect.DamageType;
import dk.vejsyn.inference.geo.LatLon;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The map's vehicle layer: an admin switches it on and sees where each vehicle unit last reported,
 * a vehicle not heard from lately in grey, its report in a popup; other roles are not offered it.
 */
class FleetMapBrowserTest extends BrowserTest {

    @org.springframework.beans.factory.annotation.Autowired
    FleetStore fleet;

    private int municipality() {
        return jdbc.queryForObject("SELECT id FROM municipality WHERE code = '461'", Integer.class);
    }

    @Test
    void anAdminSeesWhereEachVehicleLastReportedAndOthersAreNotOfferedTheLayer() {
        store.ingest("461", DriveInfo.of("fleet-map", "truck-1"),
                List.of(observation(DamageType.POTHOLE, ODENSE, 0.8f, 1, 0.1, "f.mp4", Instant.now(), realJpeg(64, 48))));
        String fresh = "truck-" + UUID.randomUUID().toString().substring(0, 6);
        String quiet = "van-" + UUID.randomUUID().toString().substring(0, 6);
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        LatLon a = offset(ODENSE, 30, 10);
        LatLon b = offset(ODENSE, -30, -10);
        fleet.record(municipality(), fresh, new Heartbeat(now, a.lat(), a.lon(), "0.1.0", "edge", 12L, 345_678L, 0L, null),
                "mqtt", now);
        fleet.record(municipality(), quiet, new Heartbeat(now.minusSeconds(3600), b.lat(), b.lon(), "0.1.0", "stream", 4000L,
                90_000_000L, 17L, "broker unreachable"), "http", now.minusSeconds(3600));

        signIn("/", token(Role.ADMIN, "admin-fleet-" + UUID.randomUUID().toString().substring(0, 6)));
        await.until(ExpectedConditions.textToBePresentInElementLocated(By.id("count"), "1 fund"));
        WebElement toggle = browser.findElement(By.id("show-vehicles"));
        assertThat(toggle.isDisplayed()).isTrue();
        assertThat(browser.findElements(By.cssSelector(".vehicle-marker"))).isEmpty();
        toggle.click();
        await.until(d -> d.findElements(By.cssSelector(".vehicle-marker")).size() == 2);
        assertThat(browser.findElements(By.cssSelector(".vehicle-marker.stale"))).hasSize(1);

        browser.executeScript("vehicles.eachLayer(l => { if (l.getTooltip().getContent() === arguments[0]) l.openPopup(); });", quiet);
        WebElement popup = await.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".leaflet-popup-content")));
        assertThat(popup.getText()).contains("Køretøj " + quiet).contains("Ikke hørt fra i over 5 min")
                .contains("Udbakke: 4000 emner, 90000 kB").contains("Tabt: 17").contains("Sidste fejl: broker unreachable");
        screenshot("fleet-map");

        toggle.click();
        await.until(d -> d.findElements(By.cssSelector(".vehicle-marker")).isEmpty());

        // A planner is not offered the layer (the API would refuse it the fleet).
        browser.findElement(By.id("signout")).click();
        browser.findElement(By.id("token")).sendKeys(token(Role.PLANNER, "planner-fleet-" + UUID.randomUUID().toString().substring(0, 6)),
                org.openqa.selenium.Keys.ENTER);
        await.until(ExpectedConditions.invisibilityOfElementLocated(By.id("signin")));
        await.until(ExpectedConditions.textToBePresentInElementLocated(By.id("count"), "1 fund"));
        assertThat(browser.findElement(By.id("show-vehicles")).isDisplayed()).isFalse();
        assertThat(browser.findElements(By.cssSelector(".vehicle-marker"))).isEmpty();
    }
}
