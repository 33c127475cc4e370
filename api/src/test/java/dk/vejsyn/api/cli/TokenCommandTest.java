package dk.vejsyn.api.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dk.vejsyn.api.PostgisIntegrationTest;
import dk.vejsyn.api.security.ApiTokens;
import dk.vejsyn.api.security.Caller;
import dk.vejsyn.api.security.Role;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * {@code vejsyn token create | list | revoke} on the tests' database: the token is printed once,
 * alone on the last line, and works; list shows it without the token; revoke ends it; bad input
 * is one line and exit 2.
 */
class TokenCommandTest {
    final ApiTokens tokens = new ApiTokens(JdbcClient.create(new DriverManagerDataSource(PostgisIntegrationTest.JDBC_URL)),
            Clock.systemUTC());

    record Run(int exit, String out, String err) {
        String lastLine() {
            List<String> lines = out.lines().toList();
            return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
        }
    }

    static Run run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            String[] all = new String[args.length + 2];
            System.arraycopy(args, 0, all, 0, args.length);
            all[args.length] = "--db";
            all[args.length + 1] = PostgisIntegrationTest.JDBC_URL;
            int exit = VejsynMain.commandLine().execute(all);
            return new Run(exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void createPrintsTheTokenOnceListNeverShowsItRevokeEndsIt() {
        String name = "planner-odense-" + UUID.randomUUID().toString().substring(0, 8);
        Run created = run("token", "create", "--municipality", "461", "--role", "planner", "--name", name, "--expires-in", "90d");
        assertThat(created.exit()).as(created.err()).isZero();
        String token = created.lastLine();
        assertThat(token).matches("vjs_[a-z2-7]{16}_[A-Za-z0-9_-]{43}");
        assertThat(created.out()).containsOnlyOnce(token.substring(4, 20));
        assertThat(created.err()).contains(name).doesNotContain(token.substring(4, 20));
        assertThat(tokens.authenticate(token)).hasValue(new Caller(name, Role.PLANNER, "461", null, Caller.Via.TOKEN));

        Run listed = run("token", "list", "--municipality", "461");
        assertThat(listed.exit()).isZero();
        assertThat(listed.out()).contains(name).contains("planner").doesNotContain(token).doesNotContain(token.substring(4, 20));

        assertThat(run("token", "create", "--municipality", "461", "--role", "viewer", "--name", name).err())
                .contains("a live token named '" + name + "' exists");
        Run revoked = run("token", "revoke", name);
        assertThat(revoked.exit()).as(revoked.err()).isZero();
        assertThat(tokens.authenticate(token)).isEmpty();
        assertThat(run("token", "list", "--municipality", "461").out()).doesNotContain(name);
        assertThat(run("token", "list", "--municipality", "461", "--all").out()).contains(name);
    }

    @Test
    void badInputIsOneLineAndExit2() {
        Run r = run("token", "create", "--municipality", "461", "--role", "superuser", "--name", "x");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("unknown role 'superuser'");
        assertThat(run("token", "create", "--role", "planner", "--name", "x").err()).contains("needs a municipality");
        assertThat(run("token", "create", "--municipality", "998", "--role", "planner", "--name", "x").err())
                .contains("no municipality with code 998");
        assertThat(run("token", "create", "--municipality", "461", "--role", "operator", "--name", "x").err())
                .contains("belongs to no municipality");
        assertThat(run("token", "create", "--municipality", "461", "--role", "planner", "--name", "x", "--expires-in", "soon").err())
                .contains("--expires-in 'soon'");
        assertThat(run("token", "create", "--municipality", "461", "--role", "planner", "--name", "bad name!").err())
                .contains("token name 'bad name!'");
        Run unknown = run("token", "revoke", "no-such-token-" + UUID.randomUUID());
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).contains("no live token named");
    }
}
