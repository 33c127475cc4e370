#!/usr/bin/python3
"""Make a traced detector run its convolutions in channels-last (NHWC) memory layout.

  /usr/bin/python3 models/training/channels_last.py IN.pt OUT.pt [--size 800x512]

Why: the Java side runs the model with libtorch's own convolution kernels (im2col + GEMM) on
CPUs where oneDNN's are wrong (README, "Platform notes"). In channels-last layout a 1x1
convolution is a plain GEMM on the activations with no copy, and 3x3 im2col reads contiguous
channels; measured in DJL on the 2-core AMD EPYC VM this took ~10 % less CPU per frame
(docs/BENCHMARKS.md). The network, its weights and its output contract are unchanged: the
input is converted inside the model, the weights are stored channels-last, and the output is
checked against the original (float rounding only; the script refuses a larger difference).
"""
import argparse
import os

import torch


class ChannelsLast(torch.nn.Module):
    """Wraps a module so that its input is converted to channels-last first."""

    def __init__(self, inner):
        super().__init__()
        self.inner = inner

    def forward(self, x):
        return self.inner(x.contiguous(memory_format=torch.channels_last))


def convert(model, width, height, tolerance=1e-2):
    """A traced channels-last copy of a traced model; raises if outputs differ beyond rounding."""
    torch.manual_seed(0)
    x = torch.rand(1, 3, height, width)
    with torch.no_grad():
        reference = model(x)
        for p in model.parameters():
            if p.dim() == 4:
                p.data = p.data.contiguous(memory_format=torch.channels_last)
        traced = torch.jit.trace(ChannelsLast(model), x, check_trace=False)
        y = torch.rand(1, 3, height, width)
        diff = max((traced(x) - reference).abs().max().item(),
                   (traced(y) - ChannelsLast(model)(y)).abs().max().item())
    if not diff <= tolerance:
        raise SystemExit(f"channels-last output differs by {diff} (> {tolerance}): not converted")
    return traced, diff


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("src")
    ap.add_argument("dst")
    ap.add_argument("--size", default="800x512", help="WxH used for the check (default 800x512)")
    a = ap.parse_args()
    w, h = (int(v) for v in a.size.lower().split("x"))
    torch.set_num_threads(2)
    model = torch.jit.load(a.src).eval()
    traced, diff = convert(model, w, h)
    torch.jit.save(traced, a.dst + ".tmp")
    os.replace(a.dst + ".tmp", a.dst)
    print(f"channels-last model written to {a.dst}; max |difference| to the original at {w}x{h}: {diff:.2e}")


if __name__ == "__main__":
    main()
