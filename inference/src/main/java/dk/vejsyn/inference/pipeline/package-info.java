/**
 * Running footage through the chain: {@link dk.vejsyn.inference.pipeline.BatchPipeline} decodes
 * on the calling thread and detects on worker threads (one predictor each) fed by a bounded
 * queue, and hands observations to an {@link dk.vejsyn.inference.pipeline.ObservationSink}.
 * Every run reports frames, drops and per-stage times ({@link dk.vejsyn.inference.pipeline.RunReport}).
 */
package dk.vejsyn.inference.pipeline;
