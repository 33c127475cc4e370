package dk.vejsyn.api.web;

import static dk.vejsyn.api.Fixtures.ODENSE;
import static dk.vejsyn.api.Fixtures.T0;
import static dk.vejsyn.api.Fixtures.offset;
import static dk.vejsyn.api.Fixtures.observation;
import static org.assertj.core.api.Assertions.assertThat;

import dk.vejsyn.api.TestTokens;
import dk.vejsyn.api.drive.DriveInfo;
import dk.vejsyn.api.finding.FindingStatus;
import dk.vejsyn.api.security.Role;
import dk.vejsyn.inference.detect.DamageType;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;
import java.time.DayOfWeek;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.support.ui.ExpectedConditions;

/** The overview: counts by status and by severity, new against repaired per week, as the store has them. */
class OverviewBrowserTest extends BrowserTest {

    private String cell(String attribute, String value) {
        return browser.findElement(By.cssSelector("td[" + attribute + "='" + value + "']")).getText();
    }

    @Test
    void countsAndWeeksAsTheStoreHasThem() throws Exception {
        // Severities 2, 4, 4 (0.1, 0.5, 0.5 m²): one repaired this week, one dismissed, one open.
        List<Long> ids = store.ingest("461", DriveInfo.of("overview", "truck-1"), List.of(
                observation(DamageType.POTHOLE, offset(ODENSE, 0, 0), 0.8f, 1, 0.1, "o.mp4", T0),
                observation(DamageType.POTHOLE, offset(ODENSE, 60, 0), 0.8f, 2, 0.5, "o.mp4", T0),
                observation(DamageType.POTHOLE, offset(ODENSE, 120, 0), 0.8f, 3, 0.5, "o.mp4", T0))).findingIds();
        for (FindingStatus s : List.of(FindingStatus.CONFIRMED, FindingStatus.SCHEDULED, FindingStatus.REPAIRED)) {
            store.changeStatus("461", ids.get(1), s, "crew-1", null);
        }
        store.changeStatus("461", ids.get(2), FindingStatus.DISMISSED, "planner", "patch, not a hole");

        signIn("/overview.html", TestTokens.bearer(Role.VIEWER, "461").substring(7));
        await.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("td[data-status='open']")));
        assertThat(cell("data-status", "open")).isEqualTo("1");
        assertThat(cell("data-status", "repaired")).isEqualTo("1");
        assertThat(cell("data-status", "dismissed")).isEqualTo("1");
        assertThat(cell("data-severity", "2")).as("only the open one is active").isEqualTo("1");
        assertThat(cell("data-severity", "4")).isEqualTo("0");
        String weekly = browser.findElement(By.id("weekly")).getText();
        String thisWeek = LocalDate.now(ZoneOffset.UTC).with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)).toString();
        String seenWeek = T0.atZone(ZoneOffset.UTC).toLocalDate().with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY))
                .toString();
        assertThat(weekly).contains(thisWeek + " 0 1").contains(seenWeek + " 3 0");
        assertThat(browser.findElements(By.cssSelector("#chart rect"))).hasSize(24);
        screenshot("overview");
    }
}
