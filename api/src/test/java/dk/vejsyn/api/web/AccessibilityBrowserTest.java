package dk.vejsyn.api.web;

import static dk.vejsyn.api.Fixtures.ODENSE;
import static dk.vejsyn.api.Fixtures.T0;
import static dk.vejsyn.api.Fixtures.observation;
import static dk.vejsyn.api.Fixtures.realJpeg;
import static org.assertj.core.api.Assertions.assertThat;

import dk.vejsyn.api.TestTokens;
import dk.vejsyn.api.drive.DriveInfo;
import dk.vejsyn.api.security.Role;
import dk.vejsyn.inference.detect.DamageType;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * WCAG 2.1 AA (Danish public-sector sites must meet it): every page, signed out (the sign-in
 * dialog) and signed in, has no serious or critical violation by axe-core's rules.
 */
class AccessibilityBrowserTest extends BrowserTest {

    @BeforeEach
    void seed() {
        store.ingest("461", DriveInfo.of("a11y", "truck-1"),
                List.of(observation(DamageType.POTHOLE, ODENSE, 0.8f, 1, 0.3, "a.mp4", T0, realJpeg(64, 48))));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/triage.html", "/finding.html?id=1", "/upload.html", "/overview.html", "/workorder.html"})
    void noSeriousViolationSignedOutOrIn(String page) {
        browser.get("http://127.0.0.1:" + port + page);
        await.until(ExpectedConditions.visibilityOfElementLocated(By.id("token")));
        assertThat(Browsers.accessibilityViolations(browser)).as(page + ", sign-in").isEmpty();
        browser.findElement(By.id("token")).sendKeys(TestTokens.bearer(Role.PLANNER, "461").substring(7), Keys.ENTER);
        await.until(ExpectedConditions.invisibilityOfElementLocated(By.id("signin")));
        await.until(ExpectedConditions.textToBePresentInElementLocated(By.id("muni"), "461"));
        assertThat(Browsers.accessibilityViolations(browser)).as(page + ", signed in").isEmpty();
    }
}
