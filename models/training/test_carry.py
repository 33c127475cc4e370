"""The carried training state (carry.py): small, and a faithful start for the next session."""
import os
import sys
import tempfile
import unittest

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import carry  # noqa: E402
from model import Detector  # noqa: E402


def full_checkpoint():
    torch.manual_seed(0)
    model = Detector(num_classes=2)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
    out = model(torch.rand(2, 3, 128, 128))
    out.float().pow(2).mean().backward()
    opt.step()
    ema = {k: v.clone() for k, v in model.state_dict().items()}
    return model, {"model": model.state_dict(), "ema": ema, "optimizer": opt.state_dict(), "epoch": 3}


class CarryTest(unittest.TestCase):
    def test_the_carried_file_is_much_smaller(self):
        _, ck = full_checkpoint()
        with tempfile.TemporaryDirectory() as d:
            torch.save(ck, os.path.join(d, "full.pt"))
            size = carry.write(ck, os.path.join(d, "carried.pt"))
            full = os.path.getsize(os.path.join(d, "full.pt"))
        self.assertLess(size, 0.55 * full, f"carried {size} bytes, full {full}")

    def test_weights_come_back_within_float16_rounding(self):
        model, ck = full_checkpoint()
        back = carry.expand(carry.compact(ck))
        twin = Detector(num_classes=2)
        twin.load_state_dict(back["model"])
        model.eval(); twin.eval()
        x = torch.rand(1, 3, 128, 128)
        with torch.no_grad():
            a, b = model(x), twin(x)
        self.assertTrue(all(v.dtype == torch.float32 for v in back["model"].values() if v.is_floating_point()))
        self.assertLess((a - b).abs().max().item(), 1e-3 * a.abs().max().item() + 1e-4)

    def test_adam_moments_survive_including_tiny_second_moments(self):
        model, ck = full_checkpoint()
        carried = carry.compact(ck)
        opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
        opt.load_state_dict(carried["optimizer"])
        for i, st in ck["optimizer"]["state"].items():
            restored = opt.state_dict()["state"][i]
            self.assertEqual(restored["exp_avg_sq"].dtype, torch.float32)
            orig = st["exp_avg_sq"]
            nonzero = orig > 0
            # float16 would flush these to zero; bfloat16 keeps them within 1 %
            self.assertTrue(bool((restored["exp_avg_sq"][nonzero] > 0).all()))
            rel = ((restored["exp_avg_sq"] - orig).abs() / orig.clamp_min(1e-30))[nonzero]
            self.assertLess(rel.max().item(), 0.01)

    def test_a_full_checkpoint_passes_expand_unchanged(self):
        _, ck = full_checkpoint()
        self.assertIs(carry.expand(ck), ck)


if __name__ == "__main__":
    unittest.main()
