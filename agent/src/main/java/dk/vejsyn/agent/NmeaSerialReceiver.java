package dk.vejsyn.agent;

import dk.vejsyn.inference.frame.GeoTag;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fixes from an NMEA 0183 receiver on a serial device (set its baud rate with {@code stty} first,
 * e.g. {@code stty -F /dev/ttyACM0 9600 raw}): every valid {@code $..RMC} sentence (status A, checksum
 * right) is a fix with its date and time (GPS time), position, course over ground and speed. For
 * receivers that gpsd does not serve; with gpsd running, configure {@code gps.gpsd} instead.
 */
public final class NmeaSerialReceiver implements GpsReceiver {
    private static final Logger log = LoggerFactory.getLogger(NmeaSerialReceiver.class);
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("ddMMyy");
    private static final double KNOT_MPS = 1852.0 / 3600;

    private final Path device;
    private final Fixes fixes;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile String lastError;

    public NmeaSerialReceiver(Path device, Fixes fixes) {
        this.device = device;
        this.fixes = fixes;
        this.thread = new Thread(this::run, "vejsyn-agent-nmea");
        thread.setDaemon(true);
    }

    @Override
    public void start() {
        thread.start();
    }

    private void run() {
        while (running) {
            try (BufferedReader in = Files.newBufferedReader(device, StandardCharsets.US_ASCII)) {
                for (String line; running && (line = in.readLine()) != null; ) {
                    GeoTag fix = parseRmc(line.strip());
                    if (fix != null) {
                        fixes.add(fix, Instant.now());
                    }
                }
            } catch (IOException e) {
                lastError = device + ": " + e.getMessage();
                log.warn("{}; retrying", lastError);
            }
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** The fix of an RMC sentence with status A and a correct checksum, else null. */
    static GeoTag parseRmc(String s) {
        int star = s.lastIndexOf('*');
        if (!s.startsWith("$") || star < 0 || s.length() < 7 || !s.startsWith("RMC", 3)) {
            return null;
        }
        int sum = 0;
        for (int i = 1; i < star; i++) {
            sum ^= s.charAt(i);
        }
        try {
            if (sum != Integer.parseInt(s.substring(star + 1).strip(), 16)) {
                return null;
            }
            String[] f = s.substring(0, star).split(",", -1);
            if (f.length < 10 || !"A".equals(f[2]) || f[1].length() < 6 || f[9].length() != 6) {
                return null;
            }
            LocalTime t = LocalTime.of(Integer.parseInt(f[1].substring(0, 2)), Integer.parseInt(f[1].substring(2, 4)),
                    Integer.parseInt(f[1].substring(4, 6)));
            if (f[1].length() > 7) {
                t = t.plusNanos(Math.round(Double.parseDouble("0" + f[1].substring(6)) * 1e9));
            }
            Instant time = LocalDate.parse(f[9], DATE).atTime(t).toInstant(ZoneOffset.UTC);
            double lat = degrees(f[3], 2) * ("S".equals(f[4]) ? -1 : 1);
            double lon = degrees(f[5], 3) * ("W".equals(f[6]) ? -1 : 1);
            double speed = f[7].isEmpty() ? Double.NaN : Double.parseDouble(f[7]) * KNOT_MPS;
            double course = f[8].isEmpty() ? Double.NaN : Double.parseDouble(f[8]);
            return new GeoTag(lat, lon, course, speed, time, Double.NaN, Double.NaN);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static double degrees(String v, int degreeDigits) {
        return Integer.parseInt(v.substring(0, degreeDigits)) + Double.parseDouble(v.substring(degreeDigits)) / 60;
    }

    @Override
    public String lastError() {
        return lastError;
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
