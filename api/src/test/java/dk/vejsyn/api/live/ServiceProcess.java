package dk.vejsyn.api.live;

import dk.vejsyn.api.PostgisIntegrationTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A service instance in a JVM of its own, as production runs it: {@code vejsyn serve --port 0}
 * ({@link dk.vejsyn.api.cli.VejsynMain}) on the test class path, against the tests' database
 * ({@link PostgisIntegrationTest#JDBC_URL}); the broker and the rest of the connection settings
 * come from the inherited environment ({@code VEJSYN_PG_*}, {@code VEJSYN_MQTT_*}). Service
 * settings are passed as system properties; its output goes to {@code target/<name>.log}.
 */
final class ServiceProcess implements AutoCloseable {
    private static final Pattern SERVING = Pattern.compile("Vejsyn is serving on http://localhost:(\\d+)/");
    /** System properties the test JVM got from Surefire that a service needs the same. */
    private static final List<String> INHERITED = List.of("ai.djl.offline", "ai.djl.pytorch.num_threads",
            "ai.djl.pytorch.num_interop_threads", "vejsyn.repo.root", "vejsyn.runtime.convolutions");

    final String name;
    final Path log;
    private final Process process;
    private int port;

    private ServiceProcess(String name, Path log, Process process) {
        this.name = name;
        this.log = log;
        this.process = process;
    }

    /** Starts {@code serve} on the tests' database with these service settings (property → value); does not wait for it. */
    static ServiceProcess start(String name, Map<String, String> settings) {
        return start(name, PostgisIntegrationTest.JDBC_URL, settings);
    }

    /** Starts {@code serve} on {@code jdbcUrl} with these service settings; does not wait for it. */
    static ServiceProcess start(String name, String jdbcUrl, Map<String, String> settings) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx768m");
        Map<String, String> props = new LinkedHashMap<>();
        for (String p : INHERITED) {
            if (System.getProperty(p) != null) {
                props.put(p, System.getProperty(p));
            }
        }
        props.put("spring.main.banner-mode", "off");
        props.putAll(settings);
        props.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.add("-cp");
        cmd.add(serviceClassPath());
        cmd.addAll(List.of("dk.vejsyn.api.cli.VejsynMain", "serve", "--port", "0", "--db", jdbcUrl));
        Path log = Path.of("target", name + ".log").toAbsolutePath();
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().put("DJL_OFFLINE", "true");
            pb.environment().putIfAbsent("OMP_WAIT_POLICY", "PASSIVE");
            return new ServiceProcess(name, log, pb.start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The test class path without the test classes (whose {@code application.properties} switches
     * live ingest off for in-JVM tests): the service's classes and its dependencies. Surefire
     * starts the test JVM through a manifest-only jar; the real class path is in
     * {@code surefire.test.class.path}.
     */
    private static String serviceClassPath() {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return java.util.Arrays.stream(cp.split(java.io.File.pathSeparator))
                .filter(e -> !Path.of(e).endsWith("test-classes"))
                .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
    }

    /** Waits until it serves HTTP (its port is then known); fails if it exits or takes longer. */
    ServiceProcess awaitServing(Duration timeout) throws InterruptedException {
        LiveFixtures.await(timeout, name + " serving (" + log + ")", () -> {
            if (!process.isAlive()) {
                // Its log is gone with the build directory on CI: the end of it goes into the failure.
                List<String> lines = output().lines().toList();
                throw new AssertionError(name + " exited with " + process.exitValue() + "; the end of " + log + ":\n"
                        + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size())));
            }
            Matcher m = SERVING.matcher(output());
            if (m.find()) {
                port = Integer.parseInt(m.group(1));
                return true;
            }
            return false;
        });
        return this;
    }

    int port() {
        return port;
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** The sum of this instance's Prometheus samples of {@code name} whose labels contain {@code label}. */
    double metric(String name, String label) throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(url() + "/actuator/prometheus")).timeout(Duration.ofSeconds(10))
                        .header("Authorization", dk.vejsyn.api.TestTokens.operator()).build(),
                HttpResponse.BodyHandlers.ofString());
        return r.body().lines().filter(l -> (l.startsWith(name + "{") || l.startsWith(name + " ")) && l.contains(label))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    /**
     * SIGSTOP: freezes the process where it is, mid-frame or mid-transaction, so that what it holds
     * in the database and the broker can be read without it moving on; {@link #resume} or
     * {@link #kill} follow. An open transaction of a frozen process stays uncommitted, and a kill
     * rolls it back, so what is read while frozen is exactly what the process leaves behind.
     */
    void pause() throws InterruptedException {
        signal("STOP");
    }

    /** SIGCONT after {@link #pause}. */
    void resume() throws InterruptedException {
        signal("CONT");
    }

    private void signal(String signal) throws InterruptedException {
        try {
            Process k = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
            if (!k.waitFor(10, TimeUnit.SECONDS) || k.exitValue() != 0) {
                throw new AssertionError("kill -" + signal + " " + process.pid() + " (" + name + ") failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SIGKILL: no shutdown hook, no graceful stop of jobs, leases or MQTT session. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError(name + " did not die within 30 s of SIGKILL");
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** SIGTERM (Spring's graceful stop), SIGKILL after 30 s. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }

    /** Closes every one of {@code services} (nulls skipped), even when one fails. */
    static void closeAll(ServiceProcess... services) throws InterruptedException {
        for (ServiceProcess s : services) {
            if (s != null) {
                try {
                    s.close();
                } catch (RuntimeException | AssertionError e) {
                    System.err.println("stopping " + s.name + ": " + e);
                }
            }
        }
    }
}
