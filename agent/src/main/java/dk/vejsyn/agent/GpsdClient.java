package dk.vejsyn.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dk.vejsyn.inference.frame.GeoTag;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fixes from gpsd over its JSON protocol (TCP, port 2947): {@code ?WATCH={"enable":true,"json":true}},
 * then one {@code TPV} report per fix. A report with a 2D or 3D fix ({@code mode} ≥ 2) becomes a fix
 * with gpsd's {@code time} (the receiver's, i.e. GPS time), {@code track} (heading), {@code speed} and
 * horizontal error {@code eph} (else {@code epx}/{@code epy}). Reconnects with back-off when gpsd goes
 * away; the drive goes on without fixes meanwhile (frames without a fix are not sampled).
 */
public final class GpsdClient implements GpsReceiver {
    private static final Logger log = LoggerFactory.getLogger(GpsdClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String host;
    private final int port;
    private final Fixes fixes;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Socket socket;
    private volatile String lastError;

    /** A client of gpsd at {@code hostPort} ({@code host:port}) feeding {@code fixes}. */
    public GpsdClient(String hostPort, Fixes fixes) {
        int colon = hostPort.lastIndexOf(':');
        this.host = hostPort.substring(0, colon);
        this.port = Integer.parseInt(hostPort.substring(colon + 1));
        this.fixes = fixes;
        this.thread = new Thread(this::run, "vejsyn-agent-gpsd");
        thread.setDaemon(true);
    }

    @Override
    public void start() {
        thread.start();
    }

    private void run() {
        long backoffMs = 200;
        boolean warned = false;
        while (running) {
            try (Socket s = new Socket()) {
                socket = s;
                s.connect(new InetSocketAddress(host, port), 5000);
                s.setSoTimeout(30_000);
                OutputStream out = s.getOutputStream();
                out.write("?WATCH={\"enable\":true,\"json\":true};\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                log.info("gpsd {}:{} connected", host, port);
                warned = false;
                backoffMs = 200;
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                for (String line; running && (line = in.readLine()) != null; ) {
                    accept(line, Instant.now());
                }
            } catch (IOException e) {
                if (!running) {
                    return;
                }
                lastError = "gpsd " + host + ":" + port + ": " + e.getMessage();
                if (!warned) {
                    log.warn("{}; retrying", lastError);
                    warned = true;
                }
            }
            try {
                Thread.sleep(backoffMs);
            } catch (InterruptedException e) {
                return;
            }
            // gpsd runs on the vehicle itself: reconnecting often costs nothing, and fixes missed cost frames.
            backoffMs = Math.min(1000, backoffMs * 2);
        }
    }

    /** One line of gpsd's output. */
    void accept(String line, Instant receivedAt) {
        JsonNode n;
        try {
            n = JSON.readTree(line);
        } catch (IOException e) {
            return;
        }
        if (!"TPV".equals(n.path("class").asText()) || n.path("mode").asInt(0) < 2 || !n.has("lat") || !n.has("lon")
                || !n.has("time")) {
            return;
        }
        try {
            double eph = n.has("eph") ? n.get("eph").asDouble()
                    : n.has("epx") && n.has("epy") ? Math.hypot(n.get("epx").asDouble(), n.get("epy").asDouble()) : Double.NaN;
            GeoTag fix = new GeoTag(n.get("lat").asDouble(), n.get("lon").asDouble(),
                    n.has("track") ? n.get("track").asDouble() : Double.NaN,
                    n.has("speed") ? Math.max(0, n.get("speed").asDouble()) : Double.NaN,
                    Instant.parse(n.get("time").asText()), eph >= 0 ? eph : Double.NaN,
                    n.has("altMSL") ? n.get("altMSL").asDouble() : n.has("alt") ? n.get("alt").asDouble() : Double.NaN);
            fixes.add(fix, receivedAt);
        } catch (IllegalArgumentException | DateTimeParseException e) {
            log.debug("unusable TPV {}: {}", line, e.toString());
        }
    }

    @Override
    public String lastError() {
        return lastError;
    }

    @Override
    public void close() {
        running = false;
        Socket s = socket;
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        thread.interrupt();
    }
}
