package dk.vejsyn.inference.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Locale;

/**
 * Writing {@code bench}'s figures: the machine line every section starts with, medians, and
 * replacing one section of {@code docs/BENCHMARKS.md} while keeping the others. Apart from
 * {@link BenchCommand}, which measures.
 */
final class BenchReport {
    private BenchReport() {}

    /** Date, host, cores, CPU model, Java, heap, the settings that change speed, and the runtime's choice. */
    static String machine() {
        return String.format(Locale.ROOT, "Run %s on `%s`: %d cores, %s, Java %s, JVM max heap %d MiB, OMP_WAIT_POLICY=%s, "
                        + "ONEDNN_MAX_CPU_ISA=%s.%n%s.%n",
                LocalDate.now(), host(), Runtime.getRuntime().availableProcessors(), cpuModel(),
                System.getProperty("java.version"), Runtime.getRuntime().maxMemory() >> 20,
                System.getenv().getOrDefault("OMP_WAIT_POLICY", "default"),
                System.getenv().getOrDefault("ONEDNN_MAX_CPU_ISA", "unset"),
                dk.vejsyn.inference.detect.TorchRuntime.status().summary());
    }

    /** Replaces the section starting with {@code heading} (up to the next "## "), or appends it. */
    static void writeSection(Path file, String heading, String section) {
        try {
            String existing = Files.exists(file) ? Files.readString(file) : "# Benchmarks\n\n";
            int start = existing.indexOf(heading);
            String updated;
            if (start < 0) {
                updated = existing.stripTrailing() + "\n\n" + section;
            } else {
                int end = existing.indexOf("\n## ", start + heading.length());
                updated = existing.substring(0, start) + section.stripTrailing() + "\n"
                        + (end < 0 ? "" : existing.substring(end));
            }
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, updated, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /** "1.00, 2.50, …" for a table cell. */
    static String join(double[] xs) {
        StringBuilder sb = new StringBuilder();
        for (double x : xs) {
            sb.append(sb.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.2f", x));
        }
        return sb.toString();
    }

    static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown CPU");
        } catch (IOException e) {
            return "unknown CPU";
        }
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
