#!/usr/bin/python3
"""The training state carried in the repository between working sessions, kept small.

  /usr/bin/python3 models/training/carry.py runs/<run>/last.pt [models/training/checkpoint-latest.pt]

Why: every committed checkpoint stays in the history for ever (twelve full copies made `.git`
173 MB). A full checkpoint is fp32 weights, fp32 EMA weights and AdamW's two fp32 moments
(16.6 MB for the 1 M-parameter detector). Carried, the weights are stored in float16 (their
outputs move by rounding only, see test_carry.py) and AdamW's moments in bfloat16 (float16 would
flush the tiny second moments to zero and make the first resumed steps huge); PyTorch casts both
back to the parameters' float32 on resume (`load_state_dict`). train.py writes the carried file
once, when a training session stops, never per epoch; commit it at most once per session.
"""
import os
import sys

import torch


def _half(state):
    return {k: (v.half() if torch.is_tensor(v) and v.is_floating_point() else v) for k, v in state.items()}


def compact(ck):
    """A copy of a full training checkpoint with weights in float16 and optimizer moments in bfloat16."""
    out = dict(ck)
    out["model"] = _half(ck["model"])
    if ck.get("ema") is not None:
        out["ema"] = _half(ck["ema"])
    if ck.get("optimizer") is not None:
        opt = ck["optimizer"]
        state = {}
        for i, st in opt["state"].items():
            state[i] = {k: (v.bfloat16() if torch.is_tensor(v) and v.is_floating_point() and v.dim() > 0 else v)
                        for k, v in st.items()}
        out["optimizer"] = {"state": state, "param_groups": opt["param_groups"]}
    out["carried"] = "weights float16, optimizer moments bfloat16 (carry.py)"
    return out


def expand(ck):
    """A carried checkpoint's weights back in float32 (a full checkpoint is returned unchanged).
    Optimizer moments stay bfloat16: the optimizer casts them when it loads its state."""
    if not ck.get("carried"):
        return ck
    out = dict(ck)
    for key in ("model", "ema"):
        if out.get(key) is not None:
            out[key] = {k: (v.float() if torch.is_tensor(v) and v.is_floating_point() else v) for k, v in out[key].items()}
    return out


def write(ck, path):
    """Writes the compact form of {@code ck} to path atomically; returns its size in bytes."""
    torch.save(compact(ck), path + ".tmp")
    os.replace(path + ".tmp", path)
    return os.path.getsize(path)


def main():
    if len(sys.argv) not in (2, 3):
        raise SystemExit(__doc__)
    src = sys.argv[1]
    dst = sys.argv[2] if len(sys.argv) == 3 else os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                             "checkpoint-latest.pt")
    ck = torch.load(src, map_location="cpu")
    size = write(ck, dst)
    print(f"{dst}: {size / 1e6:.1f} MB (from {os.path.getsize(src) / 1e6:.1f} MB), epoch {ck.get('epoch')}")


if __name__ == "__main__":
    main()
