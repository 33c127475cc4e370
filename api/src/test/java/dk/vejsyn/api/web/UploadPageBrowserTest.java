package dk.vejsyn.api.web;

import static org.assertj.core.api.Assertions.assertThat;

import dk.vejsyn.api.TestTokens;
import dk.vejsyn.api.security.Role;
import dk.vejsyn.api.upload.UploadClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

/**
 * Uploading a drive from the browser: a zip of the sample drive's geotagged photos goes up with a
 * progress bar, the job runs on the real model and the page shows its result; a corrupt upload
 * is refused with the service's reason and nothing is queued; a viewer gets no form.
 */
@Tag("browser")
@TestPropertySource(properties = {
    "jobrunr.background-job-server.enabled=true",
    "vejsyn.jobs.spool-dir=target/test-spool/browser",
    "vejsyn.jobs.chunk-frames=4"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS) // its job server must not take other tests' jobs
class UploadPageBrowserTest extends BrowserTest {

    Path zip;

    @BeforeEach
    void writeZip() throws Exception {
        zip = Files.createTempFile("drive", ".zip");
        Files.write(zip, UploadClient.sampleImagesZip(30));
    }

    @AfterEach
    void deleteZip() throws Exception {
        Files.deleteIfExists(zip);
    }

    private void signIn(String bearer) {
        signIn("/upload.html", bearer.substring(7));
    }

    @Test
    void aPlannerUploadsPhotosAndSeesTheJobFinish() throws Exception {
        signIn(TestTokens.bearer(Role.PLANNER, "461"));
        String ref = "browser-" + UUID.randomUUID();
        browser.findElement(By.id("images")).sendKeys(zip.toAbsolutePath().toString());
        browser.findElement(By.id("vehicle")).sendKeys("van-3");
        browser.findElement(By.id("driveRef")).sendKeys(ref);
        browser.findElement(By.cssSelector("#upload button[type=submit]")).click();
        new WebDriverWait(browser, Duration.ofMinutes(4))
                .until(ExpectedConditions.textToBePresentInElementLocated(By.id("state"), "Færdig"));
        assertThat(browser.findElement(By.id("sent")).getAttribute("value")).isEqualTo("100");
        assertThat(browser.findElement(By.id("done")).getAttribute("value")).isEqualTo("100");
        assertThat(browser.findElement(By.id("state")).getText()).contains("observationer").contains("nye fund");
        assertThat(jdbc.queryForObject("SELECT state FROM upload_job WHERE drive_ref = ?", String.class, ref))
                .isEqualTo("succeeded");
        assertThat(jdbc.queryForObject("SELECT vehicle FROM drive WHERE external_ref = ?", String.class, ref)).isEqualTo("van-3");
        screenshot("upload");

        // The drive's findings in triage and on their own page, with the crops the model cut from
        // the sample footage (the README's screenshots come from here).
        browser.get("http://127.0.0.1:" + port + "/triage.html");
        await.until(ExpectedConditions.textToBePresentInElementLocated(By.id("progress"), "Fund 1 af"));
        await.until(d -> d.findElement(By.id("evidence")).getAttribute("src") != null
                && (Boolean) browser.executeScript("return document.getElementById('evidence').naturalWidth > 0"));
        screenshot("triage-sample-drive");
        long first = jdbc.queryForObject("SELECT min(o.finding_id) FROM observation o JOIN drive d ON d.id = o.drive_id "
                + "WHERE d.external_ref = ?", Long.class, ref);
        browser.get("http://127.0.0.1:" + port + "/finding.html?id=" + first);
        await.until(d -> (Long) browser.executeScript(
                "return [...document.querySelectorAll('#gallery img')].filter(i => i.complete && i.naturalWidth > 0).length") > 0);
        screenshot("finding-sample-drive");
    }

    @Test
    void aCorruptUploadIsRefusedWithTheReasonAndAViewerHasNoForm() throws Exception {
        signIn(TestTokens.bearer(Role.PLANNER, "461"));
        Path bad = Files.createTempFile("broken", ".zip");
        int jobsBefore = jdbc.queryForObject("SELECT count(*) FROM upload_job", Integer.class);
        try {
            Files.write(bad, new byte[] {'P', 'K', 3, 4, 0, 0, 0});
            browser.findElement(By.id("images")).sendKeys(bad.toAbsolutePath().toString());
            browser.findElement(By.cssSelector("#upload button[type=submit]")).click();
            await.until(ExpectedConditions.textToBePresentInElementLocated(By.id("problem"), "Kørslen blev ikke modtaget"));
            assertThat(browser.findElement(By.id("problem")).getText()).contains("images");
            assertThat(jdbc.queryForObject("SELECT count(*) FROM upload_job", Integer.class)).isEqualTo(jobsBefore);
        } finally {
            Files.deleteIfExists(bad);
        }
        browser.executeScript("sessionStorage.clear()");
        signIn(TestTokens.bearer(Role.VIEWER, "461"));
        await.until(ExpectedConditions.visibilityOfElementLocated(By.id("readonly")));
        assertThat(browser.findElement(By.id("upload")).isDisplayed()).isFalse();
    }
}
