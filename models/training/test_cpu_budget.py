"""train.py --cpu-budget-min: the budget logic (fake clock), the learning-rate schedule it drives, and
a tiny end-to-end run on a synthetic dataset that stops on the budget, records its CPU, and resumes."""
import csv
import math
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

import cv2
import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from train import CpuBudget, schedule_progress  # noqa: E402


class FakeClock:
    def __init__(self):
        self.t = 100.0

    def __call__(self):
        return self.t


class CpuBudgetTest(unittest.TestCase):
    def test_counts_from_start_not_from_process_start(self):
        clk = FakeClock()
        b = CpuBudget(1.0, clock=clk)  # 60 CPU seconds
        clk.t += 30  # data loading before the first epoch is not counted
        b.start()
        self.assertEqual(b.used(), 0.0)
        clk.t += 15
        self.assertAlmostEqual(b.used(), 15.0)
        self.assertAlmostEqual(b.fraction(), 0.25)
        self.assertFalse(b.exhausted())
        clk.t += 45
        self.assertTrue(b.exhausted())
        self.assertEqual(b.fraction(), 1.0)

    def test_first_epoch_always_starts_then_an_epoch_that_would_overrun_does_not(self):
        clk = FakeClock()
        b = CpuBudget(1.0, clock=clk)
        b.start()
        self.assertTrue(b.room_for_epoch())
        clk.t += 20
        b.epoch_done(20)  # estimate 21 s
        self.assertTrue(b.room_for_epoch())  # 20 + 21 <= 60
        clk.t += 20
        b.epoch_done(20)
        self.assertFalse(b.room_for_epoch())  # 40 + 21 > 60

    def test_estimate_follows_a_slower_epoch_at_once(self):
        b = CpuBudget(10.0, clock=FakeClock())
        b.start()
        b.epoch_done(10)
        b.epoch_done(30)
        self.assertAlmostEqual(b.est_epoch, 31.5)
        b.epoch_done(10)  # a fast epoch only halves the distance
        self.assertAlmostEqual(b.est_epoch, 0.5 * (31.5 + 10) * 1.05)


class ScheduleTest(unittest.TestCase):
    def test_wall_budget_unchanged(self):
        self.assertAlmostEqual(schedule_progress(1, 100, 300.0, 1200.0), 0.25)
        self.assertAlmostEqual(schedule_progress(50, 100, 300.0, 1200.0), 0.5)
        self.assertEqual(schedule_progress(5, 10), 0.5)

    def test_fresh_cpu_run_follows_the_cpu_fraction(self):
        self.assertAlmostEqual(schedule_progress(0, 100, 0.0, None, 0.0, 0.3, 1200.0), 0.3)
        self.assertEqual(schedule_progress(0, 100, 0.0, None, 0.0, 1.0, 1200.0), 1.0)

    def test_resumed_cpu_run_restarts_like_a_wall_budget_of_the_same_length(self):
        prior, span = 3600.0, 1200.0
        start = schedule_progress(0, 1000, prior, None, prior, 0.0, span)
        self.assertAlmostEqual(start, prior / (prior + span))
        # = what --budget-min span/60 gives: train_time / (prior + span)
        self.assertAlmostEqual(start, schedule_progress(0, 1000, prior, prior + span))
        mid = schedule_progress(0, 1000, prior, None, prior, 0.5, span)
        self.assertAlmostEqual(mid, (prior + 0.5 * span) / (prior + span))
        self.assertEqual(schedule_progress(0, 1000, prior, None, prior, 1.0, span), 1.0)

    def test_the_furthest_budget_wins(self):
        p = schedule_progress(0, 100, 900.0, 1000.0, 0.0, 0.2, 600.0)
        self.assertAlmostEqual(p, 0.9)
        self.assertTrue(0 <= math.cos(math.pi * p) + 1)


def make_dataset(root, n=6, size=96):
    rng = np.random.default_rng(0)
    for d in ("images", "labels", "splits"):
        os.makedirs(os.path.join(root, d))
    names = []
    for i in range(n):
        img = rng.integers(90, 160, (size, size, 3), dtype=np.uint8)
        cx, cy = rng.integers(25, size - 25, 2)
        cv2.circle(img, (int(cx), int(cy)), 10, (20, 20, 20), -1)
        name = f"im{i}.png"
        cv2.imwrite(os.path.join(root, "images", name), img)
        with open(os.path.join(root, "labels", f"im{i}.txt"), "w") as f:
            f.write(f"0 {cx / size:.4f} {cy / size:.4f} {20 / size:.4f} {20 / size:.4f}\n")
        names.append(name)
    for split in ("train", "val", "test"):
        with open(os.path.join(root, "splits", f"{split}.txt"), "w") as f:
            f.write("\n".join(names) + "\n")


class EndToEndTest(unittest.TestCase):
    """A real train.py run (tiny network input, synthetic data, its own run folder, --no-carry)."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        self.data = os.path.join(self.tmp, "synthetic-potholes")
        make_dataset(self.data)
        self.run = f"_test-cpu-budget-{os.getpid()}"
        self.run_dir = os.path.join(HERE, "runs", self.run)

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)
        shutil.rmtree(self.run_dir, ignore_errors=True)

    def train(self, *extra):
        cmd = [sys.executable, os.path.join(HERE, "train.py"), "--data", self.data, "--run", self.run,
               "--no-carry", "--img", "64", "--batch", "2", "--val-size", "64", "--threads", "1",
               "--epochs", "1000", "--warmup-iters", "2", *extra]
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
        self.assertEqual(r.returncode, 0, r.stdout[-3000:] + r.stderr[-3000:])
        return r.stdout

    def test_stops_on_the_cpu_budget_records_cpu_and_resumes(self):
        out = self.train("--cpu-budget-min", "0.1")  # 6 CPU seconds
        self.assertIn("training stopped: CPU budget", out)
        ck = torch.load(os.path.join(self.run_dir, "last.pt"), map_location="cpu")
        self.assertGreater(ck["epoch"], 0)
        self.assertGreater(ck["train_cpu"], 0.0)
        self.assertLessEqual(ck["train_cpu"], 6.0 * 1.5)  # the budget, plus at most a cut batch
        with open(os.path.join(self.run_dir, "log.csv")) as f:
            rows = list(csv.DictReader(f))
        self.assertEqual(len(rows), ck["epoch"])
        self.assertTrue(all(float(r["epoch_cpu_s"]) >= 0 for r in rows))
        first_epochs, first_cpu = ck["epoch"], ck["train_cpu"]
        # per invocation: a resumed run gets the budget again and keeps counting the run's CPU
        out = self.train("--resume", "--cpu-budget-min", "0.1")
        self.assertIn("CPU min recorded by earlier sessions", out)
        ck = torch.load(os.path.join(self.run_dir, "last.pt"), map_location="cpu")
        self.assertGreater(ck["epoch"], first_epochs)
        self.assertGreater(ck["train_cpu"], first_cpu)


if __name__ == "__main__":
    unittest.main()
