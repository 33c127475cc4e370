#!/usr/bin/python3
"""Reference evaluator (the Java `bin/vejsyn evaluate` must agree with it within 0.01 mAP@0.5).

  /usr/bin/python3 models/training/evaluate.py --dataset ../shared/datasets/dnit-brazil-highway-potholes --split test
  /usr/bin/python3 models/training/evaluate.py --dataset ../shared/datasets/rdd2022-china-motorbike --split test --class crack

Model: TorchScript file (default models/pothole-detector.pt, metadata from the .json next to it)
or a training checkpoint (--checkpoint).  Protocol (documented in models/README.md):
letterbox to the metadata input size -> network -> per-image decode with score > 0.001,
class-aware greedy NMS IoU 0.5, max 300 detections -> COCO 101-point AP at IoU 0.50 and
0.50:0.05:0.95; precision / recall / F1 at the shipped score threshold with at most 100 detections.
One damage class is scored (--class pothole|crack, default pothole): detections are decoded with every
reported class (as the Java decoder does) and then only those of the class, and the labels of the
class (typed cracks as crack), are matched. A source not annotated for the class is refused for it
(skipped, never scored as negatives).
The last printed line is machine-readable:
  mAP50=0.1234 mAP50_95=0.1234 precision=0.1234 recall=0.1234 f1=0.1234 images=123
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import (Evaluator, annotated_rows, decode, label_source, letterbox, load_image, model_row,  # noqa: E402
                    read_labels, read_split)

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS_DIR = os.path.dirname(HERE)


@torch.no_grad()
def run_model(model, chw_u8_list, batch=8):
    """List of uint8 [3,H,W] RGB arrays (same H,W) -> list of numpy [4+C, N] outputs."""
    outs = []
    for i in range(0, len(chw_u8_list), batch):
        x = torch.from_numpy(np.stack(chw_u8_list[i:i + batch])).float().div_(255.0)
        y = model(x)
        outs.extend(y.numpy())
    return outs


def evaluate_images(model, images, gts, W, H, conf=0.001, iou=0.5, max_det=300, batch=8, num_classes=1):
    """images: list of BGR uint8; gts: list of (boxes xyxy, classes). Returns an Evaluator."""
    ev = Evaluator(num_classes)
    for i in range(0, len(images), batch):
        chunk = images[i:i + batch]
        tens, params = [], []
        for img in chunk:
            rgb, p = letterbox(img, W, H)
            tens.append(np.ascontiguousarray(rgb.transpose(2, 0, 1)))
            params.append(p)
        outs = run_model(model, tens, batch)
        for img, out, (r, left, top), (gb, gc) in zip(chunk, outs, params, gts[i:i + batch]):
            h, w = img.shape[:2]
            b, s, c = decode(out, r, left, top, w, h, conf, iou, max_det, reported=num_classes)
            ev.add(b, s, c, gb, gc)
    return ev


def evaluate_cached(model, cache, gts, conf=0.001, iou=0.5, max_det=300, batch=8, num_classes=1):
    """Same as evaluate_images on a data.ValCache (pre-letterboxed images)."""
    ev = Evaluator(num_classes)
    outs = run_model(model, cache.tensors, batch)
    for img, out, (r, left, top), (gb, gc) in zip(cache.src.images, outs, cache.params, gts):
        h, w = img.shape[:2]
        b, s, c = decode(out, r, left, top, w, h, conf, iou, max_det, reported=num_classes)
        ev.add(b, s, c, gb, gc)
    return ev


def only_class(images, row):
    """Evaluator images restricted to one class row (detections after the per-image cap over all
    reported classes, as in the Java decoder), renumbered as class 0."""
    out = []
    for db, ds, dc, gb, gc in images:
        m, g = dc == row, gc == row
        out.append((db[m], ds[m], np.zeros(int(m.sum()), np.int64), gb[g], np.zeros(int(g.sum()), np.int64)))
    return out


def summary_line(ev, score_thr, n_images):
    m50, m5095 = ev.map()
    p, r, f1 = ev.prf(score_thr)
    return (f"mAP50={m50:.4f} mAP50_95={m5095:.4f} precision={p:.4f} recall={r:.4f} f1={f1:.4f} "
            f"images={n_images}"), dict(mAP50=m50, mAP50_95=m5095, precision=p, recall=r, f1=f1, images=n_images)


def load_checkpoint_model(path):
    from model import build_model, fuse_for_export
    ck = torch.load(path, map_location="cpu")
    m = build_model(ck["model_config"])
    m.load_state_dict(ck["ema"] if ck.get("ema") is not None else ck["model"])
    return fuse_for_export(m.eval())


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dataset", required=True, help="dataset dir with images/ and labels/ (splits/ optional)")
    ap.add_argument("--split", default=None, help="train|val|test; omitted or no splits/ -> all images")
    ap.add_argument("--model", default=os.path.join(MODELS_DIR, "pothole-detector.pt"))
    ap.add_argument("--meta", default=None, help="metadata JSON (default: model path with .json)")
    ap.add_argument("--checkpoint", default=None, help="evaluate a training checkpoint instead of TorchScript")
    ap.add_argument("--width", type=int, default=None)
    ap.add_argument("--height", type=int, default=None)
    ap.add_argument("--score", type=float, default=None, help="threshold for precision/recall/F1")
    ap.add_argument("--iou", type=float, default=None, help="NMS IoU (default from metadata, 0.5)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--class", dest="cls", default="pothole", choices=["pothole", "crack"],
                    help="damage class to score (default pothole; typed crack labels count as crack)")
    ap.add_argument("--json-out", default=None, help="also write the metrics as JSON here")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)

    meta = {}
    meta_path = a.meta or os.path.splitext(a.model)[0] + ".json"
    if os.path.isfile(meta_path):
        with open(meta_path) as f:
            meta = json.load(f)
    W = a.width or meta.get("input", {}).get("width", 640)
    H = a.height or meta.get("input", {}).get("height", 640)
    th = meta.get("thresholds", {})
    score = a.score if a.score is not None else th.get("score_by_class", {}).get(a.cls, th.get("score", 0.25))
    iou = a.iou if a.iou is not None else meta.get("thresholds", {}).get("iou", 0.5)
    # metrics cover the reported classes (a prefix of "classes"); look-alike classes are not detections
    nc = len(meta.get("reported_classes", meta.get("classes", ["pothole"])))
    classes = list(meta.get("classes", ["pothole"]))
    if W % 32 or H % 32:
        sys.exit("width and height must be multiples of 32")
    # ground truth: the dataset's ids mapped to the model's rows by the source's label table
    # (common.LABEL_SOURCES); a source not annotated for a reported class cannot score it
    row = model_row(a.cls, classes)
    # A row the metadata does not report (e.g. crack before it is good enough) is still measured,
    # decoded as if reported, as the Java evaluator does; only a class with no row is refused.
    if row is None:
        sys.exit(f"the model has no {a.cls} output (classes {classes})")
    nc = max(nc, row + 1)
    ann = annotated_rows(a.dataset, classes, real_cracks=True)
    if not ann[row]:
        sys.exit(f"{a.dataset} ({label_source(a.dataset).name}) is not annotated for {a.cls}: "
                 f"skipped for it (its images are no negatives for {a.cls})")

    model = load_checkpoint_model(a.checkpoint) if a.checkpoint else torch.jit.load(a.model, map_location="cpu").eval()

    split = a.split if os.path.isdir(os.path.join(a.dataset, "splits")) else None
    names = read_split(a.dataset, split)
    t0 = time.time()
    ev = Evaluator(1)
    for i in range(0, len(names), 8):
        imgs, gts = [], []
        for n in names[i:i + 8]:
            img = load_image(os.path.join(a.dataset, "images", n))
            imgs.append(img)
            gts.append(read_labels(a.dataset, n, img.shape[1], img.shape[0], classes, real_cracks=True))
        sub = evaluate_images(model, imgs, gts, W, H, iou=iou, num_classes=nc)
        ev.images.extend(only_class(sub.images, row))
    line, d = summary_line(ev, score, len(names))
    print(f"dataset={a.dataset} split={split or 'all'} input={W}x{H} score={score:.4f} iou={iou} "
          f"time={time.time() - t0:.1f}s", file=sys.stderr)
    if a.json_out:
        with open(a.json_out, "w") as f:
            json.dump(d, f, indent=1)
    print(line)


if __name__ == "__main__":
    main()
