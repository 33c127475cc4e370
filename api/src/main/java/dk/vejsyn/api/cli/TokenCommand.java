package dk.vejsyn.api.cli;

import dk.vejsyn.api.audit.AuditLog;
import dk.vejsyn.api.config.ConnectionSettings;
import dk.vejsyn.api.security.ApiTokens;
import dk.vejsyn.api.security.MqttAccounts;
import dk.vejsyn.api.security.Role;
import dk.vejsyn.inference.InputException;
import java.time.Clock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code vejsyn token create | list | revoke}: API tokens, on the service's database without the
 * service running (the first operator token can only be made this way). The token is printed
 * once, alone on the last line of standard output; only its hash is stored. Each change is
 * written to the audit trail with the operating-system user as the actor. {@code token mqtt-files}
 * writes the broker's account files from the vehicle tokens ({@link MqttAccounts}).
 */
@Command(name = "token", mixinStandardHelpOptions = true,
        description = "API tokens: create (printed once), list (never the token), revoke; the MQTT broker's accounts.",
        subcommands = {TokenCommand.Create.class, TokenCommand.ListTokens.class, TokenCommand.Revoke.class,
            TokenCommand.MqttFiles.class})
public class TokenCommand {

    /** The database option and what the subcommands share. */
    static class Store {
        @Option(names = "--db", paramLabel = "JDBC_URL",
                description = {"Database (default: VEJSYN_JDBC_URL, else database vejsyn on VEJSYN_PG_HOST:VEJSYN_PG_PORT",
                    "as VEJSYN_PG_USER; 127.0.0.1:5432, postgres)."})
        String db;

        JdbcClient open() {
            String url = db != null ? ConnectionSettings.checkJdbcUrl(db, "--db") : ConnectionSettings.fromSystemEnvironment().jdbcUrl();
            DataSource ds = new DriverManagerDataSource(url);
            // The same schema the service builds at start, so tokens can be made before it first ran.
            Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
            return JdbcClient.create(ds);
        }

        static String actor() {
            return "cli:" + System.getProperty("user.name", "unknown");
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Creates a token and prints it once (last line).")
    static class Create implements Callable<Integer> {
        @Mixin Store store;

        @Option(names = "--name", required = true, description = "Unique among live tokens; shown in audit trails.")
        String name;

        @Option(names = "--role", required = true, description = "viewer, planner, vehicle, admin or operator.")
        String role;

        @Option(names = "--municipality", paramLabel = "CODE", description = "Three-digit code; every role but operator needs it.")
        String municipality;

        @Option(names = "--vehicle", paramLabel = "ID", description = "The vehicle a vehicle token sends for (default: --name).")
        String vehicle;

        @Option(names = "--expires-in", paramLabel = "DURATION", description = "e.g. 90d, 12h (default: no expiry).")
        String expiresIn;

        @Override
        public Integer call() {
            Role r;
            Duration validFor;
            try {
                r = Role.parse(role);
                validFor = expiresIn == null ? null : duration(expiresIn);
            } catch (IllegalArgumentException e) {
                throw new InputException(e.getMessage());
            }
            JdbcClient jdbc = store.open();
            ApiTokens.Created c;
            try {
                c = new ApiTokens(jdbc, Clock.systemUTC()).create(new ApiTokens.Request(name, r, municipality, vehicle,
                        validFor, Store.actor()));
            } catch (IllegalArgumentException e) {
                throw new InputException(e.getMessage());
            }
            new AuditLog(jdbc).record(Store.actor(), "cli", municipality, "token create", name + " (" + r.wireName() + ")",
                    null, null);
            System.err.printf(Locale.ROOT, "token %s: %s%s%s%s; shown once, only its hash is stored%n", name, r.wireName(),
                    municipality == null ? "" : " of " + municipality, c.token().vehicle() == null ? "" : ", vehicle "
                            + c.token().vehicle(), c.token().expiresAt() == null ? "" : ", expires " + c.token().expiresAt());
            System.out.println(c.secret());
            return 0;
        }

        /** {@code 90d}, {@code 12h}, {@code 30m}, or ISO-8601 ({@code P90D}). */
        static Duration duration(String s) {
            String t = s.trim().toLowerCase(Locale.ROOT);
            try {
                if (t.matches("[0-9]+[dhm]")) {
                    long n = Long.parseLong(t.substring(0, t.length() - 1));
                    return switch (t.charAt(t.length() - 1)) {
                        case 'd' -> Duration.ofDays(n);
                        case 'h' -> Duration.ofHours(n);
                        default -> Duration.ofMinutes(n);
                    };
                }
                return Duration.parse(s.trim().toUpperCase(Locale.ROOT).startsWith("P") ? s.trim() : "P" + s.trim());
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("--expires-in '" + s + "': a duration such as 90d, 12h or 30m");
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Names, roles, created, last used; never the token.")
    static class ListTokens implements Callable<Integer> {
        @Mixin Store store;

        @Option(names = "--municipality", paramLabel = "CODE", description = "Only this municipality's tokens.")
        String municipality;

        @Option(names = "--all", description = "Revoked tokens as well.")
        boolean all;

        @Override
        public Integer call() {
            List<ApiTokens.Listed> list = new ApiTokens(store.open(), Clock.systemUTC()).list(municipality, all);
            System.out.printf("%-28s %-9s %-5s %-16s %-20s %-20s %-20s %s%n", "NAME", "ROLE", "MUNI", "VEHICLE", "CREATED",
                    "LAST USED", "EXPIRES", "REVOKED");
            for (ApiTokens.Listed t : list) {
                System.out.printf("%-28s %-9s %-5s %-16s %-20s %-20s %-20s %s%n", t.name(), t.role(),
                        dash(t.municipality()), dash(t.vehicle()), time(t.createdAt()), time(t.lastUsedAt()),
                        time(t.expiresAt()), time(t.revokedAt()));
            }
            return 0;
        }

        private static String dash(String s) {
            return s == null ? "-" : s;
        }

        private static String time(java.time.Instant i) {
            return i == null ? "-" : i.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revokes the live token of this name.")
    static class Revoke implements Callable<Integer> {
        @Mixin Store store;

        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            JdbcClient jdbc = store.open();
            if (!new ApiTokens(jdbc, Clock.systemUTC()).revoke(name, null)) {
                throw new InputException("no live token named " + name);
            }
            new AuditLog(jdbc).record(Store.actor(), "cli", null, "token revoke", name, null, null);
            System.err.println("token " + name + " revoked; it is refused from the next request on");
            return 0;
        }
    }

    @Command(name = "mqtt-files", mixinStandardHelpOptions = true,
            description = {"Writes the MQTT broker's password_file and acl_file (DIR/" + MqttAccounts.PASSWORD_FILE
                + ", DIR/" + MqttAccounts.ACL_FILE + ") from the live vehicle tokens",
                "and the service's account (VEJSYN_MQTT_USERNAME / VEJSYN_MQTT_PASSWORD), and has the broker whose pid",
                "is in DIR/" + MqttAccounts.PID_FILE + " re-read them when they changed. bin/services runs this for its broker."})
    static class MqttFiles implements Callable<Integer> {
        @Mixin Store store;

        @Option(names = "--dir", required = true, paramLabel = "DIR", description = "The broker's folder (created if missing).")
        Path dir;

        @Option(names = "--topic-prefix", defaultValue = "vejsyn/v1",
                description = "The service's vejsyn.live.topic-prefix (default ${DEFAULT-VALUE}).")
        String topicPrefix;

        @Override
        public Integer call() {
            ConnectionSettings env = ConnectionSettings.fromSystemEnvironment();
            if (env.mqttUsername() == null) {
                throw new InputException("the service's broker account is needed: set " + ConnectionSettings.MQTT_USERNAME
                        + " and " + ConnectionSettings.MQTT_PASSWORD);
            }
            MqttAccounts accounts;
            try {
                accounts = new MqttAccounts(store.open(), dir.toAbsolutePath(), topicPrefix, env.mqttUsername(),
                        env.mqttPassword(), Clock.systemUTC());
            } catch (IllegalArgumentException e) {
                throw new InputException(e.getMessage());
            }
            boolean changed = accounts.refresh();
            long vehicles = accounts.render().passwords().lines().count() - 1;
            System.err.printf(Locale.ROOT, "MQTT accounts in %s: the service and %d vehicle token(s); %s%n", dir, vehicles,
                    !changed ? "unchanged" : accounts.broker().map(p -> "broker (pid " + p.pid() + ") reloaded")
                            .orElse("no broker running on them"));
            return 0;
        }
    }
}
