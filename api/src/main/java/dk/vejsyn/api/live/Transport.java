package dk.vejsyn.api.live;

import java.util.Locale;

/** How a live frame reached the service. */
public enum Transport {
    MQTT, HTTP;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
