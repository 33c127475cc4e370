package dk.vejsyn.inference.cli;

import dk.vejsyn.inference.geo.Observation;
import dk.vejsyn.inference.pipeline.ObservationSink;
import java.util.List;

/** Fans observations out to several sinks: complete all or abort all. */
final class Sinks {
    private Sinks() {}

    static ObservationSink all(List<ObservationSink> sinks) {
        List<ObservationSink> copy = List.copyOf(sinks);
        return new ObservationSink() {
            @Override
            public void accept(Observation o) {
                for (ObservationSink s : copy) {
                    s.accept(o);
                }
            }

            @Override
            public void frameProcessed(dk.vejsyn.inference.frame.GeoTag vehicle, String source, long frameIndex) {
                for (ObservationSink s : copy) {
                    s.frameProcessed(vehicle, source, frameIndex);
                }
            }

            @Override
            public void complete() {
                for (ObservationSink s : copy) {
                    s.complete();
                }
            }

            @Override
            public void abort() {
                for (ObservationSink s : copy) {
                    s.abort();
                }
            }

            @Override
            public void close() {
                for (ObservationSink s : copy) {
                    s.close();
                }
            }
        };
    }
}
