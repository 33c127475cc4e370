-- Which convolution kernels a finished upload job's detections came from, and how many forward
-- passes were computed again because their first output was not trusted (TorchRuntime).
ALTER TABLE upload_job ADD COLUMN passes_recomputed integer NOT NULL DEFAULT 0;
ALTER TABLE upload_job ADD COLUMN runtime text;
