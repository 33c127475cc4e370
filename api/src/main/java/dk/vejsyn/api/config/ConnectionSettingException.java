package dk.vejsyn.api.config;

/** A malformed connection setting ({@code VEJSYN_PG_PORT=abc}, a broken {@code VEJSYN_JDBC_URL}, …); the message names it. */
public class ConnectionSettingException extends IllegalArgumentException {
    public ConnectionSettingException(String message) {
        super(message);
    }
}
