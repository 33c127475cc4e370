"""Tests of the explicit label mapping (common.LABEL_SOURCES, read_labels) and of how training uses it.

    /usr/bin/python3 -m unittest discover -s models/training -p 'test_*.py'

Every test writes its own label files (and tiny generated images) to a temporary folder; the last
test class also reads the real label files of ../shared/datasets when that folder exists.
"""
import os
import shutil
import sys
import tempfile
import unittest

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import common  # noqa: E402
from common import (MODEL_CLASSES, LabelError, annotated_rows, damage_rows_skipped, label_source,  # noqa: E402
                    read_labels)

try:
    import torch
except ImportError:
    torch = None

SHARED = os.path.normpath(os.path.join(HERE, "..", "..", "..", "shared", "datasets"))
RENDER_MD = ("# vejsyn-render (procedurally rendered road scenes)\n\n## Labels\n\n"
             "- YOLO, \"class cx cy w h\" normalised to 0..1. Classes: 0 = pothole, 1 = crack, 2 = patch, "
             "3 = manhole_cover, 4 = road_paint. Only class 0 (pothole,\n")


class TempDatasets(unittest.TestCase):
    def setUp(self):
        self.root = tempfile.mkdtemp(prefix="vejsyn-labels-")
        common._source_cache.clear()

    def tearDown(self):
        shutil.rmtree(self.root)

    def make(self, name, files, source_md=None):
        """files: {"labels/a.txt": "0 0.5 0.5 0.2 0.1\\n", ...} -> dataset folder <root>/<name>."""
        d = os.path.join(self.root, name)
        os.makedirs(d, exist_ok=True)
        for rel, text in files.items():
            os.makedirs(os.path.dirname(os.path.join(d, rel)), exist_ok=True)
            with open(os.path.join(d, rel), "w") as f:
                f.write(text)
        if source_md is not None:
            with open(os.path.join(d, "SOURCE.md"), "w") as f:
                f.write(source_md)
        return d


class ReadLabelsTest(TempDatasets):
    def test_pothole_box_to_pixels(self):
        d = self.make("chitholian-annotated-potholes", {"labels/a.txt": "0 0.5 0.25 0.2 0.1\n\n"})
        b, c = read_labels(d, "a.jpg", 200, 100)
        np.testing.assert_allclose(b, [[80, 20, 120, 30]], rtol=1e-6)
        self.assertEqual([0], c.tolist())

    def test_missing_and_empty_files_are_no_objects(self):
        d = self.make("dnit-brazil-highway-potholes", {"labels/empty.txt": ""})
        for n in ("empty.jpg", "absent.jpg"):
            b, c = read_labels(d, n, 10, 10, real_cracks=True)
            self.assertEqual((0, 4), b.shape)
            self.assertEqual(0, len(c))

    def test_rdd_cracks_stay_out_unless_asked_for(self):
        d = self.make("rdd2022-china-motorbike", {"labels/a.txt": "1 .5 .5 .1 .1\n0 .5 .5 .2 .2\n2 .5 .5 .1 .1\n"
                                                                   "3 .5 .5 .1 .1\n"})
        # default: an RDD crack never lands in the look-alike rows (1 crack, 2 patch, 3 manhole_cover)
        self.assertEqual([0], read_labels(d, "a.jpg", 10, 10)[1].tolist())
        self.assertEqual([0], read_labels(d, "a.jpg", 10, 10, ["pothole"], real_cracks=True)[1].tolist())
        # asked for: every typed crack goes to the model's "crack" row
        self.assertEqual([1, 0, 1, 1], read_labels(d, "a.jpg", 10, 10, MODEL_CLASSES, real_cracks=True)[1].tolist())
        # a model with typed rows gets the types
        typed = ["pothole", "crack", "crack_longitudinal", "crack_transverse", "crack_alligator"]
        self.assertEqual([2, 0, 3, 4], read_labels(d, "a.jpg", 10, 10, typed, real_cracks=True)[1].tolist())

    def test_dnit_crack_folder_is_read_only_with_real_cracks(self):
        d = self.make("dnit-brazil-highway-potholes", {"labels/a.txt": "0 .5 .5 .2 .2\n",
                                                       "labels-crack/a.txt": "4 .2 .2 .1 .1\n4 .7 .7 .1 .1\n"})
        self.assertEqual([0], read_labels(d, "a.jpg", 10, 10)[1].tolist())
        b, c = read_labels(d, "a.jpg", 10, 10, MODEL_CLASSES, real_cracks=True)
        self.assertEqual([0, 1, 1], c.tolist())
        self.assertEqual(3, len(b))

    def test_unknown_id_names_file_and_line(self):
        d = self.make("chitholian-annotated-potholes", {"labels/a.txt": "0 .5 .5 .2 .2\n1 .5 .5 .2 .2\n"})
        with self.assertRaises(LabelError) as e:
            read_labels(d, "a.jpg", 10, 10)
        self.assertIn(os.path.join(d, "labels", "a.txt") + ":2:", str(e.exception))
        self.assertIn("class id 1", str(e.exception))

    def test_unknown_id_is_an_error_even_when_unused(self):
        # id 4 belongs in labels-crack/, not in labels/: an error also when real cracks are off
        d = self.make("dnit-brazil-highway-potholes", {"labels/a.txt": "4 .5 .5 .2 .2\n"})
        with self.assertRaisesRegex(LabelError, r"a\.txt:1: class id 4"):
            read_labels(d, "a.jpg", 10, 10)
        d2 = self.make("rdd2022-china-motorbike", {"labels/a.txt": "0 .5 .5 .2 .2\n4 .5 .5 .2 .2\n"})
        with self.assertRaisesRegex(LabelError, r"a\.txt:2: class id 4"):
            read_labels(d2, "a.jpg", 10, 10)

    def test_malformed_lines(self):
        for i, line in enumerate(("0 .5 .5 .2\n", "x .5 .5 .2 .2\n", "1.5 .5 .5 .2 .2\n", "0 .5 .5 .2 nope\n")):
            d = self.make(f"chitholian-annotated-potholes-{i}", {"labels/a.txt": line})
            with self.assertRaisesRegex(LabelError, r"a\.txt:1: expected 'class cx cy w h'"):
                read_labels(d, "a.jpg", 10, 10)
        d = self.make("chitholian-annotated-potholes", {"labels/a.txt": "0.0 .5 .5 .2 .2 0.9\n"})
        self.assertEqual([0], read_labels(d, "a.jpg", 10, 10)[1].tolist())  # "0.0" and extra columns as before

    def test_rendered_scenes_keep_their_ids(self):
        d = self.make("any-name", {"labels/a.txt": "0 .5 .5 .2 .2\n1 .5 .5 .1 .1\n2 .5 .5 .1 .1\n3 .5 .5 .1 .1\n"
                                                   "4 .5 .5 .1 .1\n"}, RENDER_MD)
        self.assertEqual("vejsyn-render", label_source(d).name)
        self.assertEqual([0, 1, 2, 3, 4], read_labels(d, "a.jpg", 10, 10)[1].tolist())
        # rendered cracks are not "real cracks": read without the flag; a 1-class model drops look-alikes
        self.assertEqual([0], read_labels(d, "a.jpg", 10, 10, ["pothole"])[1].tolist())
        self.assertEqual(["pothole", "crack", "patch", "manhole_cover", "road_paint"],
                         [MODEL_CLASSES[i] for i in read_labels(d, "a.jpg", 10, 10, MODEL_CLASSES, True)[1]])
        with self.assertRaisesRegex(LabelError, r"class id 5"):
            self.make("any-name", {"labels/b.txt": "5 .5 .5 .1 .1\n"})
            read_labels(d, "b.jpg", 10, 10)

    def test_renderer_class_list_must_agree_with_the_table(self):
        d = self.make("render-x", {"labels/a.txt": "0 .5 .5 .2 .2\n"}, RENDER_MD.replace("4 = road_paint", "4 = kerb"))
        with self.assertRaisesRegex(LabelError, "update LABEL_SOURCES"):
            read_labels(d, "a.jpg", 10, 10)

    def test_unknown_folder_is_pothole_only(self):
        d = self.make("tmp.parity1234", {"labels/a.txt": "0 .5 .5 .2 .2\n", "labels/b.txt": "1 .5 .5 .2 .2\n"})
        self.assertIs(common.POTHOLE_ONLY, label_source(d))
        self.assertEqual([0], read_labels(d, "a.jpg", 10, 10)[1].tolist())
        with self.assertRaisesRegex(LabelError, r"b\.txt:1: class id 1 .*unknown source"):
            read_labels(d, "b.jpg", 10, 10)

    def test_subset_carrying_source_md_uses_its_table(self):
        d = self.make("dnit-subset", {"labels/a.txt": "0 .5 .5 .2 .2\n", "labels-crack/a.txt": "4 .5 .5 .1 .1\n"},
                      "# dnit-brazil-highway-potholes\n\n## Origin\n")
        self.assertEqual("dnit-brazil-highway-potholes", label_source(d).name)
        self.assertEqual([0, 1], read_labels(d, "a.jpg", 10, 10, MODEL_CLASSES, True)[1].tolist())


class AnnotationTest(TempDatasets):
    def test_annotated_and_skipped_rows(self):
        chit = self.make("chitholian-annotated-potholes", {})
        dnit = self.make("dnit-brazil-highway-potholes", {})
        rdd = self.make("rdd2022-china-motorbike", {})
        rend = self.make("r", {}, RENDER_MD)
        C = list(MODEL_CLASSES)
        # default (real cracks off): nothing is skipped, training is as before
        for d in (chit, dnit, rdd, rend):
            self.assertFalse(damage_rows_skipped(d, C).any(), d)
        self.assertEqual([1, 0, 0, 0, 0], annotated_rows(dnit, C).astype(int).tolist())
        # real cracks on: the crack row is skipped only where cracks were not annotated
        self.assertEqual([0, 1, 0, 0, 0], damage_rows_skipped(chit, C, True).astype(int).tolist())
        for d in (dnit, rdd, rend):
            self.assertFalse(damage_rows_skipped(d, C, True).any(), d)
        self.assertEqual([1, 1, 0, 0, 0], annotated_rows(rdd, C, True).astype(int).tolist())
        # typed crack rows: dnit's cracks have no type, so dnit is skipped for them
        typed = ["pothole", "crack_longitudinal", "crack_transverse", "crack_alligator"]
        self.assertEqual([0, 1, 1, 1], damage_rows_skipped(dnit, typed, True).astype(int).tolist())
        self.assertEqual([0, 0, 0, 0], damage_rows_skipped(rdd, typed, True).astype(int).tolist())

    @unittest.skipIf(torch is None, "PyTorch missing: run with Debian's /usr/bin/python3")
    def test_source_loads_mapped_labels_and_skip_rows(self):
        import cv2
        from data import Source
        img = np.full((40, 60, 3), 90, np.uint8)  # generated, not a dataset image
        d = self.make("chitholian-annotated-potholes", {"labels/a.txt": "0 .5 .5 .2 .2\n", "labels/b.txt": "",
                                                        "splits/train.txt": "a.png\nb.png\n"})
        os.makedirs(os.path.join(d, "images"))
        for n in ("a.png", "b.png"):
            cv2.imwrite(os.path.join(d, "images", n), img)
        s = Source(d, "train", log=lambda m: None, classes=list(MODEL_CLASSES), real_cracks=True)
        self.assertEqual([[0], []], [c.tolist() for c in s.classes])
        self.assertEqual([False, True, False, False, False], s.skip_rows.tolist())
        s0 = Source(d, "train", log=lambda m: None, classes=["pothole"])
        self.assertEqual([False], s0.skip_rows.tolist())

    @unittest.skipIf(torch is None, "PyTorch missing: run with Debian's /usr/bin/python3")
    def test_training_batches_carry_skip_rows_into_the_loss(self):
        """train.py's batch path (Prefetcher -> collate -> loss) on two generated mini sources; one
        loss evaluation, no optimiser step."""
        import cv2
        from data import CropAugment, Source
        from loss import DetectionLoss
        from model import Detector
        from train import Prefetcher
        quiet = lambda m: None  # noqa: E731
        dirs = {"chitholian-annotated-potholes": "0 .5 .5 .3 .3\n", "rdd2022-china-motorbike": "1 .3 .3 .2 .4\n"}
        for name, label in dirs.items():
            d = self.make(name, {"labels/a.txt": label, "splits/train.txt": "a.png\n"})
            os.makedirs(os.path.join(d, "images"))
            cv2.imwrite(os.path.join(d, "images", "a.png"), np.full((64, 64, 3), 100, np.uint8))
        classes = list(MODEL_CLASSES)
        for real_cracks, n_items in ((False, 4), (True, 5)):
            srcs = [Source(os.path.join(self.root, n), "train", quiet, classes, real_cracks) for n in dirs]
            aug = CropAugment(size=64, p_obj=1.0, scale_min=1.0, scale_max=1.0)
            batch = next(iter(Prefetcher(srcs, [(0, 0), (1, 0)], aug, 2, 0)))
            self.assertEqual(n_items, len(batch))
            if real_cracks:
                self.assertEqual([[False, True, False, False, False], [False] * 5], batch[4].tolist())
                imgs, labels, boxes, mask, skip = batch
                torch.manual_seed(0)
                model = Detector(num_classes=len(classes))
                out = model.forward_train(torch.from_numpy(imgs).float() / 255)
                loss = DetectionLoss(len(classes))(out, torch.from_numpy(labels), torch.from_numpy(boxes),
                                                   torch.from_numpy(mask), torch.from_numpy(skip))[0]
                self.assertTrue(torch.isfinite(loss))


@unittest.skipIf(torch is None, "PyTorch missing: run with Debian's /usr/bin/python3")
class LossSkipTest(unittest.TestCase):
    def setUp(self):
        from loss import DetectionLoss
        torch.manual_seed(0)
        B, N, C = 2, 64, 3
        g = torch.arange(8.0) * 8 + 4
        ay, ax = torch.meshgrid(g, g, indexing="ij")
        self.anchors = torch.stack([ax.flatten(), ay.flatten()], 1)
        self.strides = torch.full((N, 1), 8.0)
        xy = self.anchors.repeat(B, 1, 1)
        self.boxes = torch.cat([xy - 6, xy + 6], -1)
        self.logits = torch.randn(B, N, C)
        self.gt_labels = torch.tensor([[0], [2]])
        self.gt_boxes = torch.tensor([[[10.0, 10, 30, 30]], [[30.0, 30, 50, 50]]])
        self.mask = torch.ones(2, 1, dtype=torch.bool)
        self.lossf = DetectionLoss(C)

    def loss(self, logits, skip=None):
        return self.lossf((self.boxes, logits, self.anchors, self.strides), self.gt_labels, self.gt_boxes,
                          self.mask, skip)[0]

    def test_no_skip_is_unchanged(self):
        none = torch.zeros(2, 3, dtype=torch.bool)
        self.assertEqual(self.loss(self.logits).item(), self.loss(self.logits, none).item())

    def test_skipped_class_does_not_count(self):
        skip = torch.tensor([[False, True, False], [False, True, False]])
        other = self.logits.clone()
        other[..., 1] += 5.0  # only the skipped class changes
        self.assertAlmostEqual(self.loss(self.logits, skip).item(), self.loss(other, skip).item(), places=6)
        self.assertNotAlmostEqual(self.loss(self.logits).item(), self.loss(other).item(), places=3)

    def test_collate_passes_skip(self):
        from data import collate
        s = [(np.zeros((3, 4, 4), np.uint8), np.zeros((1, 4), np.float32), np.zeros(1, np.int64))] * 2
        self.assertEqual(4, len(collate(s)))
        out = collate(s, [np.array([False, True]), np.array([False, False])])
        self.assertEqual([[False, True], [False, False]], out[4].tolist())


@unittest.skipUnless(os.path.isdir(SHARED), f"no shared datasets at {SHARED}")
class SharedDatasetsTest(unittest.TestCase):
    """The real label files: every id is in its table, counts are those of the datasets' README, and the
    existing pothole sources read exactly as the old pass-through reader did."""

    @staticmethod
    def old_read_labels(ds_dir, name, w, h):
        p = os.path.join(ds_dir, "labels", os.path.splitext(name)[0] + ".txt")
        boxes, cls = [], []
        if os.path.isfile(p):
            with open(p) as f:
                for ln in f:
                    v = ln.split()
                    if len(v) < 5:
                        continue
                    c, cx, cy, bw, bh = int(float(v[0])), *map(float, v[1:5])
                    boxes.append([(cx - bw / 2) * w, (cy - bh / 2) * h, (cx + bw / 2) * w, (cy + bh / 2) * h])
                    cls.append(c)
        return np.array(boxes, np.float32).reshape(-1, 4), np.array(cls, np.int64)

    def counts(self, src, real_cracks):
        d = os.path.join(SHARED, src)
        if not os.path.isdir(d):
            self.skipTest(f"{d} missing")
        out = {}
        for n in common.read_split(d, None):
            for c in read_labels(d, n, 100, 100, MODEL_CLASSES, real_cracks)[1]:
                out[MODEL_CLASSES[c]] = out.get(MODEL_CLASSES[c], 0) + 1
        return out

    def test_counts(self):
        self.assertEqual({"pothole": 1739}, self.counts("chitholian-annotated-potholes", True))
        self.assertEqual({"pothole": 1151}, self.counts("dnit-brazil-highway-potholes", False))
        self.assertEqual({"pothole": 1151, "crack": 3748}, self.counts("dnit-brazil-highway-potholes", True))
        self.assertEqual({"pothole": 60}, self.counts("rdd2022-china-motorbike", False))
        self.assertEqual({"pothole": 60, "crack": 893 + 366 + 137}, self.counts("rdd2022-china-motorbike", True))

    def test_existing_sources_read_as_before(self):
        for src in ("chitholian-annotated-potholes", "dnit-brazil-highway-potholes"):
            d = os.path.join(SHARED, src)
            if not os.path.isdir(d):
                continue
            for n in common.read_split(d, None):
                b0, c0 = self.old_read_labels(d, n, 640, 480)
                b1, c1 = read_labels(d, n, 640, 480)
                np.testing.assert_array_equal(b0, b1, n)
                np.testing.assert_array_equal(c0, c1, n)


class EvaluateClassTest(TempDatasets):
    """evaluate.py --class: one damage class is scored; a source not annotated for it is refused."""

    def run_main(self, *args):
        import evaluate
        argv = sys.argv
        sys.argv = ["evaluate.py"] + list(args)
        try:
            evaluate.main()
        finally:
            sys.argv = argv

    @unittest.skipIf(torch is None, "torch not installed")
    def test_source_without_crack_labels_is_refused_for_cracks(self):
        for name in ("chitholian-annotated-potholes", "some-subset"):
            d = self.make(name, {"labels/a.txt": "0 0.5 0.5 0.2 0.1\n", "images/.keep": ""})
            with self.assertRaises(SystemExit) as e:
                self.run_main("--dataset", d, "--class", "crack", "--checkpoint", "unused.pt")
            self.assertIn("is not annotated for crack", str(e.exception.code))

    @unittest.skipIf(torch is None, "torch not installed")
    def test_model_must_have_an_output_for_the_class(self):
        d = self.make("rdd2022-china-motorbike", {"labels/a.txt": "1 0.5 0.5 0.2 0.1\n", "images/.keep": ""})
        meta = os.path.join(self.root, "m.json")
        with open(meta, "w") as f:
            f.write('{"classes": ["pothole", "patch"], "reported_classes": ["pothole"], "thresholds": {"score": 0.3}}')
        with self.assertRaises(SystemExit) as e:
            self.run_main("--dataset", d, "--class", "crack", "--meta", meta)
        self.assertIn("has no crack output", str(e.exception.code))
        # A crack row the metadata does not report is measured (as the Java evaluator does), not refused.
        with open(meta, "w") as f:
            f.write('{"classes": ["pothole", "crack"], "reported_classes": ["pothole"], "thresholds": {"score": 0.3}}')
        try:
            self.run_main("--dataset", d, "--class", "crack", "--meta", meta)
        except SystemExit as e:
            self.fail(f"an unreported crack row was refused: {e.code}")

    @unittest.skipIf(torch is None, "torch not installed")
    def test_only_class_keeps_one_row_renumbered(self):
        import evaluate
        from common import Evaluator
        ev = Evaluator(2)
        ev.add([[0, 0, 10, 10], [20, 20, 30, 30], [40, 40, 50, 50]], [0.9, 0.8, 0.7], [0, 1, 1],
               [[0, 0, 10, 10], [20, 20, 30, 30]], [1, 0])
        (db, ds, dc, gb, gc), = evaluate.only_class(ev.images, 1)
        np.testing.assert_array_equal(ds, [0.8, 0.7])
        np.testing.assert_array_equal(dc, [0, 0])
        np.testing.assert_array_equal(gb, [[0, 0, 10, 10]])
        np.testing.assert_array_equal(gc, [0])


if __name__ == "__main__":
    unittest.main()
