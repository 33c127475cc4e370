"""The NanoDet-backbone variant of the detector (model.NanoDetDetector, train.py --arch nanodet).

    /usr/bin/python3 -m unittest discover -s models/training -p 'test_*.py'

Needs the fetched and converted NanoDet weights (models/training/fetch-pretrained.sh, then
/usr/bin/python3 models/training/nanodet.py convert); without them the tests are skipped with a
message saying what to run. VEJSYN_NANODET_DIR overrides the cache folder.
"""
import os
import sys
import tempfile
import unittest

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

try:
    import torch
except ImportError:  # the pyenv python3 on PATH has no torch; Debian's /usr/bin/python3 has
    torch = None

MODEL_DIR = os.environ.get("VEJSYN_NANODET_DIR", os.path.join(HERE, ".cache", "nanodet"))
HAVE_WEIGHTS = os.path.isfile(os.path.join(MODEL_DIR, "nanodet-g-416.pt")) or \
    all(os.path.isfile(os.path.join(MODEL_DIR, f)) for f in ("nanodet.json", "nanodet.bin"))
FETCH = ("run models/training/fetch-pretrained.sh (and /usr/bin/python3 models/training/nanodet.py convert), "
         "or copy a filled .cache/nanodet/ from another checkout")


def rel_diff(a, b):
    return (a - b).abs().max().item() / max(b.abs().max().item(), 1e-12)


@unittest.skipIf(torch is None, "PyTorch missing: run with Debian's /usr/bin/python3 (apt-get install python3-torch)")
@unittest.skipUnless(HAVE_WEIGHTS, f"NanoDet weights not in {MODEL_DIR}: {FETCH}")
class NanoDetDetectorTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        import model
        import nanodet
        torch.set_num_threads(2)
        cls.M, cls.nd = model, nanodet
        torch.manual_seed(0)
        cls.model = model.NanoDetDetector(num_classes=2)
        cls.folded = cls.model.load_pretrained(MODEL_DIR)  # the converted NanoDetG, normalisation folded
        cls.model.eval()

    def fresh(self, nc=2, seed=0):
        torch.manual_seed(seed)
        m = self.M.NanoDetDetector(num_classes=nc)
        m.load_state_dict(self.model.state_dict()) if nc == self.model.nc else m.load_pretrained(MODEL_DIR)
        return m

    # ------------------------------------------------------------------ contract
    def test_output_contract_at_640x640_and_800x512(self):
        for h, w in ((640, 640), (512, 800)):
            x = torch.rand(2, 3, h, w)
            with torch.no_grad():
                y = self.model(x)
                boxes, logits, anchors, strides = self.model.forward_train(x)
            n = sum((h // s) * (w // s) for s in (8, 16, 32))
            self.assertEqual((2, 4 + 2, n), tuple(y.shape))
            self.assertEqual(8400, n)
            self.assertTrue(bool((y[:, 2:4] > 0).all()), "widths and heights are positive")
            self.assertTrue(bool(((y[:, 4:] >= 0) & (y[:, 4:] <= 1)).all()), "scores are sigmoid probabilities")
            # the deployment rows are the training outputs decoded: cx, cy, w, h and sigmoid scores
            cxcywh = torch.stack([(boxes[..., 0] + boxes[..., 2]) / 2, (boxes[..., 1] + boxes[..., 3]) / 2,
                                  boxes[..., 2] - boxes[..., 0], boxes[..., 3] - boxes[..., 1]], 1)
            torch.testing.assert_close(y[:, :4], cxcywh, atol=1e-3, rtol=1e-4)
            torch.testing.assert_close(y[:, 4:], logits.sigmoid().transpose(1, 2))
            # columns by stride (8, 16, 32), row-major inside a level: anchor ((x+0.5)s, (y+0.5)s)
            gw8 = w // 8
            self.assertEqual((4.0, 4.0), tuple(anchors[0].tolist()))
            self.assertEqual((12.0, 4.0), tuple(anchors[1].tolist()))
            self.assertEqual((4.0, 12.0), tuple(anchors[gw8].tolist()))
            self.assertEqual(16.0, strides[(h // 8) * gw8].item())
            self.assertEqual((8.0, 8.0), tuple(anchors[(h // 8) * gw8].tolist()))  # (0.5*16, 0.5*16)

    def test_config_names_the_architecture_and_rebuilds_it(self):
        cfg = self.model.config
        self.assertEqual("nanodet", cfg["arch"])
        twin = self.M.build_model(cfg)
        self.assertIsInstance(twin, self.M.NanoDetDetector)
        twin.load_state_dict(self.model.state_dict())  # strict: same modules, same names
        self.assertIs(type(self.M.build_model({"num_classes": 1})), self.M.Detector)  # no arch: the csp network
        self.assertIs(type(self.M.build_model({"arch": "csp", "num_classes": 1})), self.M.Detector)
        with self.assertRaises(ValueError):
            self.M.build_model({"arch": "resnet", "num_classes": 1})

    # ------------------------------------------------------------------ pretrained weights
    def test_backbone_and_neck_are_the_converted_nanodet(self):
        x = torch.rand(1, 3, 256, 320)
        with torch.no_grad():
            ours_c = self.model.backbone(x)
            ours_p = self.model.fpn(ours_c)
            ref_c = self.folded.backbone(x)
            ref_p = self.folded.fpn(ref_c)
        for a, b in zip(ours_c + ours_p, ref_c + ref_p):
            self.assertTrue(torch.equal(a, b))
        # and the unfolded original on NanoDet's own input (BGR, (pixel - mean) / std): the folding is exact
        orig = self.nd.NanoDetG().eval()
        pt = os.path.join(MODEL_DIR, "nanodet-g-416.pt")
        if os.path.isfile(pt):
            orig.load_state_dict(torch.load(pt, map_location="cpu")["state_dict"])
        else:
            orig = self.nd.convert(MODEL_DIR)
        img = np.random.default_rng(1).integers(0, 256, (256, 320, 3), dtype=np.uint8)  # RGB
        x_rgb = torch.from_numpy(np.ascontiguousarray(img.transpose(2, 0, 1)))[None].float() / 255
        with torch.no_grad():
            ours = self.model.fpn(self.model.backbone(x_rgb))
            ref = orig.fpn(orig.backbone(self.nd.normalise(img[:, :, ::-1])))
        for a, b in zip(ours, ref):
            self.assertLess(rel_diff(a, b), 1e-4)
        # a randomly initialised network is far from it: the weights really were loaded
        torch.manual_seed(3)
        rnd = self.M.NanoDetDetector(num_classes=2).eval()
        with torch.no_grad():
            self.assertGreater(rel_diff(rnd.backbone(x)[0], ref_c[0]), 0.1)

    def test_checkpoint_rebuild_does_not_need_the_weights_files(self):
        m = self.M.build_model(self.model.config)  # pretrained not asked for: no file is read
        self.assertFalse(torch.equal(m.backbone.stages[0].in_conv.conv.weight,
                                     self.model.backbone.stages[0].in_conv.conv.weight))
        with self.assertRaises(FileNotFoundError):
            self.M.NanoDetDetector(num_classes=1).load_pretrained(tempfile.mkdtemp())

    # ------------------------------------------------------------------ export
    def test_fuse_for_export_keeps_the_outputs(self):
        m = self.fresh()
        # non-trivial BatchNorm statistics in the head (the NanoDet parts have none: folded)
        g = torch.Generator().manual_seed(5)
        for mod in m.modules():
            if isinstance(mod, torch.nn.BatchNorm2d):
                mod.running_mean.copy_(torch.randn(mod.num_features, generator=g) * 0.1)
                mod.running_var.copy_(torch.rand(mod.num_features, generator=g) + 0.5)
                mod.weight.data.copy_(torch.rand(mod.num_features, generator=g) + 0.5)
        m.eval()
        x = torch.rand(1, 3, 256, 320)
        with torch.no_grad():
            before = m(x)
            fused = self.M.fuse_for_export(m)
            after = fused(x)
        self.assertFalse(any(isinstance(mod, torch.nn.BatchNorm2d) for mod in fused.modules()))
        self.assertLess(rel_diff(after, before), 1e-5)

    def test_traced_channels_last_export_equals_eager(self):
        import channels_last
        import export
        ck = {"model_config": self.model.config, "ema": self.model.state_dict()}
        eager, traced, d, flops = export.build_traced(ck)  # traces at 640x640, checks 800x512
        self.assertIsInstance(eager, self.M.NanoDetDetector)
        self.assertLess(d, 1e-3)
        cl, cl_diff = channels_last.convert(traced, 800, 512)
        self.assertLess(cl_diff, 1e-2)
        x = torch.rand(1, 3, 512, 800)
        with torch.no_grad():
            ref = self.model(x)
            out = cl(x)
        self.assertEqual(tuple(ref.shape), tuple(out.shape))
        # box rows are in pixels (up to ~800), scores 0..1: rounding only
        self.assertLess((out[:, :4] - ref[:, :4]).abs().max().item(), 1e-2)
        self.assertLess((out[:, 4:] - ref[:, 4:]).abs().max().item(), 1e-4)
        with tempfile.TemporaryDirectory() as tmp:
            p = os.path.join(tmp, "m.pt")
            torch.jit.save(cl, p)
            back = torch.jit.load(p)
            with torch.no_grad():
                self.assertTrue(torch.equal(back(x), out))

    # ------------------------------------------------------------------ training
    def test_a_training_step_on_synthetic_images_reduces_the_loss(self):
        from loss import DetectionLoss
        m = self.fresh(nc=1)
        m.train()
        rng = np.random.default_rng(0)
        imgs = np.full((4, 3, 160, 160), 128, np.uint8)
        boxes = np.zeros((4, 2, 4), np.float32)
        labels = np.zeros((4, 2), np.int64)
        mask = np.zeros((4, 2), bool)
        for i in range(4):
            imgs[i] = rng.integers(90, 170, (3, 160, 160))  # textured road-ish grey
            for j in range(1 + i % 2):
                x0, y0 = rng.integers(10, 100, 2)
                s = int(rng.integers(24, 48))
                imgs[i, :, y0:y0 + s, x0:x0 + s] = 30  # a dark "pothole"
                boxes[i, j] = (x0, y0, x0 + s, y0 + s)
                mask[i, j] = True
        x = torch.from_numpy(imgs).float() / 255
        lossf = DetectionLoss(1)
        opt = torch.optim.AdamW(m.parameters(), lr=2e-3, weight_decay=0.0)
        lab, box, msk = torch.from_numpy(labels), torch.from_numpy(boxes), torch.from_numpy(mask)
        losses = []
        for _ in range(4):
            loss, _, _ = lossf(m.forward_train(x), lab, box, msk)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            self.assertTrue(all(p.grad is not None for n, p in m.named_parameters() if n.startswith("backbone.")),
                            "gradients reach the pretrained backbone")
            opt.step()
            losses.append(loss.item())
        with torch.no_grad():
            final = lossf(m.forward_train(x), lab, box, msk)[0].item()
        self.assertTrue(np.isfinite(losses).all())
        self.assertLess(final, losses[0])

    def test_frozen_pretrained_parts_stay_put(self):
        from loss import DetectionLoss
        m = self.fresh(nc=1)
        m.train()
        for n, p in m.pretrained_parameters():
            p.requires_grad_(False)
        before = {n: p.detach().clone() for n, p in m.named_parameters()}
        opt = torch.optim.AdamW(m.parameters(), lr=1e-2, weight_decay=0.05)
        x = torch.rand(2, 3, 128, 128)
        loss, _, _ = DetectionLoss(1)(m.forward_train(x), torch.zeros(2, 1, dtype=torch.long),
                                      torch.tensor([[[10., 10., 60., 60.]], [[40., 30., 90., 100.]]]),
                                      torch.ones(2, 1, dtype=torch.bool))
        loss.backward()
        opt.step()
        names = {n for n, _ in m.pretrained_parameters()}
        self.assertTrue(names and all(n.startswith(("backbone.", "fpn.")) for n in names))
        for n, p in m.named_parameters():
            if n in names:
                self.assertTrue(torch.equal(p, before[n]), n)
        self.assertTrue(any(not torch.equal(p, before[n]) for n, p in m.named_parameters() if n not in names))

    # ------------------------------------------------------------------ checkpoints
    def test_checkpoint_round_trip_through_carry_rebuilds_the_architecture(self):
        import carry
        m = self.fresh(nc=3)
        opt = torch.optim.AdamW(m.parameters(), lr=1e-3)
        m.train()
        m(torch.rand(1, 3, 96, 96)).float().pow(2).mean().backward()
        opt.step()
        ck = {"model": m.state_dict(), "ema": m.state_dict(), "optimizer": opt.state_dict(), "epoch": 1,
              "model_config": m.config, "classes": ["pothole", "crack", "patch"], "args": {"arch": "nanodet"}}
        with tempfile.TemporaryDirectory() as tmp:
            p = os.path.join(tmp, "carried.pt")
            carry.write(ck, p)
            back = carry.expand(torch.load(p, map_location="cpu"))
        twin = self.M.build_model(back["model_config"])
        self.assertIsInstance(twin, self.M.NanoDetDetector)
        self.assertEqual(m.config, twin.config)
        twin.load_state_dict(back["ema"])
        opt2 = torch.optim.AdamW(twin.parameters(), lr=1e-3)
        opt2.load_state_dict(back["optimizer"])
        m.eval(); twin.eval()
        x = torch.rand(1, 3, 128, 160)
        with torch.no_grad():
            a, b = m(x), twin(x)
        # float16 weights: boxes (pixels) and scores move by rounding only
        self.assertLess((a[:, 4:] - b[:, 4:]).abs().max().item(), 5e-3)
        self.assertLess((a[:, :4] - b[:, :4]).abs().max().item(), 1e-2 * a[:, :4].abs().max().item())


@unittest.skipIf(torch is None, "PyTorch missing: run with Debian's /usr/bin/python3 (apt-get install python3-torch)")
class OldCheckpointTest(unittest.TestCase):
    def test_the_carried_csp_checkpoint_still_rebuilds_as_before(self):
        """checkpoint-latest.pt (no arch key in its config) builds the csp Detector, strictly."""
        import carry
        import model
        p = os.path.join(HERE, "checkpoint-latest.pt")
        if not os.path.isfile(p):
            self.skipTest(f"{p} not present")
        ck = carry.expand(torch.load(p, map_location="cpu"))
        self.assertNotIn("arch", ck["model_config"])
        m = model.build_model(ck["model_config"])
        self.assertIs(type(m), model.Detector)
        m.load_state_dict(ck["ema"])
        self.assertEqual(ck["model_config"], m.config)


if __name__ == "__main__":
    unittest.main()
