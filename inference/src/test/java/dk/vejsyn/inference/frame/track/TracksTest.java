package dk.vejsyn.inference.frame.track;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import dk.vejsyn.inference.InputException;
import dk.vejsyn.inference.frame.Fixtures;
import dk.vejsyn.inference.frame.GeoTag;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TracksTest {
    @TempDir
    Path dir;

    // ---- GPX ----

    @Test
    void readsGpxTrackPoints() {
        Path file = Fixtures.write(dir.resolve("drive.gpx"), Fixtures.gpx(Fixtures.straightDrive(180, 10, 4, 1)));
        Track track = Tracks.read(file);
        assertThat(track.fixes()).hasSize(4);
        assertThat(track.start()).isEqualTo(Fixtures.T0);
        assertThat(track.fixes().get(0).altitudeM()).isEqualTo(42.0);
        assertThat(track.at(Fixtures.T0.plusMillis(500)).headingDeg()).isCloseTo(180, offset(0.01));
        assertThat(track.at(Fixtures.T0.plusMillis(500)).speedMps()).isCloseTo(10, offset(0.01));
    }

    @Test
    void readsGpxRoutePointsWithSpeedAndCourse() {
        String gpx = """
                <?xml version="1.0"?>
                <gpx version="1.0" creator="t" xmlns="http://www.topografix.com/GPX/1/0">
                  <rte>
                    <rtept lat="56.1" lon="10.2"><time>2026-05-04T08:00:00Z</time><course>45</course><speed>3.5</speed></rtept>
                    <rtept lat="56.1001" lon="10.2001"><time>2026-05-04T08:00:02Z</time><course>47</course><speed>4.5</speed></rtept>
                  </rte>
                </gpx>
                """;
        Track track = Tracks.read(Fixtures.write(dir.resolve("route.gpx"), gpx));
        GeoTag mid = track.at(Instant.parse("2026-05-04T08:00:01Z"));
        assertThat(mid.headingDeg()).isCloseTo(46, offset(1e-9));
        assertThat(mid.speedMps()).isCloseTo(4, offset(1e-9));
    }

    @Test
    void gpxWithoutPointsIsRefused() {
        Path file = Fixtures.write(dir.resolve("empty.gpx"), Fixtures.gpx(List.of()));
        assertThatThrownBy(() -> Tracks.read(file))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("empty.gpx")
                .hasMessageContaining("no track or route points");
    }

    @Test
    void gpxPointWithoutTimeIsNamed() {
        String gpx = Fixtures.gpx(Fixtures.straightDrive(0, 10, 3, 1)).replaceFirst(
                "<time>2026-05-04T08:00:01Z</time>", "");
        assertThatThrownBy(() -> Tracks.read(Fixtures.write(dir.resolve("notime.gpx"), gpx)))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("notime.gpx: track point 2 has no <time>");
    }

    @Test
    void brokenGpxXmlIsRefused() {
        Path file = Fixtures.write(dir.resolve("broken.gpx"), "<gpx version=\"1.1\"><trk><trkseg><trkpt lat=");
        assertThatThrownBy(() -> Tracks.read(file))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("broken.gpx");
    }

    @Test
    void gpxLatitudeOutOfRangeIsRefused() {
        String gpx = Fixtures.gpx(Fixtures.straightDrive(0, 10, 3, 1)).replaceFirst("lat=\"56\\.[0-9]+\"", "lat=\"91.0\"");
        assertThatThrownBy(() -> Tracks.read(Fixtures.write(dir.resolve("lat.gpx"), gpx)))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("lat.gpx");
    }

    // ---- NMEA ----

    static final String RMC1 = Fixtures.nmea("GPRMC,235959.00,A,5609.432,N,01012.642,E,19.438,90.0,040526,,,A");
    static final String GGA1 = Fixtures.nmea("GPGGA,235959.00,5609.432,N,01012.642,E,1,08,0.9,55.2,M,40.1,M,,");
    static final String GGA2 = Fixtures.nmea("GNGGA,000001.00,5609.432,N,01012.680,E,1,08,0.9,56.0,M,40.1,M,,");
    static final String RMC2 = Fixtures.nmea("GNRMC,000001.00,A,5609.432,N,01012.680,E,19.438,90.0,050526,,,A");

    @Test
    void readsNmeaMergingRmcAndGgaAndDatingGgaAcrossMidnight() {
        String log = String.join("\n",
                Fixtures.nmea("GPGSV,3,1,11,10,63,137,17,07,61,098,15,05,59,290,20,08,54,157,30"),
                RMC1, GGA1,
                Fixtures.nmea("GPVTG,90.0,T,,M,19.438,N,36.0,K,A"),
                GGA2, RMC2,
                Fixtures.nmea("PGRME,15.0,M,45.0,M,25.0,M"));
        Track track = Tracks.read(Fixtures.write(dir.resolve("drive.nmea"), log));
        assertThat(track.fixes()).hasSize(2);
        GeoTag first = track.fixes().get(0);
        assertThat(first.time()).isEqualTo(Instant.parse("2026-05-04T23:59:59Z"));
        assertThat(first.lat()).isCloseTo(56 + 9.432 / 60, offset(1e-9));
        assertThat(first.lon()).isCloseTo(10 + 12.642 / 60, offset(1e-9));
        assertThat(first.speedMps()).isCloseTo(10.0, offset(0.001)); // 19.438 kn
        assertThat(first.headingDeg()).isEqualTo(90.0);
        assertThat(first.altitudeM()).isEqualTo(55.2); // from GGA
        assertThat(track.fixes().get(1).time()).isEqualTo(Instant.parse("2026-05-05T00:00:01Z"));
    }

    @Test
    void ggaBeforeTheFirstRmcTakesItsDate() {
        String log = String.join("\r\n", GGA2, Fixtures.nmea("GPGGA,000002.00,5609.432,N,01012.700,E,1,08,0.9,56.0,M,40.1,M,,"),
                Fixtures.nmea("GPRMC,000003.00,A,5609.432,N,01012.720,E,19.438,90.0,050526,,,A"));
        Track track = Tracks.read(Fixtures.write(dir.resolve("gga.nmea"), log));
        assertThat(track.start()).isEqualTo(Instant.parse("2026-05-05T00:00:01Z"));
        assertThat(track.fixes()).hasSize(3);
    }

    @Test
    void nmeaBadChecksumNamesTheLine() {
        String bad = RMC2.substring(0, RMC2.length() - 2) + "00";
        String log = String.join("\n", RMC1, "", bad);
        assertThatThrownBy(() -> Tracks.read(Fixtures.write(dir.resolve("bad.nmea"), log)))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("bad.nmea: line 3: bad checksum");
    }

    @Test
    void nmeaWithoutChecksumOrGarbageIsRefused() {
        String noSum = RMC2.substring(0, RMC2.indexOf('*'));
        assertThatThrownBy(() -> Tracks.read(Fixtures.write(dir.resolve("nosum.nmea"), RMC1 + "\n" + noSum)))
                .hasMessageContaining("nosum.nmea: line 2: missing checksum");
        assertThatThrownBy(() -> Tracks.read(Fixtures.write(dir.resolve("junk.nmea"), RMC1 + "\nhello\n")))
                .hasMessageContaining("junk.nmea: line 2: not an NMEA sentence");
    }

    @Test
    void nmeaTimeGoingBackwardsIsRefused() {
        String earlier = Fixtures.nmea("GPRMC,235950.00,A,5609.432,N,01012.642,E,19.438,90.0,040526,,,A");
        assertThatThrownBy(() -> Tracks.read(Fixtures.write(dir.resolve("back.nmea"), RMC1 + "\n" + earlier)))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("back.nmea: line 2")
                .hasMessageContaining("before the fix on line 1");
    }

    @Test
    void nmeaWithOnlyGgaCannotBeDated() {
        assertThatThrownBy(() -> Tracks.read(Fixtures.write(dir.resolve("gga-only.nmea"), GGA1 + "\n" + GGA2)))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("gga-only.nmea")
                .hasMessageContaining("RMC");
    }

    @Test
    void nmeaLatitudeOutOfRangeNamesTheLine() {
        String far = Fixtures.nmea("GPRMC,000001.00,A,9109.432,N,01012.680,E,19.438,90.0,050526,,,A");
        assertThatThrownBy(() -> Tracks.read(Fixtures.write(dir.resolve("far.nmea"), RMC1 + "\n" + far)))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("far.nmea: line 2")
                .hasMessageContaining("latitude");
    }

    @Test
    void nmeaVoidFixesAreSkipped() {
        String log = String.join("\n", Fixtures.nmea("GPRMC,235958.00,V,,,,,,,040526,,,N"), RMC1, RMC2);
        assertThat(Tracks.read(Fixtures.write(dir.resolve("void.nmea"), log)).fixes()).hasSize(2);
    }

    // ---- CSV ----

    @Test
    void readsCsvWithIsoAndEpochTimes() {
        String csv = """
                time,lat,lon,heading,speed
                2026-05-04T08:00:00Z,56.1572,10.2107,,
                1777881601.5,56.1573,10.2107,3.0,11.5
                2026-05-04T10:00:03+02:00,56.1574,10.2107,5.0,12.5
                """;
        Track track = Tracks.read(Fixtures.write(dir.resolve("drive.csv"), csv));
        assertThat(track.fixes()).extracting(GeoTag::time).containsExactly(
                Instant.parse("2026-05-04T08:00:00Z"), Instant.parse("2026-05-04T08:00:01.5Z"),
                Instant.parse("2026-05-04T08:00:03Z"));
        assertThat(track.fixes().get(2).headingDeg()).isEqualTo(5.0);
        assertThat(track.fixes().get(2).speedMps()).isEqualTo(12.5);
        assertThat(track.fixes().get(0).hasHeading()).isTrue(); // derived from movement: north
        assertThat(track.fixes().get(0).headingDeg()).isCloseTo(0, offset(0.01));
    }

    @Test
    void csvLatitude91NamesTheLine() {
        String csv = "time,lat,lon\n2026-05-04T08:00:00Z,56.1,10.2\n2026-05-04T08:00:01Z,91,10.2\n";
        assertThatThrownBy(() -> Tracks.read(Fixtures.write(dir.resolve("lat.csv"), csv)))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("lat.csv: line 3: latitude 91.0 out of range");
    }

    @Test
    void csvUnparsableTimeNamesTheLine() {
        String csv = "time,lat,lon\n2026-05-04T08:00:00Z,56.1,10.2\nyesterday,56.1,10.2\n";
        assertThatThrownBy(() -> Tracks.read(Fixtures.write(dir.resolve("time.csv"), csv)))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("time.csv: line 3: time 'yesterday'");
    }

    @Test
    void csvWithoutRequiredColumnsOrRowsIsRefused() {
        assertThatThrownBy(() -> Tracks.read(Fixtures.write(dir.resolve("cols.csv"), "time,latitude,lon\n")))
                .hasMessageContaining("cols.csv: line 1").hasMessageContaining("'lat' is missing");
        assertThatThrownBy(() -> Tracks.read(Fixtures.write(dir.resolve("rows.csv"), "time,lat,lon\n")))
                .hasMessageContaining("rows.csv").hasMessageContaining("no rows");
        assertThatThrownBy(() -> Tracks.read(Fixtures.write(dir.resolve("one.csv"), "time,lat,lon\n0,56,10\n")))
                .hasMessageContaining("one.csv").hasMessageContaining("at least 2");
    }

    @Test
    void csvTimeGoingBackwardsIsRefused() {
        String csv = "time,lat,lon\n100,56.1,10.2\n101,56.1,10.2\n50,56.1,10.2\n";
        assertThatThrownBy(() -> Tracks.read(Fixtures.write(dir.resolve("back.csv"), csv)))
                .hasMessageContaining("back.csv: line 4").hasMessageContaining("before the previous");
    }

    @Test
    void csvDuplicateRowsAreDropped() {
        String csv = "time,lat,lon\n100,56.1,10.2\n100,56.1,10.2\n101,56.1001,10.2\n101,56.1001,10.2\n";
        assertThat(Tracks.read(Fixtures.write(dir.resolve("dup.csv"), csv)).fixes()).hasSize(2);
    }

    // ---- format choice and empty files ----

    @Test
    void emptyFilesAreRefusedInEveryFormat() {
        for (String name : List.of("e.gpx", "e.nmea", "e.csv", "e.txt")) {
            assertThatThrownBy(() -> Tracks.read(Fixtures.write(dir.resolve(name), "")))
                    .isInstanceOf(InputException.class)
                    .hasMessageContaining(name)
                    .hasMessageContaining("empty");
        }
    }

    @Test
    void unknownExtensionsAreSniffed() {
        Path nmea = Fixtures.write(dir.resolve("drive.txt"), RMC1 + "\n" + RMC2 + "\n");
        assertThat(Tracks.read(nmea).fixes()).hasSize(2);
        Path gpx = Fixtures.write(dir.resolve("drive.xml"), Fixtures.gpx(Fixtures.straightDrive(0, 10, 2, 1)));
        assertThat(Tracks.read(gpx).fixes()).hasSize(2);
        assertThatThrownBy(() -> Tracks.read(Fixtures.write(dir.resolve("what.dat"), "hello\n")))
                .hasMessageContaining("what.dat: unknown track format");
        assertThatThrownBy(() -> Tracks.read(dir.resolve("missing.gpx"))).hasMessageContaining("missing.gpx");
    }
}
