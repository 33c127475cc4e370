"""Compact anchor-free single-stage detector (YOLOv8-style, no DFL).

Backbone: CSP (C2f) stages, strides 2..32, SPPF.  Neck: FPN + PAN.  Head: decoupled box / cls
branches per level (strides 8, 16, 32).  Box branch predicts distances (left, top, right, bottom)
from the anchor point in units of the stride through softplus.

forward(x) returns the deployment contract: [B, 4+C, N] with rows cx, cy, w, h (input pixels)
and sigmoid class probabilities; N = sum over strides of (H/s)*(W/s), level order 8, 16, 32,
row-major (y, then x) inside a level.  Anchor points are computed from the feature-map shapes
with tensor ops only, so a traced model works for any H, W that are multiples of 32.

NanoDetDetector (arch "nanodet") swaps backbone + neck for NanoDet-g's pretrained ones (nanodet.py)
and keeps this head and output; build_model(config) picks the class from config["arch"] (absent in
checkpoints of the original network: Detector).
"""
import math
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

STRIDES = (8, 16, 32)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # nanodet.py beside this file


class Conv(nn.Module):
    def __init__(self, c1, c2, k=1, s=1, g=1):
        super().__init__()
        self.conv = nn.Conv2d(c1, c2, k, s, k // 2, groups=g, bias=False)
        self.bn = nn.BatchNorm2d(c2, eps=1e-3, momentum=0.03)
        self.act = nn.SiLU(inplace=True)

    def forward(self, x):
        return self.act(self.bn(self.conv(x)))


class Bottleneck(nn.Module):
    def __init__(self, c, shortcut=True):
        super().__init__()
        self.cv1 = Conv(c, c, 3)
        self.cv2 = Conv(c, c, 3)
        self.add = shortcut

    def forward(self, x):
        y = self.cv2(self.cv1(x))
        return x + y if self.add else y


class C2f(nn.Module):
    def __init__(self, c1, c2, n=1, shortcut=True):
        super().__init__()
        self.c = c2 // 2
        self.cv1 = Conv(c1, 2 * self.c, 1)
        self.cv2 = Conv((2 + n) * self.c, c2, 1)
        self.m = nn.ModuleList(Bottleneck(self.c, shortcut) for _ in range(n))

    def forward(self, x):
        y = list(self.cv1(x).chunk(2, 1))
        for m in self.m:
            y.append(m(y[-1]))
        return self.cv2(torch.cat(y, 1))


class SPPF(nn.Module):
    def __init__(self, c1, c2, k=5):
        super().__init__()
        c_ = c1 // 2
        self.cv1 = Conv(c1, c_, 1)
        self.cv2 = Conv(c_ * 4, c2, 1)
        self.m = nn.MaxPool2d(k, 1, k // 2)

    def forward(self, x):
        x = self.cv1(x)
        y1 = self.m(x); y2 = self.m(y1); y3 = self.m(y2)
        return self.cv2(torch.cat([x, y1, y2, y3], 1))


class Detector(nn.Module):
    def __init__(self, num_classes=1, widths=(16, 24, 48, 96, 160), depths=(1, 1, 2, 1), neck=(40, 56, 88),
                 head=(32, 40, 56)):
        super().__init__()
        self.nc = num_classes
        w0, w1, w2, w3, w4 = widths
        d1, d2, d3, d4 = depths
        # no "arch" key: checkpoints of this network (all before the NanoDet variant) have none either;
        # build_model() treats a config without it as this network
        self.config = dict(num_classes=num_classes, widths=list(widths), depths=list(depths), neck=list(neck),
                           head=list(head))
        # backbone
        self.stem = Conv(3, w0, 3, 2)                                    # /2
        self.s1 = nn.Sequential(Conv(w0, w1, 3, 2), C2f(w1, w1, d1))     # /4
        self.s2 = nn.Sequential(Conv(w1, w2, 3, 2), C2f(w2, w2, d2))     # /8  -> P3
        self.s3 = nn.Sequential(Conv(w2, w3, 3, 2), C2f(w3, w3, d3))     # /16 -> P4
        self.s4 = nn.Sequential(Conv(w3, w4, 3, 2), C2f(w4, w4, d4), SPPF(w4, w4))  # /32 -> P5
        n3, n4, n5 = neck
        # FPN (top-down)
        self.up = nn.Upsample(scale_factor=2.0, mode="nearest")
        self.td4 = C2f(w4 + w3, n4, 1, shortcut=False)
        self.td3 = C2f(n4 + w2, n3, 1, shortcut=False)
        # PAN (bottom-up)
        self.dn3 = Conv(n3, n3, 3, 2)
        self.bu4 = C2f(n3 + n4, n4, 1, shortcut=False)
        self.dn4 = Conv(n4, n4, 3, 2)
        self.bu5 = C2f(n4 + w4, n5, 1, shortcut=False)
        self._make_heads((n3, n4, n5), head, num_classes)

    def _make_heads(self, chans, head, num_classes):
        """Decoupled heads per level (strides 8/16/32): two Conv(3x3)+BN+SiLU then a 1x1 to 4 box
        distances / num_classes logits. Shared by every architecture (same names in the state dict)."""
        self.box_heads = nn.ModuleList()
        self.cls_heads = nn.ModuleList()
        for c, hc in zip(chans, head):
            self.box_heads.append(nn.Sequential(Conv(c, hc, 3), Conv(hc, hc, 3), nn.Conv2d(hc, 4, 1)))
            self.cls_heads.append(nn.Sequential(Conv(c, hc, 3), Conv(hc, hc, 3), nn.Conv2d(hc, num_classes, 1)))
        self._init_bias()

    def _init_bias(self):
        for bh, ch, s in zip(self.box_heads, self.cls_heads, STRIDES):
            nn.init.constant_(bh[-1].bias, math.log(math.expm1(2.0)))  # softplus -> 2 strides each side
            # prior probability so that ~5 objects per 640x640 image are expected
            ch[-1].bias.data.fill_(math.log(5 / self.nc / (640 / s) ** 2))

    def features(self, x):
        c2 = self.s2(self.s1(self.stem(x)))
        c3 = self.s3(c2)
        c4 = self.s4(c3)
        p4 = self.td4(torch.cat([self.up(c4), c3], 1))
        p3 = self.td3(torch.cat([self.up(p4), c2], 1))
        q4 = self.bu4(torch.cat([self.dn3(p3), p4], 1))
        q5 = self.bu5(torch.cat([self.dn4(q4), c4], 1))
        return [p3, q4, q5]

    def raw(self, x):
        """Per level: (box_raw [B,4,h,w], cls_logit [B,C,h,w])."""
        return [(bh(f), ch(f)) for f, bh, ch in zip(self.features(x), self.box_heads, self.cls_heads)]

    @staticmethod
    def _anchor_grid(t):
        """Anchor centres of a [B,*,h,w] map in units of cells ((i+0.5)), shape-dynamic for tracing."""
        ones = torch.ones_like(t[:1, :1])  # [1,1,h,w]
        gx = ones.cumsum(3) - 0.5
        gy = ones.cumsum(2) - 0.5
        return gx, gy

    def forward_train(self, x):
        """Returns (boxes xyxy in input pixels [B,N,4], cls logits [B,N,C], anchor points [N,2], strides [N,1])."""
        boxes, logits, anchors, strides = [], [], [], []
        for (br, cl), s in zip(self.raw(x), STRIDES):
            B, _, h, w = br.shape
            gx, gy = self._anchor_grid(br)
            ax = (gx * s).reshape(-1)
            ay = (gy * s).reshape(-1)
            d = F.softplus(br).reshape(B, 4, -1) * s
            boxes.append(torch.stack([ax - d[:, 0], ay - d[:, 1], ax + d[:, 2], ay + d[:, 3]], -1))
            logits.append(cl.reshape(B, self.nc, -1).transpose(1, 2))
            anchors.append(torch.stack([ax, ay], -1))
            strides.append(torch.full((h * w, 1), float(s), device=x.device))
        return torch.cat(boxes, 1), torch.cat(logits, 1), torch.cat(anchors, 0), torch.cat(strides, 0)

    def forward(self, x):
        """Deployment output [B, 4+C, N]: cx, cy, w, h in input pixels, then sigmoid scores."""
        outs = []
        for (br, cl), s in zip(self.raw(x), STRIDES):
            B = br.shape[0]
            gx, gy = self._anchor_grid(br)
            d = F.softplus(br) * s
            l, t, r, b = d[:, 0:1], d[:, 1:2], d[:, 2:3], d[:, 3:4]
            cx = gx * s + (r - l) * 0.5
            cy = gy * s + (b - t) * 0.5
            o = torch.cat([cx, cy, l + r, t + b, torch.sigmoid(cl)], 1)
            outs.append(o.flatten(2))
        return torch.cat(outs, 2)


class NanoDetDetector(Detector):
    """NanoDet-g's pretrained backbone (CustomCspNet, C3/C4/C5 = 128/256/512 ch) and PAN neck (128 ch
    at strides 8/16/32), converted from the npm TF.js graph by nanodet.py, feeding this project's
    decoupled head (`_make_heads`, the same modules and state-dict names as Detector's). forward /
    forward_train / raw are Detector's, so the output contract [B, 4+C, N] (README section 1), the
    loss, the evaluator, the export and the Java side are unchanged.

    Input stays the contract's RGB pixel / 255: the stem is nanodet.RGB01Stem, NanoDet's BGR
    (pixel - mean) / std folded into the first convolution (exact, padding included).

    BatchNorm: the converted weights have it folded into conv + bias, and the converted module is
    fine-tuned as it is (plain conv + bias, LeakyReLU 0.1), with no BN re-inserted. Why: (1) the
    folded convs compute exactly the pretrained function; a re-inserted BN would need running
    statistics that are not in the package (only their product with the weights is), and in
    training mode it would normalise by batch statistics of 16 crops and so change the pretrained
    features from the first step; (2) with no BN in the body, training and eval mode compute the
    same function and EMA / export have nothing to re-estimate. The cost of fine-tuning without BN
    (a less well-conditioned optimisation) is met with a smaller learning rate for the pretrained
    parts (train.py --pretrained-lr-mult) and, optionally, a frozen backbone while the new head
    learns (--freeze-backbone-epochs). The head keeps its own Conv+BN+SiLU blocks, so
    fuse_for_export folds those BNs exactly as for Detector; the NanoDet convs have none to fold.

    pretrained=True (or a directory) loads the converted weights (nanodet.DEFAULT_DIR); rebuilding
    from a checkpoint's config does not need them (the state dict carries the weights).
    """

    def __init__(self, num_classes=1, head=(32, 40, 56), arch="nanodet", pretrained=False):
        nn.Module.__init__(self)
        if arch != "nanodet":
            raise ValueError(f"NanoDetDetector: arch {arch!r}")
        import nanodet
        self.nc = num_classes
        self.config = dict(arch="nanodet", num_classes=num_classes, head=list(head))
        self.backbone = nanodet.CustomCspNet()
        self.backbone.stem = nanodet.RGB01Stem(self.backbone.stem)  # takes RGB / 255 (weights set below)
        self.fpn = nanodet.PAN(nanodet.CustomCspNet.out_channels, 128)
        self._make_heads((128, 128, 128), head, num_classes)
        if pretrained:
            self.load_pretrained(None if pretrained is True else pretrained)

    def load_pretrained(self, model_dir=None):
        """Backbone + PAN weights from the converted NanoDet-g-416 (COCO): the state dict written by
        `nanodet.py convert` (.cache/nanodet/nanodet-g-416.pt) if present, else converted from the TF.js
        files; normalisation folded into the stem. Returns the converted (folded) NanoDetG for checks."""
        import nanodet
        model_dir = model_dir or nanodet.DEFAULT_DIR
        pt = os.path.join(model_dir, "nanodet-g-416.pt")
        if os.path.isfile(pt):
            g = nanodet.NanoDetG()
            g.load_state_dict(torch.load(pt, map_location="cpu")["state_dict"])
        elif os.path.isfile(os.path.join(model_dir, "nanodet.json")):
            g = nanodet.convert(model_dir)
        else:
            raise FileNotFoundError(f"no NanoDet weights in {model_dir}: run models/training/fetch-pretrained.sh "
                                    f"and /usr/bin/python3 models/training/nanodet.py convert")
        g = nanodet.fold_input_normalisation(g.eval())
        self.backbone.load_state_dict(g.backbone.state_dict())
        self.fpn.load_state_dict(g.fpn.state_dict())
        return g

    def features(self, x):
        return self.fpn(self.backbone(x))

    def pretrained_parameters(self):
        """(name, parameter) of the parts that start from NanoDet (backbone and PAN)."""
        return [(n, p) for n, p in self.named_parameters() if n.startswith(PRETRAINED_PREFIXES)]


PRETRAINED_PREFIXES = ("backbone.", "fpn.")
ARCHS = {"csp": Detector, "nanodet": NanoDetDetector}


def build_model(config=None, **kw):
    """The detector a config describes: config["arch"] "nanodet" -> NanoDetDetector, anything else
    (absent in every checkpoint before the variant, or "csp") -> Detector. Keyword arguments override
    the config (e.g. pretrained=True for a fresh NanoDet start)."""
    cfg = dict(config or {}, **kw)
    arch = cfg.pop("arch", "csp")
    if arch == "csp":
        cfg.pop("pretrained", None)
        return Detector(**cfg)
    if arch not in ARCHS:
        raise ValueError(f"unknown arch {arch!r} (known: {sorted(ARCHS)})")
    return ARCHS[arch](arch=arch, **cfg)


def expand_classes(state, new_nc, margin=1.0):
    """Widen a checkpoint's class rows (the last 1x1 conv of each classification head) to new_nc.
    Existing classes keep their weights. New ones start as copies of class 0 (pothole) with a bias
    `margin` lower: they inherit its "something on the road" response, so they only have to learn
    what tells them apart, while class 0 still wins every anchor and the network detects exactly as
    before until training moves them. (Zero-initialised rows at the prior bias needed many epochs
    just to climb to a useful logit.) Returns the old class count."""
    old_nc = None
    for i in range(len(STRIDES)):
        w, b = state[f"cls_heads.{i}.2.weight"], state[f"cls_heads.{i}.2.bias"]
        old_nc = w.shape[0]
        if new_nc < old_nc:
            raise ValueError(f"checkpoint has {old_nc} classes, cannot shrink to {new_nc}")
        if new_nc == old_nc:
            continue
        add = new_nc - old_nc
        state[f"cls_heads.{i}.2.weight"] = torch.cat([w, w[:1].repeat(add, 1, 1, 1)], 0)
        state[f"cls_heads.{i}.2.bias"] = torch.cat([b, (b[:1] - margin).repeat(add)])
    return old_nc


def count_flops(model, h=640, w=640):
    """Multiply-accumulates of conv layers (x2 = FLOPs) for a 1x3xhxw input."""
    macs = [0]

    def hook(m, inp, out):
        k = m.kernel_size[0] * m.kernel_size[1]
        macs[0] += out.numel() * (m.in_channels // m.groups) * k

    hs = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, nn.Conv2d)]
    with torch.no_grad():
        model.eval()(torch.zeros(1, 3, h, w))
    for hh in hs:
        hh.remove()
    return macs[0]


def fuse_for_export(model):
    """Fold BatchNorm into the preceding conv (eval-mode equivalent, faster inference)."""
    from torch.nn.utils.fusion import fuse_conv_bn_eval
    model.eval()
    for m in model.modules():
        if isinstance(m, Conv) and isinstance(m.bn, nn.BatchNorm2d):
            m.conv = fuse_conv_bn_eval(m.conv, m.bn)
            m.bn = nn.Identity()
    return model
