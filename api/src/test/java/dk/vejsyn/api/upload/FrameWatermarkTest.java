package dk.vejsyn.api.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FrameWatermarkTest {

    @Test
    void movesOnlyOverFramesWhosePredecessorsAreDone() {
        FrameWatermark w = new FrameWatermark(-1);
        for (long i : new long[] {3, 7, 12, 20}) {
            w.dispatched(i);
        }
        w.processed(7); // a worker finished 7 before another finished 3
        assertThat(w.advance()).isEmpty();
        assertThat(w.mark()).isEqualTo(-1);
        assertThat(w.waiting()).isEqualTo(1);

        w.processed(3);
        assertThat(w.advance()).containsExactly(3L, 7L);
        assertThat(w.mark()).isEqualTo(7);

        w.processed(20);
        assertThat(w.advance()).isEmpty();
        w.processed(12);
        assertThat(w.advance()).containsExactly(12L, 20L);
        assertThat(w.mark()).isEqualTo(20);
        assertThat(w.pending()).isZero();
        assertThat(w.waiting()).isZero();
    }

    @Test
    void resumedWatermarkStartsFromTheCommittedFrame() {
        FrameWatermark w = new FrameWatermark(41);
        assertThat(w.advance()).isEmpty();
        assertThat(w.mark()).isEqualTo(41);
        w.dispatched(45);
        w.processed(45);
        assertThat(w.advance()).containsExactly(45L);
    }

    @Test
    void framesMustArriveInIndexOrder() {
        FrameWatermark w = new FrameWatermark(-1);
        w.dispatched(5);
        assertThatThrownBy(() -> w.dispatched(5)).isInstanceOf(IllegalArgumentException.class);
    }
}
