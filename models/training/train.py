#!/usr/bin/python3
"""Train the Vejsyn pothole detector (CPU, 2 threads).

  OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 models/training/train.py --epochs 120 \
      --deadline 17:58 --export-on-finish

Trains on the train split of every source (--data, default: both shared datasets; --extra adds
more dirs in the same layout, reported separately), validates every epoch on each source's val
split (letterboxed 640x640, mAP@0.5), keeps runs/<run>/last.pt and best.pt (by mean val
mAP@0.5 over the sources), copies last.pt to models/training/checkpoint-latest.pt, logs
runs/<run>/log.csv and runs/<run>/curves.png.  --resume continues from runs/<run>/last.pt or,
if that does not exist, models/training/checkpoint-latest.pt (or an explicit path).
The learning rate follows a cosine over max(epoch/epochs, train_time/time_budget), so a run cut
by --deadline / --budget-min still anneals.
--cpu-budget-min stops by CPU time received (time.process_time of this process: every thread,
batch preparation and validation included) instead of wall clock, so runs on a shared machine get
the same compute whatever the contention (per invocation, like --budget-min; see CpuBudget).  --export-on-finish exports best.pt to
models/pothole-detector.{pt,json} and writes test metrics to runs/<run>/final-metrics.txt.
--arch nanodet starts from NanoDet-g's pretrained backbone + PAN (COCO) with this project's head
(model.NanoDetDetector; README section 6); the default stays the from-scratch network.
"""
import argparse
import copy
import csv
import datetime
import math
import os
import queue
import random
import shutil
import sys
import threading
import time

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
import numpy as np  # noqa: E402
import torch  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import carry  # noqa: E402
from data import CropAugment, Source, ValCache, collate, epoch_plan  # noqa: E402
from evaluate import evaluate_cached  # noqa: E402
from loss import DetectionLoss  # noqa: E402
from model import PRETRAINED_PREFIXES, build_model, count_flops, expand_classes  # noqa: E402

# ../shared/datasets beside the repository (models/training -> repository root -> ..).
DATASETS = os.path.normpath(os.path.join(HERE, "..", "..", "..", "shared", "datasets"))
DEFAULT_SOURCES = [os.path.join(DATASETS, "dnit-brazil-highway-potholes"),
                   os.path.join(DATASETS, "chitholian-annotated-potholes")]
CARRY = os.path.join(HERE, "checkpoint-latest.pt")


def parse_deadline(s):
    """'HH:MM' (UTC, today; tomorrow if already past) or ISO 'YYYY-MM-DDTHH:MM[:SS][Z]' -> epoch seconds."""
    if s is None:
        return None
    now = datetime.datetime.now(datetime.timezone.utc)
    if "T" in s or "-" in s:
        d = datetime.datetime.fromisoformat(s.rstrip("Z"))
        if d.tzinfo is None:
            d = d.replace(tzinfo=datetime.timezone.utc)
        return d.timestamp()
    hh, mm = map(int, s.split(":"))
    d = now.replace(hour=hh, minute=mm, second=0, microsecond=0)
    if d < now - datetime.timedelta(minutes=1):
        d += datetime.timedelta(days=1)
    return d.timestamp()


class CpuBudget:
    """CPU-time budget of one invocation (--cpu-budget-min), measured with time.process_time():
    the CPU seconds this process actually received, summed over its threads (training, the batch
    prefetch thread, validation), from start() (just before the first epoch; the one-off data
    loading is not counted) on.  Like the wall-clock budget: an epoch is not started if its
    estimated CPU would overrun the budget (the estimate follows the slowest recent epochs, +5 %),
    and a running epoch is cut when the budget is spent.  The clock is injectable for tests."""

    def __init__(self, minutes, clock=time.process_time):
        self.limit = 60.0 * minutes
        self.clock = clock
        self.t0 = None
        self.est_epoch = None

    def start(self):
        self.t0 = self.clock()

    def used(self):
        return 0.0 if self.t0 is None else self.clock() - self.t0

    def fraction(self):
        return min(self.used() / self.limit, 1.0) if self.limit > 0 else 1.0

    def exhausted(self):
        return self.used() >= self.limit

    def room_for_epoch(self):
        """True if the next epoch is expected to end within the budget (always for the first)."""
        if self.est_epoch is None:
            return not self.exhausted()
        return self.used() + self.est_epoch <= self.limit

    def epoch_done(self, cpu_s):
        self.est_epoch = cpu_s * 1.05 if self.est_epoch is None else \
            max(cpu_s, 0.5 * (self.est_epoch + cpu_s)) * 1.05


def schedule_progress(epoch_frac, epochs, train_time=0.0, budget=None, prior_time=0.0, cpu_frac=None,
                      cpu_span=None):
    """Position in [0, 1] on the learning-rate cosine: the furthest of the epoch count, the wall-clock
    budget (train_time / budget, both including earlier sessions' prior_time) and the CPU budget.  A
    CPU budget counts as a session of cpu_span seconds of training time after prior_time (cpu_span =
    budget / threads, the wall time it lasts at full use of the cores), so a resumed run restarts
    the cosine at prior / (prior + span) exactly as a wall-clock budget of that length would."""
    p = epoch_frac / epochs
    if budget:
        p = max(p, train_time / budget)
    if cpu_frac is not None and cpu_span:
        p = max(p, (prior_time + cpu_frac * cpu_span) / (prior_time + cpu_span))
    return min(p, 1.0)


class EMA:
    def __init__(self, model, decay=0.998, tau=300, updates=0):
        self.ema = copy.deepcopy(model).eval()
        for p in self.ema.parameters():
            p.requires_grad_(False)
        self.decay, self.tau, self.updates = decay, tau, updates

    @torch.no_grad()
    def update(self, model):
        self.updates += 1
        d = self.decay * (1 - math.exp(-self.updates / self.tau))
        msd = model.state_dict()
        for k, v in self.ema.state_dict().items():
            if v.dtype.is_floating_point:
                v.mul_(d).add_(msd[k].detach(), alpha=1 - d)
            else:
                v.copy_(msd[k])


class Prefetcher:
    """Builds augmented batches in a background thread (OpenCV releases the GIL)."""

    def __init__(self, sources, plan, aug, batch, seed):
        self.q = queue.Queue(maxsize=3)
        self.t = threading.Thread(target=self._run, args=(sources, plan, aug, batch, seed), daemon=True)
        self.stop = False
        self.t.start()

    def _run(self, sources, plan, aug, batch, seed):
        rng = np.random.default_rng(seed)
        # per-source classes left out of the loss (damage classes a source is not annotated for);
        # only passed on when some source has any, so the usual run is unchanged
        any_skip = any(s.skip_rows.any() for s in sources)
        for i in range(0, len(plan) - batch + 1, batch):  # drop the last incomplete batch
            if self.stop:
                break
            samples = []
            for si, ii in plan[i:i + batch]:
                s = sources[si]
                samples.append(aug(s.images[ii], s.boxes[ii], s.classes[ii], rng))
            skip = [sources[si].skip_rows for si, _ in plan[i:i + batch]] if any_skip else None
            self.q.put(collate(samples, skip))
        self.q.put(None)

    def __iter__(self):
        while True:
            b = self.q.get()
            if b is None:
                return
            yield b

    def close(self):
        self.stop = True
        try:
            while True:
                self.q.get_nowait()
        except queue.Empty:
            pass


def save_plot(rows, path, names):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except Exception:
        return
    if not rows:
        return
    ep = [int(r["epoch"]) for r in rows]
    fig, ax = plt.subplots(1, 2, figsize=(11, 4))
    for k in ("loss", "loss_box", "loss_cls"):
        ax[0].plot(ep, [float(r[k]) for r in rows], label=k)
    ax[0].set_xlabel("epoch"); ax[0].set_title("train loss"); ax[0].legend(); ax[0].grid(alpha=.3)
    for n in names:
        v = [float(r[f"val_map50_{n}"]) if r.get(f"val_map50_{n}", "") != "" else np.nan for r in rows]
        ax[1].plot(ep, v, marker=".", label=f"{n} mAP@0.5")
    ax[1].plot(ep, [float(r["val_map50_mean"]) if r.get("val_map50_mean", "") != "" else np.nan for r in rows],
               "k--", label="mean")
    ax[1].set_xlabel("epoch"); ax[1].set_title("val mAP@0.5 (640x640 letterbox)"); ax[1].set_ylim(0, 1)
    ax[1].legend(fontsize=7); ax[1].grid(alpha=.3)
    fig.tight_layout(); fig.savefig(path + ".tmp.png", dpi=90); plt.close(fig)
    os.replace(path + ".tmp.png", path)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", action="append", default=None, help="source dir (repeatable); default: both shared")
    ap.add_argument("--extra", action="append", default=[], help="additional dataset dir in the same layout "
                                                                 "(repeatable), trained on and reported separately")
    ap.add_argument("--classes", default=None,
                    help="comma-separated class names in label order (default: the checkpoint's, else 'pothole'). "
                         "Labels of other classes are ignored. Naming more classes than a resumed checkpoint has "
                         "widens its head: e.g. pothole,crack,patch,manhole_cover,road_paint trains the rendered "
                         "look-alikes as their own classes")
    ap.add_argument("--oversample", action="append", default=[], metavar="NAME=K",
                    help="repeat the train images of the source named NAME K times per epoch (repeatable), "
                         "e.g. render-subset-distractors=2 so the look-alike classes see enough examples")
    ap.add_argument("--head-lr-mult", type=float, default=None,
                    help="learning-rate factor for the classification heads (default 1, or the checkpoint's); "
                         "e.g. 10 while newly added classes learn")
    ap.add_argument("--lookalike-gain", type=float, default=None,
                    help="weight of the pothole class's 'no' at anchors assigned to a look-alike class "
                         "(default 1, or the checkpoint's)")
    ap.add_argument("--ema-decay", type=float, default=0.998,
                    help="decay of the EMA weights that are validated and exported (default 0.998: about 500 "
                         "iterations of memory); e.g. 0.99 when a resumed run learns something new in few epochs, "
                         "so the EMA does not lag the model by several epochs")
    ap.add_argument("--real-cracks", action="store_true", default=None,
                    help="also train the model's 'crack' row on the real sources' crack labels (dnit labels-crack/ "
                         "id 4, RDD2022 ids 1-3; see LABEL_SOURCES in common.py) and leave the crack row out of "
                         "the loss on sources not annotated for cracks. Default off (or the checkpoint's): the "
                         "shipped model's crack row is a rendered look-alike and real crack labels are ignored")
    ap.add_argument("--arch", choices=("csp", "nanodet"), default=None,
                    help="network for a fresh start (default csp, or the checkpoint's): csp = the project's "
                         "from-scratch C2f/FPN-PAN detector; nanodet = NanoDet-g's pretrained backbone + PAN "
                         "(COCO, .cache/nanodet, see fetch-pretrained.sh) with the project's head and output")
    ap.add_argument("--pretrained-lr-mult", type=float, default=None,
                    help="learning-rate factor for the pretrained parts (nanodet: backbone + PAN); default 0.1 "
                         "for nanodet (or the checkpoint's)")
    ap.add_argument("--freeze-backbone-epochs", type=int, default=None,
                    help="nanodet: keep backbone + PAN frozen for the first N epochs (counted from the run's "
                         "start, so a resumed run keeps the plan) while the new head learns; default 0 "
                         "(or the checkpoint's)")
    ap.add_argument("--epochs", type=int, default=120)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--img", type=int, default=416, help="training crop size")
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--wd", type=float, default=0.05)
    ap.add_argument("--warmup-iters", type=int, default=100)
    ap.add_argument("--neg-fraction", type=float, default=0.4, help="share of negative images used per epoch")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--run", default="main", help="run name: models/training/runs/<run>/")
    ap.add_argument("--resume", nargs="?", const="auto", default=None,
                    help="resume (auto: runs/<run>/last.pt, else models/training/checkpoint-latest.pt)")
    ap.add_argument("--deadline", default=None, help="stop training by this UTC time (HH:MM or ISO)")
    ap.add_argument("--budget-min", type=float, default=None, help="wall-clock training budget in minutes")
    ap.add_argument("--cpu-budget-min", type=float, default=None,
                    help="CPU-time budget in minutes for this invocation's epochs (time.process_time: CPU received by "
                         "all threads of the process, validation included, data loading not), e.g. 40 with "
                         "--threads 2 is ~20 min wall on an idle machine; fair between runs on a shared machine")
    ap.add_argument("--no-extra", action="store_true",
                    help="train without the --extra sources (and their --oversample) a resumed checkpoint "
                         "remembers, e.g. when they are not on this machine")
    ap.add_argument("--export-on-finish", action="store_true",
                    help="export best.pt to models/ and write test metrics when training ends")
    ap.add_argument("--val-size", type=int, default=640)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--limit", type=int, default=0, help="debug: use only the first N images per source/split")
    ap.add_argument("--no-carry", action="store_true",
                    help="do not write the compact last state to checkpoint-latest.pt when training stops")
    a = ap.parse_args()

    torch.set_num_threads(a.threads)
    torch.set_num_interop_threads(1)
    run_dir = os.path.join(HERE, "runs", a.run)
    os.makedirs(run_dir, exist_ok=True)
    logf = open(os.path.join(run_dir, "train.log"), "a", buffering=1)

    def log(msg):
        line = f"{datetime.datetime.utcnow():%H:%M:%S} {msg}"
        print(line, flush=True)
        logf.write(line + "\n")

    t_session = time.time()
    deadline = parse_deadline(a.deadline)
    if a.budget_min is not None:
        bd = t_session + 60 * a.budget_min
        deadline = bd if deadline is None else min(deadline, bd)

    # ---------------- resume
    ck = None
    if a.resume:
        path = a.resume
        if path == "auto":
            cands = [os.path.join(run_dir, "last.pt"), CARRY]
            path = next((p for p in cands if os.path.isfile(p)), None)
        if path and os.path.isfile(path):
            ck = carry.expand(torch.load(path, map_location="cpu"))
            log(f"resuming from {path} (epoch {ck['epoch']}{', carried: ' + ck['carried'] if ck.get('carried') else ''})")
        else:
            log("no checkpoint to resume from, starting fresh")
    data_dirs = a.data or (ck["args"].get("data") if ck else None) or DEFAULT_SOURCES
    extra = a.extra or ([] if a.no_extra else (ck["args"].get("extra") if ck else [])) or []
    a.data, a.extra = data_dirs, extra
    class_names = a.classes.split(",") if a.classes else (ck.get("classes") if ck else None) or ["pothole"]
    a.classes = ",".join(class_names)
    if a.real_cracks is None:
        a.real_cracks = bool(ck["args"].get("real_cracks")) if ck else False
    ck_arch = ck["model_config"].get("arch", "csp") if ck else None
    if a.arch is not None and ck_arch is not None and a.arch != ck_arch:
        raise SystemExit(f"--arch {a.arch}, but the checkpoint is a {ck_arch} network: use another --run")
    a.arch = a.arch or ck_arch or "csp"
    for key, default in (("pretrained_lr_mult", 0.1 if a.arch == "nanodet" else 1.0), ("freeze_backbone_epochs", 0)):
        if getattr(a, key) is None:  # the checkpoint's value (0 included), else the default
            remembered = ck["args"].get(key) if ck else None
            setattr(a, key, default if remembered is None else remembered)
    log("args: " + " ".join(f"{k}={v}" for k, v in vars(a).items()))

    random.seed(a.seed); np.random.seed(a.seed); torch.manual_seed(a.seed)

    # ---------------- data
    # Labels are mapped per source to the rows of class_names (common.LABEL_SOURCES); classes the model
    # does not have are background (e.g. look-alike labels for a 1-class model).
    if a.real_cracks and not any(c.startswith("crack") for c in class_names):
        log("--real-cracks: the model has no crack class, crack labels stay unused")
    train_src = [Source(d, "train", log, class_names, a.real_cracks) for d in data_dirs + extra]
    val_src = [Source(d, "val", log, class_names, a.real_cracks) for d in data_dirs + extra
               if os.path.isfile(os.path.join(d, "splits", "val.txt"))]
    if a.limit:
        for s_ in train_src + val_src:
            for attr in ("names", "images", "boxes", "classes"):
                setattr(s_, attr, getattr(s_, attr)[:a.limit])
    val_caches = [ValCache(s, a.val_size, a.val_size) for s in val_src]
    remembered = (ck["args"].get("oversample") if ck else []) or []
    if a.no_extra and not a.oversample:  # the remembered --oversample of sources left out
        known = {s_.name for s_ in train_src}
        dropped = [x for x in remembered if x.rsplit("=", 1)[0] not in known]
        remembered = [x for x in remembered if x not in dropped]
        if dropped:
            log(f"--no-extra: the checkpoint's --oversample {dropped} dropped (source not trained on)")
    a.oversample = a.oversample or remembered
    repeats = [1] * len(train_src)
    for spec in a.oversample:
        name, k = spec.rsplit("=", 1)
        hits = [i for i, s_ in enumerate(train_src) if s_.name == name]
        if not hits:
            raise SystemExit(f"--oversample {spec}: no training source named {name}")
        for i in hits:
            repeats[i] = int(k)
    names = [s.name for s in val_src]
    aug = CropAugment(size=a.img)

    # ---------------- model
    widened = None
    if ck is not None and ck["model_config"]["num_classes"] < len(class_names):
        widened = expand_classes(ck["model"], len(class_names))
        expand_classes(ck["ema"], len(class_names))
        ck["model_config"] = dict(ck["model_config"], num_classes=len(class_names))
        log(f"widened the checkpoint's head from {widened} to {len(class_names)} classes: {class_names}")
    if ck is None:
        # a fresh nanodet network starts from the converted COCO weights (backbone + PAN)
        model = build_model(arch=a.arch, num_classes=len(class_names), pretrained=a.arch == "nanodet")
        if a.arch == "nanodet":
            log("nanodet: backbone + PAN loaded from the converted NanoDet-g-416 (COCO) weights, "
                "input normalisation folded into the stem")
    else:
        model = build_model(ck["model_config"])
    log(f"model: {sum(p.numel() for p in model.parameters()) / 1e6:.2f}M params, "
        f"{2 * count_flops(model) / 1e9:.2f} GFLOPs at 640x640 (2 x MACs)")
    model.train()
    # Four groups: (body, class head) x (weights with decay, biases/norms without). The class head
    # may learn faster (--head-lr-mult), e.g. for classes just added to a trained network.
    a.head_lr_mult = a.head_lr_mult if a.head_lr_mult is not None else \
        (ck["args"].get("head_lr_mult") if ck else None) or 1.0
    # The nanodet network has two more groups, its pretrained parts (backbone + PAN), at
    # --pretrained-lr-mult; the csp network's four groups (and so its checkpoints' optimiser state) are unchanged.
    pretrained = a.arch == "nanodet"
    kinds = ("body", "head") + (("pre",) if pretrained else ())
    groups = {f"{g}_{d}": [] for g in kinds for d in ("decay", "no_decay")}
    group_names = {k: [] for k in groups}
    for n_, p in model.named_parameters():
        g = "head" if n_.startswith("cls_heads.") else "pre" if pretrained and n_.startswith(PRETRAINED_PREFIXES) \
            else "body"
        k = g + ("_decay" if p.ndim > 1 else "_no_decay")
        groups[k].append(p)
        group_names[k].append(n_)
    lr_mults = {"body": 1.0, "head": a.head_lr_mult, "pre": a.pretrained_lr_mult}
    opt = torch.optim.AdamW([{"params": groups[k], "weight_decay": a.wd if k.endswith("_decay") and
                              not k.endswith("no_decay") else 0.0,
                              "lr_mult": lr_mults[k.split("_")[0]]} for k in groups],
                            lr=a.lr, betas=(0.9, 0.999))
    new_order = [n_ for k in groups for n_ in group_names[k]]
    ema = EMA(model, decay=a.ema_decay)
    start_epoch, best, train_time, it_global, history = 0, -1.0, 0.0, 0, []
    train_cpu = 0.0  # CPU seconds of training epochs over all sessions that recorded it (train_cpu)
    if ck is not None:
        model.load_state_dict(ck["model"])
        ema.ema.load_state_dict(ck["ema"])
        ema.updates = ck.get("ema_updates", 0)
        old = ck["optimizer"]
        if len(old["param_groups"]) == 2:  # checkpoints before the head groups: (decay, no decay)
            named = list(model.named_parameters())
            old_order = [n_ for n_, p_ in named if p_.ndim > 1] + [n_ for n_, p_ in named if p_.ndim <= 1]
        else:
            old_order = new_order
        fresh = opt.state_dict()
        by_name = {old_order[i]: st for i, st in old["state"].items()}
        fresh["state"] = {i: by_name[n_] for i, n_ in enumerate(new_order) if n_ in by_name}
        opt.load_state_dict(fresh)
        if widened is not None:
            # Adam moments of the widened rows: zero for the new classes, as for fresh parameters
            for p_ in model.parameters():
                st = opt.state.get(p_, {})
                for key in ("exp_avg", "exp_avg_sq"):
                    if key in st and st[key].shape != p_.shape:
                        pad = st[key].new_zeros((p_.shape[0] - st[key].shape[0],) + tuple(p_.shape[1:]))
                        st[key] = torch.cat([st[key], pad], 0)
        start_epoch, best = ck["epoch"], ck.get("best_fitness", -1.0)
        if widened is not None:
            best = -1.0  # a new model (more classes): best.pt is chosen among its own epochs
        if a.real_cracks and not ck["args"].get("real_cracks"):
            # real crack labels switched on: the selection score changes (pothole + crack, see
            # selection_score), so best.pt is chosen among this model's own epochs
            best = -1.0
        train_time, it_global = ck.get("train_time", 0.0), ck.get("iters", 0)
        train_cpu = ck.get("train_cpu", 0.0)
        try:
            torch.set_rng_state(ck["torch_rng"])
        except Exception:
            pass
    prior_time = train_time  # wall-clock seconds of earlier sessions (training + validation)
    budget = None if deadline is None else prior_time + max(deadline - t_session, 60.0)
    if deadline is not None:
        log(f"deadline {datetime.datetime.utcfromtimestamp(deadline):%Y-%m-%d %H:%M:%S} UTC; "
            f"time budget for the schedule {budget / 60:.0f} min (incl. {train_time / 60:.0f} min already trained)")
    prior_cpu = train_cpu
    cpu = CpuBudget(a.cpu_budget_min) if a.cpu_budget_min is not None else None
    if cpu is not None:
        log(f"CPU budget {a.cpu_budget_min:.1f} min (process CPU time, this invocation; "
            f"{prior_cpu / 60:.1f} CPU min recorded by earlier sessions of this checkpoint)")
    a.lookalike_gain = a.lookalike_gain if a.lookalike_gain is not None else \
        (ck["args"].get("lookalike_gain") if ck else None) or 1.0
    lossf = DetectionLoss(model.nc, lookalike_gain=a.lookalike_gain)
    if pretrained:
        log(f"arch nanodet: pretrained backbone + PAN at lr x{a.pretrained_lr_mult}, frozen for the first "
            f"{a.freeze_backbone_epochs} epoch(s)")
    log(f"classes {class_names}; oversample {a.oversample or 'none'}; class-head lr x{a.head_lr_mult}; "
        f"look-alike gain {a.lookalike_gain}; real crack labels {'on' if a.real_cracks else 'off'}")

    csv_path = os.path.join(run_dir, "log.csv")
    crack_row = class_names.index("crack") if a.real_cracks and "crack" in class_names else None
    fields = ["epoch", "time_utc", "train_min", "epoch_s", "cpu_min", "epoch_cpu_s", "lr", "images", "loss", "loss_box", "loss_cls"] + \
             [f"val_map50_{n}" for n in names] + [f"val_map50_95_{n}" for n in names] + \
             ([f"val_pothole_ap50_{n}" for n in names] + [f"val_crack_ap50_{n}" for n in names]
              if crack_row is not None else []) + ["val_map50_mean", "best"]
    rows = []
    if os.path.isfile(csv_path):
        with open(csv_path) as f:
            # keep earlier epochs even if the set of validation sources changed (columns then stay blank)
            rows = [{k: r.get(k, "") or "" for k in fields} for r in csv.DictReader(f) if int(r["epoch"]) <= start_epoch]
    with open(csv_path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields); w.writeheader(); w.writerows(rows)

    def lr_at(epoch_frac):
        p = schedule_progress(epoch_frac, a.epochs, train_time, budget, prior_time,
                              cpu.fraction() if cpu else None, cpu.limit / max(a.threads, 1) if cpu else None)
        f = 0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * p))
        if it_global < a.warmup_iters:
            f *= (it_global + 1) / a.warmup_iters
        return a.lr * f

    est_epoch_s = None
    stop_reason = "epochs"
    epoch = start_epoch
    if cpu is not None:
        cpu.start()
    while epoch < a.epochs:
        if deadline is not None and est_epoch_s is not None and time.time() + est_epoch_s > deadline:
            stop_reason = "deadline (next epoch would not finish in time)"
            break
        if cpu is not None and not cpu.room_for_epoch():
            stop_reason = (f"CPU budget (next epoch, ~{cpu.est_epoch / 60:.1f} CPU min, would not fit: "
                           f"{cpu.used() / 60:.1f} of {cpu.limit / 60:.1f} used)")
            break
        t0 = time.time()
        c0 = cpu.used() if cpu is not None else time.process_time()
        rng = np.random.default_rng(a.seed * 1000 + epoch)
        plan = epoch_plan(train_src, rng, a.neg_fraction, repeats)
        n_batches = len(plan) // a.batch
        pf = Prefetcher(train_src, plan, aug, a.batch, a.seed * 1000 + epoch + 7)
        model.train()
        if pretrained:
            frozen = epoch < a.freeze_backbone_epochs  # AdamW skips parameters without a gradient
            for n_, p_ in model.named_parameters():
                if n_.startswith(PRETRAINED_PREFIXES):
                    p_.requires_grad_(not frozen)
            if frozen:
                log(f"epoch {epoch + 1}: backbone + PAN frozen")
        s_loss = s_box = s_cls = 0.0
        nb = 0
        cut = False
        for bi, (imgs, labels, boxes, mask, *skip) in enumerate(pf):
            lr = lr_at(epoch + bi / max(n_batches, 1))
            for g in opt.param_groups:
                g["lr"] = lr * g.get("lr_mult", 1.0)
            x = torch.from_numpy(imgs).float().div_(255.0)
            out = model.forward_train(x)
            loss, lb, lc = lossf(out, torch.from_numpy(labels), torch.from_numpy(boxes), torch.from_numpy(mask),
                                 torch.from_numpy(skip[0]) if skip else None)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 10.0)
            opt.step()
            ema.update(model)
            it_global += 1
            nb += 1
            s_loss += loss.item(); s_box += lb.item(); s_cls += lc.item()
            now = time.time()
            train_time = prior_time + (now - t_session)
            if bi % 20 == 0:
                log(f"epoch {epoch + 1} batch {bi}/{n_batches} loss {loss.item():.4f} box {lb.item():.4f} "
                    f"cls {lc.item():.4f} lr {lr:.2e} {(now - t0) / (bi + 1):.2f}s/it")
            if deadline is not None and now > deadline:
                cut = "deadline"
                break
            if cpu is not None and cpu.exhausted():
                cut = "CPU budget"
                break
        pf.close()
        if cut:
            stop_reason = f"{cut} (cut inside an epoch; partial epoch discarded from the count)"
            train_cpu = prior_cpu + (cpu.used() if cpu is not None else 0.0)
            ck_partial = os.path.join(run_dir, "last.pt")
            # save weights of the partial epoch so nothing is lost, but keep the epoch counter
            torch.save(make_ck(model, ema, opt, epoch, best, train_time, it_global, a, train_cpu), ck_partial)
            break
        t_train = time.time() - t0
        epoch += 1
        # ---------------- validation (EMA weights)
        vals, per_class = {}, {}
        for c in val_caches:
            gts = list(zip(c.src.boxes, c.src.classes))
            # with real cracks the crack row is reported as well (as the shipped metadata's
            # reported_classes ["pothole", "crack"] makes the Java decoder do)
            ev = evaluate_cached(ema.ema, c, gts, num_classes=1 if crack_row is None else crack_row + 1)
            # mAP@0.5:0.95 only every 5th epoch (matching at 10 IoUs costs time on 2 cores)
            vals[c.src.name] = ev.map() if epoch % 5 == 0 or epoch == a.epochs else (ev.map50(), float("nan"))
            if crack_row is not None:
                per_class[c.src.name] = class_ap50(ev, [0, crack_row])
        core_names = [n for n in names if n in [os.path.basename(d.rstrip("/")) for d in data_dirs]]
        if crack_row is None:
            core = [vals[n][0] for n in core_names]
            fitness = float(np.mean(core)) if core else 0.0
        else:
            fitness = selection_score({n: per_class[n] for n in core_names})
        is_best = fitness > best
        if is_best:
            best = fitness
        train_time = prior_time + (time.time() - t_session)
        ep_s = time.time() - t0
        ep_cpu = (cpu.used() if cpu is not None else time.process_time()) - c0
        if cpu is not None:
            cpu.epoch_done(ep_cpu)
            train_cpu = prior_cpu + cpu.used()
        else:
            train_cpu += ep_cpu
        est_epoch_s = ep_s * 1.05 if est_epoch_s is None else max(ep_s, 0.5 * (est_epoch_s + ep_s)) * 1.05
        row = {"epoch": epoch, "time_utc": f"{datetime.datetime.utcnow():%H:%M:%S}",
               "train_min": f"{train_time / 60:.1f}", "epoch_s": f"{ep_s:.0f}", "cpu_min": f"{train_cpu / 60:.1f}",
               "epoch_cpu_s": f"{ep_cpu:.0f}", "lr": f"{lr:.2e}",
               "images": nb * a.batch, "loss": f"{s_loss / max(nb, 1):.4f}", "loss_box": f"{s_box / max(nb, 1):.4f}",
               "loss_cls": f"{s_cls / max(nb, 1):.4f}", "val_map50_mean": f"{fitness:.4f}", "best": int(is_best)}
        for n in names:
            row[f"val_map50_{n}"] = f"{vals[n][0]:.4f}"
            if crack_row is not None:
                (pa, pn), (ca, cn) = per_class[n]
                row[f"val_pothole_ap50_{n}"] = "" if pn < MIN_SELECT_GT else f"{pa:.4f}"
                row[f"val_crack_ap50_{n}"] = "" if cn < MIN_SELECT_GT else f"{ca:.4f}"
            row[f"val_map50_95_{n}"] = "" if np.isnan(vals[n][1]) else f"{vals[n][1]:.4f}"
        rows.append(row)
        with open(csv_path, "a", newline="") as f:
            csv.DictWriter(f, fieldnames=fields).writerow(row)
        save_plot(rows, os.path.join(run_dir, "curves.png"), names)
        log(f"== epoch {epoch} done: train {t_train:.0f}s total {ep_s:.0f}s cpu {ep_cpu:.0f}s loss {row['loss']} | " +
            " ".join(f"{n}: mAP50 {vals[n][0]:.4f} mAP50-95 {vals[n][1]:.4f}" +
                     (f" (pothole AP50 {per_class[n][0][0]:.4f} n={per_class[n][0][1]}, crack AP50 "
                      f"{per_class[n][1][0]:.4f} n={per_class[n][1][1]})" if crack_row is not None else "")
                     for n in names) +
            f" | mean {fitness:.4f}{' (best)' if is_best else ''}")
        ckd = make_ck(model, ema, opt, epoch, best, train_time, it_global, a, train_cpu)
        torch.save(ckd, os.path.join(run_dir, "last.pt.tmp"))
        os.replace(os.path.join(run_dir, "last.pt.tmp"), os.path.join(run_dir, "last.pt"))
        if is_best:
            shutil.copyfile(os.path.join(run_dir, "last.pt"), os.path.join(run_dir, "best.pt.tmp"))
            os.replace(os.path.join(run_dir, "best.pt.tmp"), os.path.join(run_dir, "best.pt"))
    log(f"training stopped: {stop_reason}; epoch {epoch}, best mean val mAP50 {best:.4f}, "
        f"train time {train_time / 60:.1f} min" +
        (f", CPU this invocation {cpu.used() / 60:.1f} of {cpu.limit / 60:.1f} min" if cpu is not None else ""))
    if not a.no_carry and os.path.isfile(os.path.join(run_dir, "last.pt")):
        # Once per session, compact (carry.py): the tracked file is committed and stays in the history.
        size = carry.write(torch.load(os.path.join(run_dir, "last.pt"), map_location="cpu"), CARRY)
        log(f"carried the training state to {CARRY} ({size / 1e6:.1f} MB)")
    if a.export_on_finish:
        bp = os.path.join(run_dir, "best.pt")
        if os.path.isfile(bp):
            from export import export
            export(bp, data_dirs, extra, test=True, run_dir=run_dir, log=log, val_sources=val_src,
                   note=f"final export at end of training run '{a.run}' ({stop_reason})")
        else:
            log("no best.pt to export")
    log("done")


# A class enters the selection score on a source's val split only with at least this many boxes
# there (rdd2022-china-motorbike has 4 val potholes: its pothole AP would be noise).
MIN_SELECT_GT = 20


def class_ap50(ev, rows):
    """[(AP@0.5, number of ground-truth boxes)] per class row of an Evaluator."""
    from common import ap_101
    out = []
    for c in rows:
        _, tp, n_gt = ev._tp_lists(c, 0.5)
        out.append((ap_101(tp, n_gt) if n_gt else float("nan"), n_gt))
    return out


def selection_score(per_source):
    """With real cracks: mean of (mean pothole AP@0.5, mean crack AP@0.5) over the sources whose val
    split has at least MIN_SELECT_GT boxes of the class; {source: [(pothole ap, n), (crack ap, n)]}."""
    parts = []
    for k in (0, 1):
        aps = [v[k][0] for v in per_source.values() if v[k][1] >= MIN_SELECT_GT]
        if aps:
            parts.append(float(np.mean(aps)))
    return float(np.mean(parts)) if parts else 0.0


def make_ck(model, ema, opt, epoch, best, train_time, iters, a, train_cpu=0.0):
    return {"train_cpu": train_cpu, "model": model.state_dict(), "ema": ema.ema.state_dict(), "ema_updates": ema.updates,
            "optimizer": opt.state_dict(), "epoch": epoch, "best_fitness": best, "train_time": train_time,
            "iters": iters, "args": vars(a), "model_config": model.config, "classes": a.classes.split(","), "torch_rng": torch.get_rng_state(),
            "saved": datetime.datetime.utcnow().isoformat() + "Z"}


if __name__ == "__main__":
    main()
