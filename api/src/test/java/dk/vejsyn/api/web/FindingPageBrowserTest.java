package dk.vejsyn.api.web;

import static dk.vejsyn.api.Fixtures.ODENSE;
import static dk.vejsyn.api.Fixtures.T0;
import static dk.vejsyn.api.Fixtures.observation;
import static dk.vejsyn.api.Fixtures.realJpeg;
import static org.assertj.core.api.Assertions.assertThat;

import dk.vejsyn.api.drive.DriveInfo;
import dk.vejsyn.api.security.Role;
import dk.vejsyn.inference.detect.DamageType;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

/**
 * A finding's page in a real browser: every sighting's crop, the history with who and when, a
 * status change with a note (a dismissal needs one) for planners only, and another
 * municipality's finding as absent as one that does not exist.
 */
class FindingPageBrowserTest extends BrowserTest {

    long id;
    long elsewhere;

    @BeforeEach
    void seed() {
        // Two sightings of one pothole (two drives), so the finding has two crops and a "seen again".
        store.ingest("461", DriveInfo.of("first", "truck-1"),
                List.of(observation(DamageType.POTHOLE, ODENSE, 0.8f, 1, 0.3, "a.mp4", T0, realJpeg(64, 48))));
        id = store.ingest("461", DriveInfo.of("second", "truck-2"),
                List.of(observation(DamageType.POTHOLE, ODENSE, 0.7f, 1, 0.3, "b.mp4", T0.plusSeconds(86400),
                        realJpeg(72, 54)))).findingIds().get(0);
        elsewhere = store.ingest("101", DriveInfo.of("kbh", "truck-9"),
                List.of(observation(DamageType.POTHOLE, ODENSE, 0.9f, 1, 0.3, "c.mp4", T0, realJpeg(64, 48)))).findingIds().get(0);
    }

    private void openAs(Role role, String name, long finding) {
        String token = token(role, name);
        signIn("/finding.html?id=" + finding, token);
    }

    @Test
    void sightingsHistoryAndAStatusChangeWithANote() throws Exception {
        String name = "planner-detail-" + UUID.randomUUID().toString().substring(0, 6);
        openAs(Role.PLANNER, name, id);
        await.until(ExpectedConditions.textToBePresentInElementLocated(By.id("title"), "Fund #" + id + ": Hul i vejen"));
        await.until(d -> (Long) browser.executeScript(
                "return [...document.querySelectorAll('#gallery img')].filter(i => i.complete && i.naturalWidth > 0).length") == 2L);
        assertThat(browser.findElement(By.id("timeline")).getText()).contains("Oprettet").contains("Set igen");

        Select to = new Select(browser.findElement(By.id("to")));
        assertThat(to.getOptions()).extracting(o -> o.getAttribute("value")).containsExactly("confirmed", "dismissed");
        to.selectByValue("dismissed");
        browser.findElement(By.cssSelector("#change button")).click();
        await.until(ExpectedConditions.textToBePresentInElementLocated(By.id("change-result"), "Skriv hvorfor"));
        assertThat(jdbc.queryForObject("SELECT status FROM finding WHERE id = ?", String.class, id)).isEqualTo("open");
        browser.findElement(By.id("note")).sendKeys("Dobbeltregistrering");
        browser.findElement(By.cssSelector("#change button")).click();
        await.until(ExpectedConditions.textToBePresentInElementLocated(By.id("status"), "Afvist"));
        await.until(ExpectedConditions.textToBePresentInElementLocated(By.id("timeline"), name + ": «Dobbeltregistrering»"));
        assertThat(jdbc.queryForObject("SELECT status FROM finding WHERE id = ?", String.class, id)).isEqualTo("dismissed");
        screenshot("finding");
    }

    @Test
    void aViewerCannotChangeAndAnotherMunicipalitysFindingDoesNotExist() {
        openAs(Role.VIEWER, "viewer-detail-" + UUID.randomUUID().toString().substring(0, 6), id);
        await.until(ExpectedConditions.textToBePresentInElementLocated(By.id("title"), "Fund #" + id));
        assertThat(browser.findElement(By.id("change-section")).isDisplayed()).isFalse();
        browser.get("http://127.0.0.1:" + port + "/finding.html?id=" + elsewhere);
        await.until(ExpectedConditions.textToBePresentInElementLocated(By.id("title"), "Fundet findes ikke"));
        assertThat(browser.findElements(By.cssSelector("#gallery img"))).isEmpty();
    }
}
