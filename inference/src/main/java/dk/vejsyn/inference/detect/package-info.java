/**
 * Finding damage in a frame. {@link dk.vejsyn.inference.detect.Detector} is the contract;
 * {@link dk.vejsyn.inference.detect.DjlDetector} runs the shipped TorchScript model through DJL's
 * PyTorch engine with one predictor per worker thread. The model's raw output
 * ({@code [1, 4 + C, N]}, see {@code models/README.md}) is decoded in Java
 * ({@link dk.vejsyn.inference.detect.YoloDecoder}, class-aware {@link dk.vejsyn.inference.detect.Nms})
 * because DJL cannot run torchvision operators. Boxes leave this package in frame pixels.
 */
package dk.vejsyn.inference.detect;
