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
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The app in English: with English chosen, every page, signed in with data on it, shows no
 * Danish word (none of æ, ø, å, nor a few common Danish words without them) and says the
 * expected English; the choice is kept and "Dansk" switches back.
 */
class EnglishBrowserTest extends BrowserTest {
    /** Danish words without æ/ø/å that the pages use (a missed translation shows up as one of these or an æ, ø, å). */
    static final Pattern DANISH = Pattern.compile("[æøåÆØÅ]|\\b(fund|Alvor|Sted|Hold|Dato|Kort|kommune|Vis|Gem|Ny|af|og|ikke|til)\\b");

    @Autowired
    dk.vejsyn.api.workorder.WorkOrders orders;

    @BeforeEach
    void seed() {
        List<Long> ids = store.ingest("461", DriveInfo.of("english", "truck-1"), List.of(
                observation(DamageType.POTHOLE, offset(ODENSE, 0, 0), 0.8f, 1, 0.3, "e.mp4", T0, realJpeg(64, 48)),
                observation(DamageType.POTHOLE, offset(ODENSE, 60, 0), 0.8f, 2, 0.3, "e.mp4", T0, realJpeg(64, 48))))
                .findingIds();
        store.changeStatus("461", ids.get(1), FindingStatus.CONFIRMED, "planner", "checked");
        orders.create("461", List.of(ids.get(1)), java.time.LocalDate.of(2026, 12, 10), "Crew 2", null, "planner");
    }

    @ParameterizedTest
    @CsvSource({
        "/, findings",
        "/triage.html, Finding 1 of 1",
        "/finding.html?id=1, Finding #1: Pothole",
        "/upload.html, Upload a drive",
        "/overview.html, Findings by status",
        "/workorder.html, 2026-12-10, Crew 2: 1 finding"})
    void everyPageInEnglish(String page, String expected) {
        browser.get("http://127.0.0.1:" + port + page);
        browser.executeScript("localStorage.setItem('vejsyn.lang', 'en')");
        browser.navigate().refresh();
        await.until(ExpectedConditions.visibilityOfElementLocated(By.id("token")));
        assertThat(browser.findElement(By.tagName("html")).getAttribute("lang")).isEqualTo("en");
        assertThat(browser.findElement(By.id("signin")).getText()).contains("Paste your access key");
        browser.findElement(By.id("token")).sendKeys(TestTokens.bearer(Role.PLANNER, "461").substring(7), Keys.ENTER);
        await.until(ExpectedConditions.invisibilityOfElementLocated(By.id("signin")));
        await.until(d -> d.findElement(By.tagName("body")).getText().contains(expected));
        await.until(d -> d.findElement(By.id("muni")).getText().startsWith("Municipality 461"));
        String text = browser.findElement(By.tagName("body")).getText() + "\n" + browser.getTitle();
        List<String> left = text.lines().filter(l -> DANISH.matcher(l).find()).toList();
        assertThat(left).as(page + ": lines still in Danish").isEmpty();

        browser.findElement(By.id("lang")).click();
        await.until(d -> "da".equals(d.findElement(By.tagName("html")).getAttribute("lang")));
        assertThat(browser.findElement(By.id("lang")).getText()).isEqualTo("English");
    }
}
