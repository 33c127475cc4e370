package dk.vejsyn.api.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** Debian's headless chromium for the browser tests ({@code bin/test} installs chromium and chromium-driver). */
final class Browsers {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    private Browsers() {}

    static ChromeDriver chromium() {
        assertThat(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER))
                .as("chromium and chromium-driver are installed (bin/test installs them: apt-get install chromium chromium-driver)")
                .isTrue();
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                        "--window-size=1200,900", "--lang=da-DK");
        // The driver by path: Selenium Manager would try to download one (no network here).
        return new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).build(), options);
    }

    /**
     * The page's serious and critical accessibility violations (WCAG 2.1 A/AA rules of axe-core,
     * run in the page), one line each: rule, impact, the elements. Empty when there are none.
     */
    @SuppressWarnings("unchecked")
    static java.util.List<String> accessibilityViolations(ChromeDriver browser) {
        String axe;
        try (java.io.InputStream in = Browsers.class.getResourceAsStream(
                "/META-INF/resources/webjars/axe-core/" + AXE_VERSION + "/axe.min.js")) {
            assertThat(in).as("axe-core webjar on the test class path").isNotNull();
            axe = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        browser.executeScript(axe);
        browser.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
        java.util.List<java.util.Map<String, Object>> violations = (java.util.List<java.util.Map<String, Object>>)
                browser.executeAsyncScript("""
                    const done = arguments[arguments.length - 1];
                    axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})
                       .then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                             nodes: v.nodes.map(n => n.target.join(' ')).join(', ')}))))
                       .catch(e => done([{id: 'axe-error', impact: 'critical', help: String(e), nodes: ''}]));""");
        return violations.stream().filter(v -> "serious".equals(v.get("impact")) || "critical".equals(v.get("impact")))
                .map(v -> v.get("id") + " (" + v.get("impact") + "): " + v.get("help") + " — " + v.get("nodes")).toList();
    }

    /** The axe-core webjar's version (the parent POM's {@code axe-core.version}). */
    static final String AXE_VERSION = "4.6.3";

    static WebDriverWait await(ChromeDriver browser) {
        return new WebDriverWait(browser, Duration.ofSeconds(20));
    }
}
