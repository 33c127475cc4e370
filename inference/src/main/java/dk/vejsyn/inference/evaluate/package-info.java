/**
 * Model accuracy on labelled datasets with the same protocol as the Python reference evaluator
 * ({@code models/training/evaluate.py}): COCO 101-point AP at IoU 0.5 and 0.5:0.95, precision,
 * recall and F1 at the shipped threshold.
 */
package dk.vejsyn.inference.evaluate;
