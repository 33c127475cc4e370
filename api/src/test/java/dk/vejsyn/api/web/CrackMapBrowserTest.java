package dk.vejsyn.api.web;

import static dk.vejsyn.api.CrackFixtures.crack;
import static dk.vejsyn.api.CrackFixtures.longitudinal;
import static dk.vejsyn.api.Fixtures.ODENSE;
import static dk.vejsyn.api.Fixtures.T0;
import static dk.vejsyn.api.Fixtures.offset;
import static dk.vejsyn.api.Fixtures.observation;
import static dk.vejsyn.api.Fixtures.realJpeg;
import static org.assertj.core.api.Assertions.assertThat;

import dk.vejsyn.api.drive.DriveInfo;
import dk.vejsyn.api.security.Role;
import dk.vejsyn.inference.detect.DamageType;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

/**
 * Cracks on the map page (headless chromium, findings fed straight to the store, no model): the
 * legend names them, the map draws them as squares and potholes as circles, the list names their
 * kind, the type filter takes them all, and a crack's popup gives its length — in Danish and English.
 */
class CrackMapBrowserTest extends BrowserTest {

    private List<String> listTypes() {
        return await.until(d -> {
            List<String> r = d.findElements(By.cssSelector("#list tbody tr td:nth-child(2)")).stream()
                    .map(WebElement::getText).toList();
            return r.isEmpty() ? null : r;
        });
    }

    @Test
    void cracksShowInTheLegendTheListAndTheMapApartFromPotholes() {
        byte[] crop = realJpeg(64, 48);
        List<Long> ids = store.ingest("461", DriveInfo.of("cracks", "truck-1"), List.of(
                observation(DamageType.POTHOLE, ODENSE, 0.8f, 1, 0.2, "c.mp4", T0, crop),
                longitudinal(offset(ODENSE, 40, 0), 0.7f, 2, 3.0),
                crack(DamageType.ALLIGATOR_CRACK, offset(ODENSE, 80, 0), 0, 0.7f, 3, 1.6, 1.8, "c.mp4", T0, crop)))
                .findingIds();
        signIn("/", token(Role.VIEWER, "viewer-cracks-" + UUID.randomUUID().toString().substring(0, 6)));
        await.until(ExpectedConditions.textToBePresentInElementLocated(By.id("count"), "3 fund"));

        WebElement legend = browser.findElement(By.id("legend"));
        assertThat(legend.getText()).contains("Hul i vejen").contains("Revner");
        assertThat(legend.findElements(By.cssSelector(".symbol-crack.square"))).hasSize(1);
        assertThat(listTypes()).containsExactlyInAnyOrder("Hul i vejen", "Længderevne", "Krakeleret belægning");
        // A pothole is a circle (an SVG path), each crack a square marker naming its kind.
        assertThat(browser.findElements(By.cssSelector("path.leaflet-interactive"))).hasSize(1);
        List<WebElement> squares = browser.findElements(By.cssSelector(".leaflet-marker-icon.crack"));
        assertThat(squares).extracting(e -> e.getAttribute("title"))
                .containsExactlyInAnyOrder("Længderevne", "Krakeleret belægning");
        screenshot("map-cracks");

        new Select(browser.findElement(By.id("type"))).selectByValue("crack");
        browser.findElement(By.cssSelector("#filter button[type=submit]")).click();
        await.until(ExpectedConditions.textToBePresentInElementLocated(By.id("count"), "2 fund"));
        assertThat(listTypes()).containsExactlyInAnyOrder("Længderevne", "Krakeleret belægning");
        assertThat(browser.getCurrentUrl()).contains("type=crack");
        assertThat(browser.findElements(By.cssSelector("path.leaflet-interactive"))).isEmpty();

        // The longitudinal crack's popup: its kind and its length.
        browser.findElement(By.cssSelector("#list button[data-id='" + ids.get(1) + "']")).click();
        WebElement popup = await.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".popup")));
        assertThat(popup.getText()).contains("Længderevne").contains("Størrelse").contains("3.00 m lang");

        // In English, the same page names cracks in English.
        ((JavascriptExecutor) browser).executeScript("localStorage.setItem('vejsyn.lang', 'en')");
        browser.navigate().refresh();
        await.until(ExpectedConditions.textToBePresentInElementLocated(By.id("count"), "2 findings"));
        assertThat(browser.findElement(By.id("legend")).getText()).contains("Pothole").contains("Cracks");
        assertThat(listTypes()).containsExactlyInAnyOrder("Longitudinal crack", "Alligator cracking");
        browser.findElement(By.cssSelector("#list button[data-id='" + ids.get(1) + "']")).click();
        WebElement english = await.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".popup")));
        await.until(ExpectedConditions.textToBePresentInElement(english, "3.00 m long"));
        ((JavascriptExecutor) browser).executeScript("localStorage.removeItem('vejsyn.lang')");
    }
}
