package dk.vejsyn.api.road;

import dk.vejsyn.api.error.ApiException;
import dk.vejsyn.api.geo.Bbox;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The filters and order of a road-segments request: bbox, min/max condition, not driven since,
 * inspected or not, sort. Bad values are 400 problems naming the parameter.
 */
record RoadSegmentQuery(Bbox bbox, Integer minCondition, Integer maxCondition, Instant notDrivenSince,
        Boolean inspected, Sort sort) {

    /** Orders: {@code condition} is worst first (unrated last), {@code -condition} best first. */
    enum Sort {
        ID("id", Comparator.comparingLong(SegmentState::id)),
        CONDITION("condition", Comparator.comparing(SegmentState::conditionIndex, Comparator.nullsLast(Comparator.naturalOrder()))
                .thenComparing(SegmentState::potholes, Comparator.reverseOrder())
                .thenComparing(SegmentState::crackLengthM, Comparator.reverseOrder())
                .thenComparingLong(SegmentState::id)),
        CONDITION_DESC("-condition", Comparator.comparing(SegmentState::conditionIndex, Comparator.nullsLast(Comparator.reverseOrder()))
                .thenComparingLong(SegmentState::id)),
        LAST_DRIVEN("last_driven_at", Comparator.comparing(SegmentState::lastDrivenAt, Comparator.nullsFirst(Comparator.naturalOrder()))
                .thenComparingLong(SegmentState::id)),
        LAST_DRIVEN_DESC("-last_driven_at", Comparator.comparing(SegmentState::lastDrivenAt, Comparator.nullsLast(Comparator.reverseOrder()))
                .thenComparingLong(SegmentState::id));

        final String wire;
        final Comparator<SegmentState> order;

        Sort(String wire, Comparator<SegmentState> order) {
            this.wire = wire;
            this.order = order;
        }

        static Sort parse(String s, Sort fallback) {
            if (s == null || s.isBlank()) {
                return fallback;
            }
            for (Sort v : values()) {
                if (v.wire.equals(s.trim().toLowerCase(Locale.ROOT))) {
                    return v;
                }
            }
            throw ApiException.invalidParameter("sort must be one of condition, -condition, last_driven_at, -last_driven_at, id; got '" + s + "'");
        }
    }

    static RoadSegmentQuery parse(String bbox, Integer minCondition, Integer maxCondition, String notDrivenSince,
            Boolean inspected, String sort, Sort defaultSort) {
        checkCondition("min_condition", minCondition);
        checkCondition("max_condition", maxCondition);
        if (minCondition != null && maxCondition != null && minCondition > maxCondition) {
            throw ApiException.invalidParameter("min_condition " + minCondition + " exceeds max_condition " + maxCondition);
        }
        return new RoadSegmentQuery(bbox == null || bbox.isBlank() ? null : Bbox.parse(bbox), minCondition, maxCondition,
                notDrivenSince == null || notDrivenSince.isBlank() ? null : instant("not_driven_since", notDrivenSince),
                inspected, Sort.parse(sort, defaultSort));
    }

    private static void checkCondition(String name, Integer c) {
        if (c != null && (c < 1 || c > 5)) {
            throw ApiException.invalidParameter(name + " must be 1-5 (5 = good), got " + c);
        }
    }

    /** An RFC 3339 instant or a date (start of that day, UTC). */
    static Instant instant(String name, String s) {
        try {
            if (s.length() == 10) {
                return LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException e) {
            throw ApiException.invalidParameter(name + " must be an RFC 3339 date-time or a date (2026-06-01), got '" + s + "'");
        }
    }

    boolean test(SegmentState s) {
        if (minCondition != null && (s.condition() == null || s.condition() < minCondition)) {
            return false;
        }
        if (maxCondition != null && (s.condition() == null || s.condition() > maxCondition)) {
            return false;
        }
        if (notDrivenSince != null && s.lastDrivenAt() != null && !s.lastDrivenAt().isBefore(notDrivenSince)) {
            return false;
        }
        return inspected == null || inspected == s.inspected();
    }

    /** The matching segments in order. */
    List<SegmentState> apply(List<SegmentState> all) {
        return all.stream().filter(this::test).sorted(sort.order).toList();
    }
}
