package dk.vejsyn.api.finding;

import dk.vejsyn.api.error.ApiException;
import java.util.Locale;

/** Sort keys of the findings list; ties are broken by id in the same direction. */
public enum FindingSort {
    SEVERITY("severity"), LAST_SEEN("last_seen_at"), SCORE("max_score"), ID("id");

    final String column;

    FindingSort(String column) {
        this.column = column;
    }

    public static FindingSort parse(String s) {
        if (s == null || s.isBlank()) {
            return SEVERITY;
        }
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "severity" -> SEVERITY;
            case "last_seen", "last_seen_at" -> LAST_SEEN;
            case "score", "max_score" -> SCORE;
            case "id" -> ID;
            default -> throw ApiException.invalidParameter("unknown sort '" + s + "'; one of severity, last_seen, score, id");
        };
    }

    public static boolean parseDescending(String order) {
        if (order == null || order.isBlank() || order.equalsIgnoreCase("desc")) {
            return true;
        }
        if (order.equalsIgnoreCase("asc")) {
            return false;
        }
        throw ApiException.invalidParameter("order must be asc or desc, got '" + order + "'");
    }
}
