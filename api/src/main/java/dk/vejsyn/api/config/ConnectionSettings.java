package dk.vejsyn.api.config;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where Vejsyn's PostgreSQL and MQTT broker are: one set of environment variables, read by the
 * scripts ({@code bin/services}, {@code bin/vejsyn}, {@code bin/test}) and, through this class, by
 * every Java entry point (the fat jar, {@code serve}, {@code demo}, {@code detect --db},
 * {@code simulate-vehicle}, the tests).
 *
 * <ul>
 *   <li>database: {@code VEJSYN_JDBC_URL}, else
 *       {@code jdbc:postgresql://VEJSYN_PG_HOST:VEJSYN_PG_PORT/vejsyn?user=VEJSYN_PG_USER}
 *       (127.0.0.1, 5432, postgres)</li>
 *   <li>broker: {@code VEJSYN_MQTT_URL}, else {@code tcp://VEJSYN_MQTT_HOST:VEJSYN_MQTT_PORT}
 *       (127.0.0.1, 1884: the port of the service's own Mosquitto, which {@code bin/services} runs next to
 *       any other broker on the standard port 1883)</li>
 *   <li>the service's broker account: {@code VEJSYN_MQTT_USERNAME} and {@code VEJSYN_MQTT_PASSWORD}
 *       (none: no credentials); the folder of the broker's account files it keeps up to date:
 *       {@code VEJSYN_MQTT_BROKER_DIR} (none: not managed by the service)</li>
 * </ul>
 *
 * An explicit URL wins over the host, port and user. A blank variable counts as unset, as
 * {@code ${VAR:-default}} does in the scripts. A malformed value is a {@link ConnectionSettingException}
 * naming the variable.
 */
public final class ConnectionSettings {
    public static final String JDBC_URL = "VEJSYN_JDBC_URL";
    public static final String PG_HOST = "VEJSYN_PG_HOST";
    public static final String PG_PORT = "VEJSYN_PG_PORT";
    public static final String PG_USER = "VEJSYN_PG_USER";
    public static final String MQTT_URL = "VEJSYN_MQTT_URL";
    public static final String MQTT_HOST = "VEJSYN_MQTT_HOST";
    public static final String MQTT_PORT = "VEJSYN_MQTT_PORT";
    public static final String MQTT_USERNAME = "VEJSYN_MQTT_USERNAME";
    public static final String MQTT_PASSWORD = "VEJSYN_MQTT_PASSWORD";
    public static final String MQTT_BROKER_DIR = "VEJSYN_MQTT_BROKER_DIR";

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PG_PORT = 5432;
    public static final String DEFAULT_PG_USER = "postgres";
    public static final int DEFAULT_MQTT_PORT = 1884;
    public static final String DEFAULT_MQTT_URL = "tcp://" + DEFAULT_HOST + ":" + DEFAULT_MQTT_PORT;
    /** The service's database on the configured server ({@code bin/vejsyn} creates it there). */
    public static final String DATABASE = "vejsyn";
    /** What {@code vejsyn.live.broker-url} accepts: MQTT over TCP, no credentials in the URL. */
    public static final String MQTT_URL_PATTERN = "tcp://[^:/]+(:[0-9]+)?";

    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*");
    /** An IPv6 address, bare (as psql takes it) or in brackets (as a URL has it). */
    private static final Pattern IPV6 = Pattern.compile("\\[([0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)]|([0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)");
    private static final Pattern MQTT_URL_REGEX = Pattern.compile(MQTT_URL_PATTERN);

    private final Function<String, String> env;

    private ConnectionSettings(Function<String, String> env) {
        this.env = Objects.requireNonNull(env);
    }

    /** The settings in {@code env} (a variable's value by name, null when unset). */
    public static ConnectionSettings of(Function<String, String> env) {
        return new ConnectionSettings(env);
    }

    /** The settings in this process's environment variables. */
    public static ConnectionSettings fromSystemEnvironment() {
        return of(System::getenv);
    }

    /** {@code VEJSYN_JDBC_URL}, else the {@value #DATABASE} database on the configured server. */
    public String jdbcUrl() {
        String explicit = value(JDBC_URL);
        return explicit != null ? checkJdbcUrl(explicit, JDBC_URL) : serverJdbcUrl(DATABASE);
    }

    /**
     * {@code database} on {@code VEJSYN_PG_HOST:VEJSYN_PG_PORT} as {@code VEJSYN_PG_USER}, whatever
     * {@code VEJSYN_JDBC_URL} says: for the tests' and benchmarks' own databases, which must never
     * be the service's.
     */
    public String serverJdbcUrl(String database) {
        String host = value(PG_HOST);
        host = host == null ? DEFAULT_HOST : jdbcHost(host);
        int port = port(PG_PORT, DEFAULT_PG_PORT);
        String user = value(PG_USER);
        if (user == null) {
            user = DEFAULT_PG_USER;
        } else if (user.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
            throw new ConnectionSettingException(PG_USER + " must be a PostgreSQL user name without spaces: '" + user + "'");
        }
        return "jdbc:postgresql://" + host + ":" + port + "/" + database + "?user="
                + URLEncoder.encode(user, StandardCharsets.UTF_8);
    }

    /** {@code VEJSYN_MQTT_URL}, else the broker on the configured host and port. */
    public String mqttUrl() {
        String explicit = value(MQTT_URL);
        return explicit != null ? checkMqttUrl(explicit, MQTT_URL) : serverMqttUrl();
    }

    /** The broker on {@code VEJSYN_MQTT_HOST:VEJSYN_MQTT_PORT}, whatever {@code VEJSYN_MQTT_URL} says (for the tests). */
    public String serverMqttUrl() {
        String host = value(MQTT_HOST);
        if (host == null) {
            host = DEFAULT_HOST;
        } else if (!HOST_NAME.matcher(host).matches()) {
            throw new ConnectionSettingException(MQTT_HOST + " must be a host name or IPv4 address: '" + host + "'");
        }
        return "tcp://" + host + ":" + port(MQTT_PORT, DEFAULT_MQTT_PORT);
    }

    /** {@code VEJSYN_MQTT_USERNAME}, or null. */
    public String mqttUsername() {
        return value(MQTT_USERNAME);
    }

    /** {@code VEJSYN_MQTT_PASSWORD}, or null; refused when the user name is set and it is not. */
    public String mqttPassword() {
        String password = value(MQTT_PASSWORD);
        if (password == null && mqttUsername() != null) {
            throw new ConnectionSettingException(MQTT_USERNAME + " is set but " + MQTT_PASSWORD + " is not");
        }
        return password;
    }

    /** {@code VEJSYN_MQTT_BROKER_DIR}, or null. */
    public String mqttBrokerDir() {
        return value(MQTT_BROKER_DIR);
    }

    /** {@code url} if it is a JDBC URL (and, for {@code jdbc:postgresql:}, one the driver accepts); {@code what} names its origin. */
    public static String checkJdbcUrl(String url, String what) {
        if (url == null || url.isBlank() || !url.startsWith("jdbc:")) {
            throw new ConnectionSettingException(what + " must be a JDBC URL such as "
                    + "jdbc:postgresql://127.0.0.1:5432/vejsyn?user=postgres: '" + redact(url) + "'");
        }
        if (url.startsWith("jdbc:postgresql:") && org.postgresql.Driver.parseURL(url, null) == null) {
            throw new ConnectionSettingException(what + " is not a valid PostgreSQL JDBC URL "
                    + "(jdbc:postgresql://host:port/database?user=...): '" + redact(url) + "'");
        }
        return url;
    }

    /** {@code url} if it is {@code tcp://host[:port]} with a valid port; {@code what} names its origin. */
    public static String checkMqttUrl(String url, String what) {
        Matcher m = url == null ? null : MQTT_URL_REGEX.matcher(url);
        if (m == null || !m.matches()) {
            throw new ConnectionSettingException(what + " must be tcp://host[:port], e.g. tcp://127.0.0.1:1884: '"
                    + redact(url) + "'");
        }
        if (m.group(1) != null) {
            String port = m.group(1).substring(1);
            if (port.length() > 5 || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
                throw new ConnectionSettingException(what + " has no valid port (1-65535): '" + url + "'");
            }
        }
        return url;
    }

    /** {@code url} for logs: any password (a {@code password=} parameter, or in {@code user:password@}) replaced by {@code ***}. */
    public static String redact(String url) {
        if (url == null) {
            return "";
        }
        return url.replaceAll("(?i)([?&;]password=)[^&;]*", "$1***")
                .replaceAll("(//[^/@:]*:)[^/@]*@", "$1***@");
    }

    private String value(String name) {
        String v = env.apply(name);
        return v == null || v.isBlank() ? null : v;
    }

    private int port(String name, int fallback) {
        String v = value(name);
        if (v == null) {
            return fallback;
        }
        if (v.matches("[0-9]{1,5}")) {
            int p = Integer.parseInt(v);
            if (p >= 1 && p <= 65535) {
                return p;
            }
        }
        throw new ConnectionSettingException(name + " must be a TCP port number (1-65535): '" + v + "'");
    }

    private static String jdbcHost(String host) {
        if (HOST_NAME.matcher(host).matches()) {
            return host;
        }
        Matcher v6 = IPV6.matcher(host);
        if (v6.matches()) {
            return "[" + (v6.group(1) != null ? v6.group(1) : v6.group(2)) + "]";
        }
        throw new ConnectionSettingException(PG_HOST + " must be a host name or IP address: '" + host + "'");
    }
}
