"""Shared helpers: dataset listing, letterbox, decoding, NMS and COCO-style mAP.

The preprocessing / decoding / NMS / matching implemented here is THE reference that the
Java evaluator must reproduce (see models/README.md, section "Evaluation protocol").
"""
import os
import re
from typing import NamedTuple

import cv2
import numpy as np

PAD_VALUE = 114
STRIDES = (8, 16, 32)
IMG_EXTS = (".jpg", ".jpeg", ".png", ".bmp")


# --------------------------------------------------------------------------- data listing
def read_split(ds_dir, split):
    """Image file names of a split. split=None (or no splits/ folder) -> every image in images/."""
    if split is not None:
        p = os.path.join(ds_dir, "splits", split + ".txt")
        if os.path.isfile(p):
            with open(p) as f:
                return [ln.strip() for ln in f if ln.strip()]
        if os.path.isdir(os.path.join(ds_dir, "splits")):
            raise FileNotFoundError(p)
    return sorted(n for n in os.listdir(os.path.join(ds_dir, "images"))
                  if n.lower().endswith(IMG_EXTS))


# --------------------------------------------------------------------------- label mapping
# The datasets' class ids are their own (../shared/datasets/README.md: 0 pothole, 1 longitudinal,
# 2 transverse, 3 alligator crack, 4 crack of unknown type; the project's rendered scenes: 0 pothole,
# 1 crack, 2 patch, 3 manhole_cover, 4 road_paint). They are mapped to class NAMES here, per source
# and label folder, and the names to the model's output rows by `read_labels` (a model row is a
# name in its `classes` list). An id a table does not list is an error, never passed through.

# Output rows of the shipped model (models/pothole-detector.json "classes"): pothole, then the
# look-alikes taught on rendered scenes. Its "crack" row has only seen rendered cracks so far.
MODEL_CLASSES = ("pothole", "crack", "patch", "manhole_cover", "road_paint")
# Typed crack labels go to the model's "crack" row when it has no row of their own type.
CLASS_PARENT = {"crack_longitudinal": "crack", "crack_transverse": "crack", "crack_alligator": "crack"}
CRACK_CLASSES = ("crack", "crack_longitudinal", "crack_transverse", "crack_alligator")


class LabelFolder(NamedTuple):
    folder: str      # label folder of the source: <source>/<folder>/<image stem>.txt
    ids: dict        # dataset class id -> class name
    annotates: tuple  # class names this folder is exhaustive for (an image without such a box has none);
    #                   a source not annotated for a class is skipped for it, never taken as a negative


class LabelSource(NamedTuple):
    name: str
    folders: tuple
    photographs: bool = True  # False for the project's rendered scenes


_TYPED = ("crack_longitudinal", "crack_transverse", "crack_alligator")
LABEL_SOURCES = {s.name: s for s in (
    LabelSource("chitholian-annotated-potholes", (
        LabelFolder("labels", {0: "pothole"}, ("pothole",)),)),  # its cracks are not labelled
    LabelSource("dnit-brazil-highway-potholes", (
        LabelFolder("labels", {0: "pothole"}, ("pothole",)),
        LabelFolder("labels-crack", {4: "crack"}, ("crack",)))),  # crack type not given
    LabelSource("rdd2022-china-motorbike", (
        LabelFolder("labels", {0: "pothole", 1: "crack_longitudinal", 2: "crack_transverse", 3: "crack_alligator"},
                    ("pothole", "crack") + _TYPED),)),
    # bin/vejsyn render-dataset (SOURCE.md starts with "# vejsyn-render"), any folder name
    LabelSource("vejsyn-render", (
        LabelFolder("labels", {0: "pothole", 1: "crack", 2: "patch", 3: "manhole_cover", 4: "road_paint"},
                    ("pothole", "crack", "patch", "manhole_cover", "road_paint")),), photographs=False),
)}
# A folder none of the above (e.g. parity.sh's temporary subsets, a private hold-out set): potholes only.
POTHOLE_ONLY = LabelSource("unknown source (potholes only, id 0)",
                           (LabelFolder("labels", {0: "pothole"}, ("pothole",)),))


class LabelError(ValueError):
    pass


def _source_md_title(ds_dir):
    p = os.path.join(ds_dir, "SOURCE.md")
    if not os.path.isfile(p):
        return None, ""
    with open(p, encoding="utf-8") as f:
        text = f.read()
    first = text.lstrip().split("\n", 1)[0]
    return (first[2:].split()[0] if first.startswith("# ") and len(first) > 2 else None), text


_source_cache = {}


def label_source(ds_dir):
    """The LabelSource of a dataset folder: the rendered scenes by their SOURCE.md title, the shared
    sources by folder name (or SOURCE.md title, for subsets that carry it), else POTHOLE_ONLY."""
    key = os.path.abspath(ds_dir)
    if key in _source_cache:
        return _source_cache[key]
    title, text = _source_md_title(key)
    if title == "vejsyn-render":
        src = LABEL_SOURCES["vejsyn-render"]
        # the renderer writes its class list into SOURCE.md: it must agree with the table
        m = re.search(r"Classes: ((?:\d+ = \w+(?:, )?)+)", text)
        if m:
            listed = {int(i): n for i, n in re.findall(r"(\d+) = (\w+)", m.group(1))}
            if any(src.folders[0].ids.get(i) != n for i, n in listed.items()):
                raise LabelError(f"{key}/SOURCE.md lists classes {listed}, the table in common.py has "
                                 f"{src.folders[0].ids}: update LABEL_SOURCES['vejsyn-render']")
    else:
        src = LABEL_SOURCES.get(os.path.basename(key.rstrip("/"))) or LABEL_SOURCES.get(title) or POTHOLE_ONLY
    _source_cache[key] = src
    return src


def model_row(label, classes):
    """Output row of a class name in the model's class list (typed cracks fall back to "crack"), or None."""
    if label in classes:
        return classes.index(label)
    parent = CLASS_PARENT.get(label)
    return classes.index(parent) if parent in classes else None


def uses_label(src, label, real_cracks):
    """Real (photographed) crack labels are used only when asked for (real_cracks): the shipped model's
    "crack" row is a rendered look-alike, and pothole training must not change by their presence."""
    return real_cracks or not (src.photographs and label in CRACK_CLASSES)


def annotated_rows(ds_dir, classes=MODEL_CLASSES, real_cracks=False):
    """bool [len(classes)]: rows the source's labels are exhaustive for (absence of a box = negative)."""
    src = label_source(ds_dir)
    out = np.zeros(len(classes), bool)
    for fo in src.folders:
        for label in fo.annotates:
            if label in classes and uses_label(src, label, real_cracks):
                out[classes.index(label)] = True
    return out


def damage_rows_skipped(ds_dir, classes=MODEL_CLASSES, real_cracks=False):
    """bool [len(classes)]: damage rows (pothole; the crack rows too with real_cracks) the source is not
    annotated for. Training leaves these rows out of the loss on the source's images. Look-alike rows
    (patch, manhole_cover, road_paint, and crack while real cracks are off) keep the shipped model's
    rule: a photograph without such a box counts as a negative for them."""
    damage = ("pothole",) + (CRACK_CLASSES if real_cracks else ())
    ann = annotated_rows(ds_dir, classes, real_cracks)
    return np.array([c in damage and not ann[i] for i, c in enumerate(classes)], bool)


def read_labels(ds_dir, name, w, h, classes=MODEL_CLASSES, real_cracks=False):
    """Label files of one image (every label folder of the source, see LABEL_SOURCES) -> (boxes xyxy in
    pixels float32 [M,4], model rows int64 [M]). YOLO lines "class cx cy w h" normalised by w, h.
    Labels of classes the model has no row for (e.g. look-alikes for a 1-class model, real cracks
    without real_cracks) are left out. An id the source's table does not list, or a malformed line, is
    a LabelError naming the file and line."""
    src = label_source(ds_dir)
    stem = os.path.splitext(name)[0]
    boxes, cls = [], []
    for fo in src.folders:
        p = os.path.join(ds_dir, fo.folder, stem + ".txt")
        if not os.path.isfile(p):
            continue
        with open(p) as f:
            for lineno, ln in enumerate(f, 1):
                v = ln.split()
                if not v:
                    continue
                try:
                    cf = float(v[0])
                    cx, cy, bw, bh = map(float, v[1:5])
                    if len(v) < 5 or cf != int(cf):
                        raise ValueError
                except (ValueError, OverflowError):
                    raise LabelError(f"{p}:{lineno}: expected 'class cx cy w h', got {ln.strip()!r}") from None
                c = int(cf)
                if c not in fo.ids:
                    raise LabelError(f"{p}:{lineno}: class id {c} is not in the label table of {src.name} "
                                     f"{fo.folder}/ (ids {sorted(fo.ids)}); add it to LABEL_SOURCES in "
                                     f"models/training/common.py")
                label = fo.ids[c]
                row = model_row(label, classes) if uses_label(src, label, real_cracks) else None
                if row is None:
                    continue
                boxes.append([(cx - bw / 2) * w, (cy - bh / 2) * h, (cx + bw / 2) * w, (cy + bh / 2) * h])
                cls.append(row)
    return (np.array(boxes, np.float32).reshape(-1, 4), np.array(cls, np.int64))


def load_image(path):
    img = cv2.imread(path, cv2.IMREAD_COLOR)  # BGR uint8
    if img is None:
        raise IOError("cannot read " + path)
    return img


# --------------------------------------------------------------------------- preprocessing
def letterbox_params(w, h, W, H):
    r = min(W / w, H / h)
    # round half up (= Java Math.round for positive values), at least 1 pixel
    nw, nh = max(1, int(np.floor(w * r + 0.5))), max(1, int(np.floor(h * r + 0.5)))
    left, top = (W - nw) // 2, (H - nh) // 2
    return r, nw, nh, left, top


def letterbox(img_bgr, W, H):
    """Resize keeping aspect (cv2.INTER_LINEAR), centre on a W x H canvas filled with 114.
    Returns RGB uint8 HxWx3 and (r, left, top)."""
    h, w = img_bgr.shape[:2]
    r, nw, nh, left, top = letterbox_params(w, h, W, H)
    out = np.full((H, W, 3), PAD_VALUE, np.uint8)
    if (nw, nh) != (w, h):
        img_bgr = cv2.resize(img_bgr, (nw, nh), interpolation=cv2.INTER_LINEAR)
    out[top:top + nh, left:left + nw] = img_bgr
    return out[:, :, ::-1].copy(), (r, left, top)


def to_tensor_array(rgb_u8):
    """HxWx3 RGB uint8 -> 3xHxW float32 in 0..1 (pixel / 255)."""
    return np.ascontiguousarray(rgb_u8.transpose(2, 0, 1)).astype(np.float32) / 255.0


# --------------------------------------------------------------------------- decoding
def box_iou_one_to_many(b, bs):
    ix1 = np.maximum(b[0], bs[:, 0]); iy1 = np.maximum(b[1], bs[:, 1])
    ix2 = np.minimum(b[2], bs[:, 2]); iy2 = np.minimum(b[3], bs[:, 3])
    inter = np.clip(ix2 - ix1, 0, None) * np.clip(iy2 - iy1, 0, None)
    a = (b[2] - b[0]) * (b[3] - b[1])
    a2 = (bs[:, 2] - bs[:, 0]) * (bs[:, 3] - bs[:, 1])
    union = a + a2 - inter
    return np.where(union > 0, inter / np.maximum(union, 1e-12), 0.0)


def nms(boxes, scores, iou_thr, max_keep):
    """Greedy NMS: visit boxes by descending score (stable), keep a box unless its IoU with an
    already kept box is > iou_thr; stop after max_keep kept boxes. Returns kept indices."""
    order = np.argsort(-scores, kind="stable")
    keep = []
    suppressed = np.zeros(len(order), bool)
    b = boxes[order]
    for i in range(len(order)):
        if suppressed[i]:
            continue
        keep.append(order[i])
        if len(keep) >= max_keep:
            break
        rest = i + 1
        if rest < len(order):
            ious = box_iou_one_to_many(b[i], b[rest:])
            suppressed[rest:] |= ious > iou_thr
    return np.array(keep, np.int64)


def decode(output, r, left, top, img_w, img_h, conf=0.001, iou=0.5, max_det=300, reported=None):
    """output: numpy [4+C, N] for one image (model output without the batch dim).
    Each anchor votes for its best class; anchors whose best class is not reported (class id >=
    reported: look-alikes) are dropped before NMS and the max_det cap, as in the Java decoder.
    Returns (boxes xyxy in original image pixels [K,4], scores [K], classes [K])."""
    C = output.shape[0] - 4
    cls_scores = output[4:]
    if C == 1:
        cls_id = np.zeros(output.shape[1], np.int64)
        score = cls_scores[0]
    else:
        cls_id = cls_scores.argmax(0)
        score = cls_scores.max(0)
    m = score >= conf
    if reported is not None:
        m &= cls_id < reported
    cx, cy, w, h = output[0, m], output[1, m], output[2, m], output[3, m]
    score, cls_id = score[m], cls_id[m]
    x1 = (cx - w / 2 - left) / r; y1 = (cy - h / 2 - top) / r
    x2 = (cx + w / 2 - left) / r; y2 = (cy + h / 2 - top) / r
    boxes = np.stack([np.clip(x1, 0, img_w), np.clip(y1, 0, img_h),
                      np.clip(x2, 0, img_w), np.clip(y2, 0, img_h)], 1).astype(np.float64)
    ok = (boxes[:, 2] > boxes[:, 0]) & (boxes[:, 3] > boxes[:, 1])  # drop boxes with no area in the frame
    boxes, score, cls_id = boxes[ok], score[ok], cls_id[ok]
    out_b, out_s, out_c = [], [], []
    for c in np.unique(cls_id):
        idx = np.nonzero(cls_id == c)[0]
        k = idx[nms(boxes[idx], score[idx].astype(np.float64), iou, max_det)]
        out_b.append(boxes[k]); out_s.append(score[k]); out_c.append(cls_id[k])
    if not out_b:
        return np.zeros((0, 4)), np.zeros(0), np.zeros(0, np.int64)
    b, s, c = np.concatenate(out_b), np.concatenate(out_s), np.concatenate(out_c)
    o = np.argsort(-s, kind="stable")[:max_det]
    return b[o], s[o], c[o]


# --------------------------------------------------------------------------- metrics
IOU_THRS = np.linspace(0.5, 0.95, 10)


def iou_matrix(a, b):
    """IoU of xyxy boxes a [D,4] x b [G,4] -> [D,G] (continuous coordinates, no +1)."""
    if len(a) == 0 or len(b) == 0:
        return np.zeros((len(a), len(b)))
    ix1 = np.maximum(a[:, None, 0], b[None, :, 0]); iy1 = np.maximum(a[:, None, 1], b[None, :, 1])
    ix2 = np.minimum(a[:, None, 2], b[None, :, 2]); iy2 = np.minimum(a[:, None, 3], b[None, :, 3])
    inter = np.clip(ix2 - ix1, 0, None) * np.clip(iy2 - iy1, 0, None)
    aa = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    ab = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    union = aa[:, None] + ab[None, :] - inter
    return np.where(union > 0, inter / np.maximum(union, 1e-12), 0.0)


def match_image(det_boxes, det_scores, gt_boxes, iou_thr, ious=None):
    """Greedy matching of one image / one class: detections in descending score order, each takes
    the still unmatched ground truth with the highest IoU if that IoU >= iou_thr."""
    tp = np.zeros(len(det_scores), bool)
    if len(gt_boxes) == 0 or len(det_scores) == 0:
        return tp
    if ious is None:
        ious = iou_matrix(det_boxes, gt_boxes)
    order = np.argsort(-det_scores, kind="stable")
    cand = ious.max(1) >= iou_thr
    used = np.zeros(len(gt_boxes), bool)
    for i in order:
        if not cand[i]:
            continue
        row = np.where(used, -1.0, ious[i])
        j = int(np.argmax(row))
        if row[j] >= iou_thr:
            used[j] = True
            tp[i] = True
            if used.all():
                break
    return tp


def ap_101(tp_sorted, n_gt):
    """COCO 101-point interpolated AP from TP flags sorted by descending score."""
    if n_gt == 0:
        return float("nan")
    if len(tp_sorted) == 0:
        return 0.0
    tpc = np.cumsum(tp_sorted)
    fpc = np.cumsum(~tp_sorted)
    rec = tpc / n_gt
    prec = tpc / (tpc + fpc)
    # precision envelope (monotone non-increasing from the right)
    prec = np.maximum.accumulate(prec[::-1])[::-1]
    rs = np.linspace(0, 1, 101)
    idx = np.searchsorted(rec, rs, side="left")
    q = np.where(idx < len(prec), prec[np.minimum(idx, len(prec) - 1)], 0.0)
    return float(q.mean())


class Evaluator:
    """Accumulates per-image detections (max 300, conf 0.001) and ground truth."""

    def __init__(self, num_classes=1):
        self.nc = num_classes
        self.images = []  # (det_boxes, det_scores, det_cls, gt_boxes, gt_cls)
        self._map = None
        self._ious = {}

    def add(self, det_boxes, det_scores, det_cls, gt_boxes, gt_cls):
        self.images.append((np.asarray(det_boxes, np.float64).reshape(-1, 4), np.asarray(det_scores, np.float64),
                            np.asarray(det_cls, np.int64), np.asarray(gt_boxes, np.float64).reshape(-1, 4),
                            np.asarray(gt_cls, np.int64)))

    def _tp_lists(self, c, iou_thr, score_thr=None, max_det=None):
        scores, tps, n_gt = [], [], 0
        for k, (db, ds, dc, gb, gc) in enumerate(self.images):
            key = (k, c)
            if key not in self._ious:
                self._ious[key] = iou_matrix(db[dc == c], gb[gc == c])
            ious_c = self._ious[key]
            n = len(ds) if max_det is None else min(max_det, len(ds))  # detections sorted by score desc
            m = dc == c
            m[n:] = False
            if score_thr is not None:
                m &= ds >= score_thr
            g = gb[gc == c]
            n_gt += len(g)
            rows = m[dc == c]
            tps.append(match_image(db[m], ds[m], g, iou_thr, ious_c[rows]))
            scores.append(ds[m])
        s = np.concatenate(scores) if scores else np.zeros(0)
        t = np.concatenate(tps) if tps else np.zeros(0, bool)
        o = np.argsort(-s, kind="stable")
        return s[o], t[o], n_gt

    def map(self):
        """Returns (mAP50, mAP50_95) averaged over classes that have ground truth."""
        if self._map is None:
            self._map = self._compute_map()
        return self._map

    def map50(self):
        """mAP@0.5 only (cheap; used for per-epoch validation)."""
        if self._map is not None:
            return self._map[0]
        aps = []
        for c in range(self.nc):
            _, tp, n_gt = self._tp_lists(c, 0.5)
            ap = ap_101(tp, n_gt)
            if not np.isnan(ap):
                aps.append(ap)
        return float(np.mean(aps)) if aps else 0.0

    def _compute_map(self):
        ap50, ap5095 = [], []
        for c in range(self.nc):
            aps = []
            for t in IOU_THRS:
                _, tp, n_gt = self._tp_lists(c, t)
                aps.append(ap_101(tp, n_gt))
            if np.isnan(aps[0]):
                continue
            ap50.append(aps[0]); ap5095.append(float(np.mean(aps)))
        if not ap50:
            return 0.0, 0.0
        return float(np.mean(ap50)), float(np.mean(ap5095))

    def prf(self, score_thr, max_det=100, iou_thr=0.5):
        tp_all, n_det, n_gt = 0, 0, 0
        for c in range(self.nc):
            s, tp, g = self._tp_lists(c, iou_thr, score_thr, max_det)
            tp_all += int(tp.sum()); n_det += len(s); n_gt += g
        p = tp_all / n_det if n_det else 0.0
        r = tp_all / n_gt if n_gt else 0.0
        f1 = 2 * p * r / (p + r) if p + r > 0 else 0.0
        return p, r, f1

    def best_f1_threshold(self, max_det=100, iou_thr=0.5):
        """Score threshold (one of the detection scores) maximising F1 (all classes pooled)."""
        ss, tt, n_gt = [], [], 0
        for c in range(self.nc):
            s, tp, g = self._tp_lists(c, iou_thr, None, max_det)
            ss.append(s); tt.append(tp); n_gt += g
        s = np.concatenate(ss); tp = np.concatenate(tt)
        o = np.argsort(-s, kind="stable"); s, tp = s[o], tp[o]
        if len(s) == 0 or n_gt == 0:
            return 0.25, 0.0
        tpc = np.cumsum(tp); k = np.arange(1, len(s) + 1)
        p = tpc / k; r = tpc / n_gt
        f1 = np.where(p + r > 0, 2 * p * r / np.maximum(p + r, 1e-12), 0)
        # only cut between distinct scores
        valid = np.append(s[1:] < s[:-1], True)
        f1 = np.where(valid, f1, -1)
        i = int(np.argmax(f1))
        return float(s[i]), float(f1[i])
