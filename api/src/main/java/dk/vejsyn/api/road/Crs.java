package dk.vejsyn.api.road;

import dk.vejsyn.inference.InputException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** EPSG codes from the ways files and people write a CRS. */
final class Crs {
    private Crs() {}

    private static final Pattern EPSG = Pattern.compile("(?i)^(?:EPSG:{1,2}|urn:ogc:def:crs:EPSG:[0-9.]*:|https?://www\\.opengis\\.net/def/crs/EPSG/[0-9.]+/)([0-9]{4,6})$");
    private static final Pattern CRS84 = Pattern.compile("(?i)^(?:urn:ogc:def:crs:OGC:1\\.3:CRS84|https?://www\\.opengis\\.net/def/crs/OGC/1\\.3/CRS84|CRS84|OGC:CRS84)$");

    /**
     * The EPSG code of {@code EPSG:25832}, {@code urn:ogc:def:crs:EPSG::25832},
     * {@code http://www.opengis.net/def/crs/EPSG/0/25832}, a bare {@code 25832}, or 4326 for CRS84.
     */
    static int parse(String name, String where) {
        String s = name == null ? "" : name.trim();
        if (CRS84.matcher(s).matches()) {
            return 4326;
        }
        if (s.matches("[0-9]{4,6}")) {
            return Integer.parseInt(s);
        }
        Matcher m = EPSG.matcher(s);
        if (m.matches()) {
            return Integer.parseInt(m.group(1));
        }
        throw new InputException(where + ": unknown CRS '" + name + "'; give an EPSG code such as EPSG:25832 or EPSG:4326");
    }

    static String label(int srid) {
        return String.format(Locale.ROOT, "EPSG:%d", srid);
    }
}
