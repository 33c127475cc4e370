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
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * Triage in a real browser: a planner works through the queue of new findings by severity —
 * confirms one with the keyboard, dismisses one with a reason, skips one — and the store shows
 * each decision under the planner's token name; a viewer sees the queue without the buttons; the
 * "possibly repaired" queue closes a finding as repaired.
 */
class TriageBrowserTest extends BrowserTest {

    long severe;
    long middle;
    long slight;

    @BeforeEach
    void seed() {
        byte[] crop = realJpeg(80, 60);
        // Areas 0.5, 0.2 and 0.1 m² give severities 4, 3 and 2: the queue's order.
        List<Long> ids = store.ingest("461", DriveInfo.of("triage", "truck-1"), List.of(
                observation(DamageType.POTHOLE, offset(ODENSE, 0, 0), 0.8f, 1, 0.1, "t.mp4", T0, crop),
                observation(DamageType.POTHOLE, offset(ODENSE, 50, 0), 0.8f, 2, 0.5, "t.mp4", T0.plusSeconds(1), crop),
                observation(DamageType.POTHOLE, offset(ODENSE, 100, 0), 0.8f, 3, 0.2, "t.mp4", T0.plusSeconds(2), crop)))
                .findingIds();
        slight = ids.get(0);
        severe = ids.get(1);
        middle = ids.get(2);
    }

    private void signIn(String token) {
        signIn("/triage.html", token);
    }

    private String text(String id) {
        return browser.findElement(By.id(id)).getText();
    }

    private String status(long id) {
        return jdbc.queryForObject("SELECT status FROM finding WHERE id = ?", String.class, id);
    }

    @Test
    void aPlannerConfirmsDismissesWithAReasonAndSkips() throws Exception {
        String name = "planner-triage-" + UUID.randomUUID().toString().substring(0, 6);
        signIn(token(Role.PLANNER, name));
        await.until(ExpectedConditions.textToBePresentInElementLocated(By.id("progress"), "Fund 1 af 3"));
        assertThat(text("facts")).as("most severe first").contains("#" + severe).contains("4 af 5");
        await.until(d -> (Boolean) d.findElement(By.id("evidence")).getAttribute("src").startsWith("blob:"));
        screenshot("triage-queue");

        new Actions(browser).sendKeys("b").perform();
        await.until(ExpectedConditions.textToBePresentInElementLocated(By.id("progress"), "Fund 1 af 2"));
        assertThat(status(severe)).isEqualTo("confirmed");
        assertThat(text("facts")).contains("#" + middle);

        browser.findElement(By.id("dismiss")).click();
        WebElement reason = await.until(ExpectedConditions.visibilityOfElementLocated(By.id("reason")));
        browser.findElement(By.id("reason-submit")).click();
        assertThat(status(middle)).as("no dismissal without a reason").isEqualTo("open");
        reason.sendKeys("Kloakdæksel, ikke et hul");
        browser.findElement(By.id("reason-submit")).click();
        await.until(ExpectedConditions.textToBePresentInElementLocated(By.id("progress"), "Fund 1 af 1"));
        assertThat(status(middle)).isEqualTo("dismissed");
        assertThat(jdbc.queryForObject("SELECT actor || ': ' || note FROM finding_event WHERE finding_id = ? "
                + "AND kind = 'status_changed'", String.class, middle)).isEqualTo(name + ": Kloakdæksel, ikke et hul");

        new Actions(browser).sendKeys("s").perform();
        await.until(ExpectedConditions.textToBePresentInElementLocated(By.id("progress"), "gennemgået"));
        assertThat(status(slight)).as("skipped, still waiting").isEqualTo("open");

        jdbc.update("UPDATE finding SET status = 'possibly_repaired' WHERE id = ?", slight);
        browser.findElement(By.id("tab-possibly")).click();
        await.until(ExpectedConditions.textToBePresentInElementLocated(By.id("facts"), "#" + slight));
        assertThat(text("confirm")).contains("Udbedret");
        browser.findElement(By.id("confirm")).click();
        await.until(ExpectedConditions.textToBePresentInElementLocated(By.id("progress"), "gennemgået"));
        assertThat(status(slight)).isEqualTo("repaired");
    }

    @Test
    void aViewerSeesTheQueueWithoutTheButtons() throws Exception {
        signIn(token(Role.VIEWER, "viewer-triage-" + UUID.randomUUID().toString().substring(0, 6)));
        await.until(ExpectedConditions.textToBePresentInElementLocated(By.id("progress"), "Fund 1 af 3"));
        assertThat(browser.findElement(By.id("confirm")).isDisplayed()).isFalse();
        assertThat(browser.findElement(By.id("dismiss")).isDisplayed()).isFalse();
        assertThat(browser.findElement(By.id("readonly")).isDisplayed()).isTrue();
        new Actions(browser).sendKeys("b").perform();
        new Actions(browser).sendKeys("s").perform();
        await.until(ExpectedConditions.textToBePresentInElementLocated(By.id("progress"), "Fund 2 af 3"));
        assertThat(status(severe)).as("the shortcut does nothing for a viewer").isEqualTo("open");
        screenshot("triage-viewer");
    }
}
