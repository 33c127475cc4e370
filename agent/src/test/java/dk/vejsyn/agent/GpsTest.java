package dk.vejsyn.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dk.vejsyn.inference.frame.GeoTag;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class GpsTest {
    @Test
    void anRmcSentenceIsAFixInGpsTime() {
        GeoTag f = NmeaSerialReceiver.parseRmc("$GPRMC,093000.50,A,5522.398650,N,01024.706119,E,18.5,167.8,141026,,,A*6B");
        assertThat(f).isNotNull();
        assertThat(f.time()).isEqualTo(Instant.parse("2026-10-14T09:30:00.5Z"));
        assertThat(f.lat()).isCloseTo(55.373310833, org.assertj.core.data.Offset.offset(1e-8));
        assertThat(f.lon()).isCloseTo(10.411768650, org.assertj.core.data.Offset.offset(1e-8));
        assertThat(f.headingDeg()).isCloseTo(167.8, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(f.speedMps()).isCloseTo(9.517, org.assertj.core.data.Offset.offset(1e-3));
        assertThat(NmeaSerialReceiver.parseRmc("$GPRMC,093000.50,V,5522.398650,N,01024.706119,E,,,141026,,,N*00"))
                .as("no fix").isNull();
        assertThat(NmeaSerialReceiver.parseRmc("$GPRMC,093000.50,A,5522.398650,N,01024.706119,E,18.5,167.8,141026,,,A*00"))
                .as("bad checksum").isNull();
    }

    @Test
    void gpsdReportsBecomeFixesAndTheFramesBetweenThemArePlacedOnceTheFixesAfterThemCame() {
        Fixes fixes = new Fixes();
        GpsdClient gpsd = new GpsdClient("127.0.0.1:1", fixes);
        Instant now = Instant.parse("2026-12-06T11:00:00.2Z");
        for (int s = 0; s <= 3; s++) {
            gpsd.accept("{\"class\":\"TPV\",\"mode\":2,\"time\":\"2026-12-06T11:00:0" + s + ".000Z\",\"lat\":" + (55.0 - s * 1e-4)
                    + ",\"lon\":10.0,\"speed\":11.1,\"eph\":3.5}", now.plusSeconds(s));
        }
        gpsd.accept("{\"class\":\"SKY\",\"satellites\":[]}", now);
        gpsd.accept("{\"class\":\"TPV\",\"mode\":1,\"time\":\"2026-12-06T11:00:09.000Z\"}", now);
        Instant frame = Instant.parse("2026-12-06T11:00:01.5Z");
        assertThat(fixes.ready(frame.minusMillis(500))).as("the fix 2 s after it came").isTrue();
        assertThat(fixes.ready(frame)).as("no fix 2 s after it yet").isFalse();
        GeoTag at = fixes.at(frame).orElseThrow();
        assertThat(at.lat()).isCloseTo(55.0 - 1.5e-4, org.assertj.core.data.Offset.offset(1e-7));
        assertThat(at.headingDeg()).as("southbound, from movement").isCloseTo(180, org.assertj.core.data.Offset.offset(0.5));
        assertThat(at.accuracyM()).isEqualTo(3.5);
        assertThat(fixes.gpsTime(now.plusSeconds(3))).as("GPS time = received time corrected by the last fix").contains(Instant.parse("2026-12-06T11:00:03Z"));
    }
}
