package dk.vejsyn.inference.render;

import dk.vejsyn.inference.frame.GeoTag;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import org.apache.commons.imaging.ImagingException;
import org.apache.commons.imaging.common.RationalNumber;
import org.apache.commons.imaging.formats.jpeg.exif.ExifRewriter;
import org.apache.commons.imaging.formats.tiff.constants.ExifTagConstants;
import org.apache.commons.imaging.formats.tiff.constants.GpsTagConstants;
import org.apache.commons.imaging.formats.tiff.write.TiffOutputDirectory;
import org.apache.commons.imaging.formats.tiff.write.TiffOutputSet;

/**
 * Adds EXIF to a JPEG as a phone or dashcam would: GPS latitude/longitude, altitude, image
 * direction (true north), GPS date and time stamp (UTC), and DateTimeOriginal with sub-seconds
 * (written in UTC, since the renderer knows no local time zone).
 */
final class GeotaggedJpeg {
    private static final DateTimeFormatter EXIF_TIME = DateTimeFormatter.ofPattern("yyyy:MM:dd HH:mm:ss");
    private static final DateTimeFormatter GPS_DATE = DateTimeFormatter.ofPattern("yyyy:MM:dd");

    private GeotaggedJpeg() {}

    static byte[] tag(byte[] jpeg, GeoTag tag) throws IOException {
        try {
            TiffOutputSet set = new TiffOutputSet();
            set.setGpsInDegrees(tag.lon(), tag.lat());
            TiffOutputDirectory gps = set.getOrCreateGpsDirectory();
            ZonedDateTime utc = tag.time().atZone(ZoneOffset.UTC);
            if (!Double.isNaN(tag.altitudeM())) {
                gps.add(GpsTagConstants.GPS_TAG_GPS_ALTITUDE_REF,
                        (byte) GpsTagConstants.GPS_TAG_GPS_ALTITUDE_REF_VALUE_ABOVE_SEA_LEVEL);
                gps.add(GpsTagConstants.GPS_TAG_GPS_ALTITUDE, RationalNumber.valueOf(Math.abs(tag.altitudeM())));
            }
            if (tag.hasHeading()) {
                gps.add(GpsTagConstants.GPS_TAG_GPS_IMG_DIRECTION_REF,
                        GpsTagConstants.GPS_TAG_GPS_IMG_DIRECTION_REF_VALUE_TRUE_NORTH);
                gps.add(GpsTagConstants.GPS_TAG_GPS_IMG_DIRECTION, new RationalNumber(
                        (int) Math.round(tag.headingDeg() * 100), 100));
            }
            double sec = utc.getSecond() + utc.getNano() / 1e9;
            gps.add(GpsTagConstants.GPS_TAG_GPS_TIME_STAMP, new RationalNumber(utc.getHour(), 1),
                    new RationalNumber(utc.getMinute(), 1), new RationalNumber((int) Math.round(sec * 1000), 1000));
            gps.add(GpsTagConstants.GPS_TAG_GPS_DATE_STAMP, utc.format(GPS_DATE));
            TiffOutputDirectory exif = set.getOrCreateExifDirectory();
            exif.add(ExifTagConstants.EXIF_TAG_DATE_TIME_ORIGINAL, utc.format(EXIF_TIME));
            exif.add(ExifTagConstants.EXIF_TAG_SUB_SEC_TIME_ORIGINAL, String.format("%03d", utc.getNano() / 1_000_000));
            ByteArrayOutputStream out = new ByteArrayOutputStream(jpeg.length + 1024);
            new ExifRewriter().updateExifMetadataLossless(jpeg, out, set);
            return out.toByteArray();
        } catch (ImagingException e) {
            throw new IOException("cannot write EXIF: " + e.getMessage(), e);
        }
    }
}
