package dk.vejsyn.api.web;

import dk.vejsyn.api.PostgisIntegrationTest;
import dk.vejsyn.api.finding.FindingStore;
import dk.vejsyn.api.security.ApiTokens;
import dk.vejsyn.api.security.Role;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A test of the planner's pages in Debian's headless chromium against the running service: a
 * browser per test, real tokens, screenshots under {@code target/screenshots}.
 */
@Tag("browser")
abstract class BrowserTest extends PostgisIntegrationTest {
    @LocalServerPort
    protected int port;

    @Autowired
    protected FindingStore store;

    protected ChromeDriver browser;
    protected WebDriverWait await;

    @BeforeEach
    void startBrowser() {
        browser = Browsers.chromium();
        await = Browsers.await(browser);
    }

    @AfterEach
    void quitBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    /** A new token of municipality 461 named {@code name}, as {@code vejsyn token create} makes it. */
    protected String token(Role role, String name) {
        return new ApiTokens(JdbcClient.create(jdbc.getDataSource()), Clock.systemUTC())
                .create(new ApiTokens.Request(name, role, "461", null, null, "test")).secret();
    }

    /** Opens {@code path} (e.g. {@code /triage.html}) and signs in with {@code token} in the page's sign-in dialog. */
    protected void signIn(String path, String token) {
        browser.get("http://127.0.0.1:" + port + path);
        await.until(ExpectedConditions.visibilityOfElementLocated(By.id("token"))).sendKeys(token, Keys.ENTER);
        await.until(ExpectedConditions.invisibilityOfElementLocated(By.id("signin")));
    }

    /** Saves what the browser shows as {@code target/screenshots/<name>.png} (not committed). */
    protected void screenshot(String name) {
        try {
            Path dir = Path.of("target/screenshots");
            Files.createDirectories(dir);
            Files.write(dir.resolve(name + ".png"), browser.getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
