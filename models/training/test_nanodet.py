"""Tests of the NanoDet TF.js -> PyTorch converter (nanodet.py).

    /usr/bin/python3 -m unittest discover -s models/training -p 'test_*.py'

Need the fetched weights (models/training/fetch-pretrained.sh) and, for the comparison with the
original graph, the TF.js reference run (cd models/training/nanodet-reference && npm ci &&
node reference.js); without them the tests are skipped with a message saying what to run.
VEJSYN_NANODET_DIR overrides the cache folder (default models/training/.cache/nanodet).
"""
import json
import os
import sys
import unittest

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

try:
    import torch
except ImportError:  # the pyenv python3 on PATH has no torch; Debian's /usr/bin/python3 has
    torch = None

MODEL_DIR = os.environ.get("VEJSYN_NANODET_DIR", os.path.join(HERE, ".cache", "nanodet"))
REF_DIR = os.path.join(MODEL_DIR, "reference")
HAVE_MODEL = all(os.path.isfile(os.path.join(MODEL_DIR, f)) for f in ("nanodet.json", "nanodet.bin"))
HAVE_REF = os.path.isfile(os.path.join(REF_DIR, "reference.json"))
FETCH = "run models/training/fetch-pretrained.sh"
REFERENCE = ("run: cd models/training/nanodet-reference && npm ci && node reference.js")
F16_EPS = 2.0 ** -10  # float16 relative precision (10 fraction bits)


@unittest.skipIf(torch is None, "PyTorch missing: run with Debian's /usr/bin/python3 (apt-get install python3-torch)")
@unittest.skipUnless(HAVE_MODEL, f"NanoDet weights not in {MODEL_DIR}: {FETCH}")
class ConverterTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        import nanodet
        torch.set_num_threads(2)
        cls.nd = nanodet
        cls.model = nanodet.convert(MODEL_DIR)

    def test_manifest_is_float16_and_fully_used(self):
        nodes, weights = self.nd.load_tfjs(MODEL_DIR)  # raises if the manifest does not cover the binary
        convs = self.nd.graph_convs(nodes, weights)
        self.assertEqual(34, len(convs))
        for c in convs:  # float16 -> float32 widening is exact: narrowing again gives the same values
            for a in (c["weight"], c["bias"]):
                np.testing.assert_array_equal(a, a.astype(np.float16).astype(np.float32))
        self.assertEqual({1, 2}, {c["stride"] for c in convs})
        self.assertEqual(28, sum(c["alpha"] == 0.1 for c in convs))  # LeakyReLU after 28 of the 34 convs

    def test_state_dict_holds_every_graph_weight(self):
        sd = self.model.state_dict()
        self.assertEqual(68, len(sd))  # 34 x (weight, bias)
        n = sum(v.numel() for v in sd.values())
        nodes, weights = self.nd.load_tfjs(MODEL_DIR)
        n_graph = sum(c["weight"].size + c["bias"].size for c in self.nd.graph_convs(nodes, weights))
        self.assertEqual(n_graph, n)

    def test_any_multiple_of_32(self):
        with torch.no_grad():
            out = self.model(torch.zeros(1, 3, 256, 320))
        self.assertEqual([(1, 32 * 40, 80), (1, 16 * 20, 80), (1, 8 * 10, 80)], [tuple(c.shape) for c, _ in out])
        self.assertEqual((1, 80, 44), tuple(out[2][1].shape))

    def test_folded_normalisation_takes_rgb01_exactly(self):
        img_rgb = self.nd.test_image()
        x_norm = self.nd.normalise(np.ascontiguousarray(img_rgb[:, :, ::-1]))
        x01 = torch.from_numpy(np.ascontiguousarray(img_rgb.transpose(2, 0, 1)))[None].float() / 255
        folded = self.nd.fold_input_normalisation(self.nd.convert(MODEL_DIR))
        a, b = self.nd.run_all(self.model, x_norm), self.nd.run_all(folded, x01)
        for k in a:
            rel = np.abs(a[k] - b[k]).max() / np.abs(a[k]).max()
            self.assertLess(rel, 1e-4, k)

    @unittest.skipUnless(HAVE_REF, f"no TF.js reference outputs in {REF_DIR}: {REFERENCE}")
    def test_matches_tfjs_graph(self):
        with open(os.path.join(REF_DIR, "reference.json")) as f:
            meta = json.load(f)
        self.assertEqual(self.nd.SHA256["nanodet.json"], meta["model_json_sha256"], "reference made from other files")
        self.assertEqual(self.nd.SHA256["nanodet.bin"], meta["model_bin_sha256"], "reference made from other files")
        # the reference input is the code-made test image, bit for bit
        np.testing.assert_array_equal(self.nd.test_input().numpy(), np.load(os.path.join(REF_DIR, "input.npy")))
        res, _ = self.nd.compare(MODEL_DIR, self.model)
        self.assertEqual(set(self.nd.REFERENCE_KEYS), set(res))
        worst = max(res.values(), key=lambda r: r["rel"])
        print(f"\n[nanodet] converted PyTorch vs TF.js {meta['tfjs_version']} ({meta['backend']}): max |diff| "
              f"{max(r['max_abs'] for r in res.values()):.2e}, max |diff| / max |ref| {worst['rel']:.2e} "
              f"over {len(res)} tensors (backbone C3-C5, PAN P3-P5, head outputs)", file=sys.stderr)
        for k, r in res.items():
            self.assertLessEqual(r["max_abs"], F16_EPS * r["max_ref"], f"{k}: {r}")


@unittest.skipIf(torch is None, "PyTorch missing: run with Debian's /usr/bin/python3")
class TestImageTest(unittest.TestCase):
    def test_deterministic_and_varied(self):
        import nanodet
        a, b = nanodet.test_image(), nanodet.test_image()
        np.testing.assert_array_equal(a, b)
        self.assertEqual((416, 416, 3), a.shape)
        self.assertGreater(len(np.unique(a)), 200)


if __name__ == "__main__":
    unittest.main()
