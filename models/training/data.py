"""Datasets in the shared layout (<dir>/images, labels, splits/{train,val,test}.txt), decoded once and
cached in memory, plus the training augmentation (near-native-resolution crops)."""
import os
import random
import time

import cv2
import numpy as np

from common import (MODEL_CLASSES, PAD_VALUE, damage_rows_skipped, label_source, letterbox, load_image,
                    read_labels, read_split)

cv2.setNumThreads(1)


class Source:
    """One dataset directory and split, images decoded once (BGR uint8) and kept in memory.
    Labels are mapped to the rows of `classes` by the source's label table (common.LABEL_SOURCES);
    real crack labels only with real_cracks. `skip_rows` (bool per class) are the damage classes this
    source is not annotated for: the loss leaves them out on its images."""

    def __init__(self, ds_dir, split, log=print, classes=MODEL_CLASSES, real_cracks=False):
        self.dir = os.path.abspath(ds_dir)
        self.name = os.path.basename(self.dir.rstrip("/"))
        self.split = split
        self.label_source = label_source(self.dir).name
        self.skip_rows = damage_rows_skipped(self.dir, list(classes), real_cracks)
        t0 = time.time()
        self.names = read_split(self.dir, split)
        self.images, self.boxes, self.classes = [], [], []
        for n in self.names:
            img = load_image(os.path.join(self.dir, "images", n))
            h, w = img.shape[:2]
            b, c = read_labels(self.dir, n, w, h, list(classes), real_cracks)
            self.images.append(img)
            self.boxes.append(b)
            self.classes.append(c)
        nb = sum(len(b) for b in self.boxes)
        skipped = [c for c, s in zip(classes, self.skip_rows) if s]
        log(f"[data] {self.name}/{split}: {len(self.names)} images, {nb} boxes, "
            f"{sum(len(b) == 0 for b in self.boxes)} negatives, decoded in {time.time() - t0:.1f}s "
            f"(labels: {self.label_source}{'; not annotated for ' + ','.join(skipped) if skipped else ''})")

    def __len__(self):
        return len(self.names)


# --------------------------------------------------------------------------- augmentation
def _hsv(img, hgain, sgain, vgain, rng):
    r = rng.uniform(-1, 1, 3) * [hgain, sgain, vgain] + 1
    hue, sat, val = cv2.split(cv2.cvtColor(img, cv2.COLOR_BGR2HSV))
    x = np.arange(0, 256, dtype=np.float32)
    lut_h = ((x * r[0]) % 180).astype(np.uint8)
    lut_s = np.clip(x * r[1], 0, 255).astype(np.uint8)
    lut_v = np.clip(x * r[2], 0, 255).astype(np.uint8)
    hsv = cv2.merge((cv2.LUT(hue, lut_h), cv2.LUT(sat, lut_s), cv2.LUT(val, lut_v)))
    return cv2.cvtColor(hsv, cv2.COLOR_HSV2BGR)


class CropAugment:
    """Random square crop around the inference scale, then photometric augmentations.

    scale: the image is first considered at its inference scale base = min(640/w, 640/h)
    (the letterbox scale at 640x640), then multiplied by a log-uniform jitter in
    [scale_min, scale_max]; a size x size window is cut at that scale (one warpAffine, border 114).
    With probability p_obj the window is placed so that a random box's centre falls inside it.
    """

    def __init__(self, size=416, scale_min=0.6, scale_max=1.6, p_obj=0.6, p_flip=0.5, p_hsv=0.9,
                 p_contrast=0.4, p_blur=0.2, p_motion=0.1, p_jpeg=0.3, p_gray=0.02, min_visible=0.4,
                 base_size=640):
        self.__dict__.update(locals())
        del self.__dict__["self"]

    def __call__(self, img, boxes, classes, rng):
        S = self.size
        h, w = img.shape[:2]
        base = min(self.base_size / w, self.base_size / h)
        s = base * float(np.exp(rng.uniform(np.log(self.scale_min), np.log(self.scale_max))))
        cw = S / s  # window size in original pixels
        if len(boxes) and rng.random() < self.p_obj:
            b = boxes[rng.integers(len(boxes))]
            cx, cy = (b[0] + b[2]) / 2, (b[1] + b[3]) / 2
            x0 = cx - rng.uniform(0.1, 0.9) * cw
            y0 = cy - rng.uniform(0.1, 0.9) * cw
        else:
            x0 = rng.uniform(min(0, w - cw), max(0, w - cw))
            y0 = rng.uniform(min(0, h - cw), max(0, h - cw))
        M = np.array([[s, 0, -x0 * s], [0, s, -y0 * s]], np.float32)
        interp = cv2.INTER_AREA if s < 0.7 else cv2.INTER_LINEAR
        out = cv2.warpAffine(img, M, (S, S), flags=interp, borderMode=cv2.BORDER_CONSTANT,
                             borderValue=(PAD_VALUE, PAD_VALUE, PAD_VALUE))
        if len(boxes):
            nb = (boxes - np.array([x0, y0, x0, y0], np.float32)) * s
            area0 = (nb[:, 2] - nb[:, 0]) * (nb[:, 3] - nb[:, 1])
            cb = np.clip(nb, 0, S)
            area1 = (cb[:, 2] - cb[:, 0]) * (cb[:, 3] - cb[:, 1])
            keep = (area1 >= self.min_visible * np.maximum(area0, 1e-6)) & (cb[:, 2] - cb[:, 0] >= 2) & \
                   (cb[:, 3] - cb[:, 1] >= 2)
            nb, nc = cb[keep], classes[keep]
        else:
            nb, nc = np.zeros((0, 4), np.float32), np.zeros(0, np.int64)
        if rng.random() < self.p_flip:
            out = out[:, ::-1].copy()
            if len(nb):
                nb = nb.copy()
                nb[:, [0, 2]] = S - nb[:, [2, 0]]
        if rng.random() < self.p_hsv:
            out = _hsv(out, 0.015, 0.6, 0.35, rng)
        if rng.random() < self.p_contrast:
            a, bb = rng.uniform(0.7, 1.3), rng.uniform(-20, 20)
            out = cv2.convertScaleAbs(out, alpha=a, beta=bb)
        if rng.random() < self.p_gray:
            out = cv2.cvtColor(cv2.cvtColor(out, cv2.COLOR_BGR2GRAY), cv2.COLOR_GRAY2BGR)
        if rng.random() < self.p_blur:
            k = int(rng.choice([3, 5]))
            out = cv2.GaussianBlur(out, (k, k), 0)
        elif rng.random() < self.p_motion:
            k = int(rng.choice([5, 7, 9]))
            ker = np.zeros((k, k), np.float32)
            ang = rng.uniform(0, 180)
            ker[k // 2, :] = 1.0
            R = cv2.getRotationMatrix2D((k / 2 - 0.5, k / 2 - 0.5), ang, 1.0)
            ker = cv2.warpAffine(ker, R, (k, k))
            ker /= max(ker.sum(), 1e-6)
            out = cv2.filter2D(out, -1, ker)
        if rng.random() < self.p_jpeg:
            q = int(rng.integers(30, 91))
            ok, enc = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, q])
            if ok:
                out = cv2.imdecode(enc, cv2.IMREAD_COLOR)
        rgb = out[:, :, ::-1]
        return np.ascontiguousarray(rgb.transpose(2, 0, 1)), nb.astype(np.float32), nc


def collate(samples, skip=None):
    """List of (chw uint8, boxes, classes) -> (uint8 [B,3,S,S], labels [B,M], boxes [B,M,4], mask [B,M]).
    With skip (one bool row per sample: classes to leave out of the loss), also returns it as [B,C]."""
    B = len(samples)
    M = max(1, max(len(s[1]) for s in samples))
    imgs = np.stack([s[0] for s in samples])
    boxes = np.zeros((B, M, 4), np.float32)
    labels = np.zeros((B, M), np.int64)
    mask = np.zeros((B, M), bool)
    for i, (_, b, c) in enumerate(samples):
        n = len(b)
        boxes[i, :n], labels[i, :n], mask[i, :n] = b, c, True
    if skip is None:
        return imgs, labels, boxes, mask
    return imgs, labels, boxes, mask, np.stack(skip)


def epoch_plan(sources, rng, neg_fraction, repeats=None):
    """(source index, image index) pairs for one epoch: every positive image, and a random
    neg_fraction of the negative (empty-label) images of each source, shuffled; a source with
    repeats[si] = K contributes K times (each a different random crop)."""
    plan = []
    for si, src in enumerate(sources):
        for _ in range(repeats[si] if repeats else 1):
            for ii, b in enumerate(src.boxes):
                if len(b) or rng.random() < neg_fraction:
                    plan.append((si, ii))
    rng.shuffle(plan)
    return plan


class ValCache:
    """Letterboxed validation images at a fixed size, kept in memory (uint8 RGB CHW)."""

    def __init__(self, src, W, H):
        self.src, self.W, self.H = src, W, H
        self.tensors, self.params = [], []
        for img in src.images:
            rgb, p = letterbox(img, W, H)
            self.tensors.append(np.ascontiguousarray(rgb.transpose(2, 0, 1)))
            self.params.append(p)
