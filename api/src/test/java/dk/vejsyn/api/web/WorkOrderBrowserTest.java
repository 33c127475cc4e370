package dk.vejsyn.api.web;

import static dk.vejsyn.api.Fixtures.ODENSE;
import static dk.vejsyn.api.Fixtures.T0;
import static dk.vejsyn.api.Fixtures.offset;
import static dk.vejsyn.api.Fixtures.observation;
import static dk.vejsyn.api.Fixtures.realJpeg;
import static org.assertj.core.api.Assertions.assertThat;

import dk.vejsyn.api.TestTokens;
import dk.vejsyn.api.drive.DriveInfo;
import dk.vejsyn.api.finding.FindingStatus;
import dk.vejsyn.api.security.Role;
import dk.vejsyn.inference.detect.DamageType;
import dk.vejsyn.inference.geo.Observation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * Planning a repair run in the browser: confirmed findings are picked, scheduled for a crew on a
 * date, and the printable work order shows them numbered with coordinates and crops, ten to a
 * printed page, with CSV of the same set; an open finding cannot be scheduled (nothing changes).
 */
class WorkOrderBrowserTest extends BrowserTest {

    List<Long> ids;

    @BeforeEach
    void seed() {
        List<Observation> obs = new ArrayList<>();
        byte[] crop = realJpeg(60, 40);
        for (int i = 0; i < 12; i++) {
            obs.add(observation(DamageType.POTHOLE, offset(ODENSE, 30 * i, 0), 0.8f, i, 0.1 + 0.05 * i, "w.mp4",
                    T0.plusSeconds(i), crop));
        }
        ids = store.ingest("461", DriveInfo.of("workorder", "truck-1"), obs).findingIds();
        for (long id : ids.subList(0, 11)) {
            store.changeStatus("461", id, FindingStatus.CONFIRMED, "planner", null);
        }
    }

    @Test
    void confirmedFindingsBecomeAPrintableWorkOrder() throws Exception {
        signIn("/workorder.html", TestTokens.bearer(Role.PLANNER, "461").substring(7));
        await.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("input[name=finding]"), 11));
        for (var box : browser.findElements(By.cssSelector("input[name=finding]"))) {
            box.click();
        }
        browser.findElement(By.id("planned")).sendKeys(Keys.chord(Keys.CONTROL, "a"));
        browser.executeScript("document.getElementById('planned').value = '2026-12-10'");
        browser.findElement(By.id("crew")).sendKeys("Hold 2");
        browser.findElement(By.id("note")).sendKeys("Koldasfalt med");
        browser.findElement(By.cssSelector("#plan button[type=submit]")).click();

        await.until(ExpectedConditions.textToBePresentInElementLocated(By.id("title"), "Arbejdsordre #"));
        assertThat(browser.findElement(By.id("meta")).getText()).contains("2026-12-10").contains("Hold 2").contains("Koldasfalt");
        List<String> numbers = browser.findElements(By.cssSelector(".sheet tbody tr td:first-child")).stream()
                .map(e -> e.getText()).toList();
        assertThat(numbers).hasSize(11).startsWith("1", "2").endsWith("11");
        assertThat(browser.findElements(By.cssSelector(".sheet"))).as("ten to a printed page").hasSize(2);
        assertThat(browser.findElements(By.cssSelector("#extract .number"))).hasSize(11);
        await.until(d -> (Long) browser.executeScript(
                "return [...document.querySelectorAll('.sheet img')].filter(i => i.complete && i.naturalWidth > 0).length") == 11L);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM finding WHERE status = 'scheduled'", Integer.class)).isEqualTo(11);
        assertThat(jdbc.queryForList("SELECT DISTINCT note FROM finding_event WHERE to_status = 'scheduled'", String.class))
                .singleElement().asString().contains("2026-12-10, Hold 2");

        String csv = (String) browser.executeAsyncScript(
                "const done = arguments[0]; fetch(document.getElementById('csv').href).then(r => r.text()).then(done);");
        assertThat(csv.lines()).hasSize(12).first().asString().startsWith("nr;fund;type");

        // Printed: no navigation or buttons, a page break after each sheet but the last.
        browser.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("media", "print"));
        assertThat(browser.findElement(By.cssSelector("header nav")).isDisplayed()).isFalse();
        assertThat(browser.findElement(By.id("print")).isDisplayed()).isFalse();
        assertThat(browser.executeScript("return getComputedStyle(document.querySelector('.sheet')).breakAfter"))
                .isEqualTo("page");
        screenshot("workorder-print");
    }

    @Test
    void anOpenFindingCannotBeScheduledAndNothingChanges() throws Exception {
        var http = java.net.http.HttpClient.newHttpClient();
        var r = http.send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + port + "/api/v1/municipalities/461/work-orders"))
                .header("Authorization", TestTokens.bearer(Role.PLANNER, "461")).header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"findingIds\":[" + ids.get(0) + "," + ids.get(11)
                        + "],\"plannedFor\":\"2026-12-10\",\"crew\":\"Hold 1\"}")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(409);
        assertThat(r.body()).contains("invalid-transition").contains("open");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM finding WHERE status = 'scheduled'", Integer.class)).isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM work_order", Integer.class)).isZero();
    }
}
