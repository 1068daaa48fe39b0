"""Can FixMatch lift the small CNN on MNIST at 10 labelled images per class to 93% test accuracy within
10 minutes of CPU wall time per seed? (a feasibility probe, not a test; nothing downloads)

The labelled rows are the harness's own: ``training_rows(load("mnist"), 10, seed, 0.2)``, carve
included (at 10 per class a cell trains on the whole subset and keeps the last weights), so the
supervised rows are those of the 82.3% baseline. The unlabelled pool is ``--unlabeled`` other rows of
the training split (a seeded draw; 0 = all the rest). The model is the harness's ``small-cnn``
(`augmentlab.evaluate.torch_models.build_network`); the loss is `augmentlab.torch.fixmatch_loss`.

Views (``--views``):

- ``per-sample``: augmentlab pipelines called once per image, as the harness's image adapter does:
  weak = Affine (translation up to ``--shift`` of the side, no flip: a mirrored digit is another
  class); strong = the weak Affine + ``--policy`` (TrivialAugment Wide or RandAugment) + a Cutout
  square of half the side (CoarseDropout).
- ``batched``: the same kinds of views on a whole batch at once in torch, from augmentlab's
  `LearnableAffine` / `LearnableBrightness` / `LearnableContrast` (strengths frozen) plus a
  Cutout square drawn per image.

``--workers 1`` builds the per-sample views in a DataLoader worker process, overlapping them with the
forward/backward pass (then give torch ``--threads 1``: two cores in all).

``--mode supervised`` trains on the labelled rows alone (``--sup-aug none`` is the harness's
baseline, ``weak`` the weak view), for the comparison with the same budget.

Prints test accuracy (all 10,000 test rows) every ``--eval-every`` steps with the training wall
time (evaluation excluded), process CPU time, the share of unlabelled rows passing the threshold
and how many of those pseudo-labels are right; at the end, where the time went.

    nice -n 19 .venv/bin/python bench/fixmatch_probe.py --seeds 0 --mu 3 --unlabeled 20000
"""

from __future__ import annotations

import argparse
import copy
import json
import time
from collections import defaultdict
from typing import Any

import numpy as np
import torch

from augmentlab.core.compose import Compose
from augmentlab.datasets import load
from augmentlab.evaluate.cells import training_rows
from augmentlab.evaluate.torch_models import build_network
from augmentlab.image import Affine, CoarseDropout
from augmentlab.policies import RandAugment, TrivialAugmentWide
from augmentlab.torch import LearnableAffine, LearnableBrightness, LearnableContrast, fixmatch_loss


def weak_affine(shift: float) -> Affine:
    return Affine(rotate=0.0, scale=(1.0, 1.0), translate_percent=shift, shear=0.0, keep_ratio=True, p=1.0)


def pipelines(shift: float, policy: str) -> tuple[Compose, Compose]:
    """(weak, strong) augmentlab pipelines, flip-free."""
    op: Any = TrivialAugmentWide() if policy == "ta" else RandAugment(num_ops=2, magnitude=10)
    strong = Compose([weak_affine(shift), op,
                      CoarseDropout(num_holes_range=(1, 1), hole_height_range=(0.5, 0.5),
                                    hole_width_range=(0.5, 0.5), p=1.0)])
    return Compose([weak_affine(shift)]), strong


def per_sample(pipe: Compose, X: np.ndarray, rows: np.ndarray, step: int, seed: int) -> np.ndarray:
    """One augmented copy of each image, one pipeline call each (the harness's image adapter)."""
    return np.stack([pipe(image=x, sample_id=int(r), copy=step, seed=seed)["image"]
                     for x, r in zip(X, rows, strict=True)])


def to_tensor(X: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(X.astype(np.float32) / 255.0)[:, None]


class BatchedViews:
    """Weak and strong views of a float (N, 1, H, W) batch in torch."""

    def __init__(self, shift: float, seed: int) -> None:
        # LearnableAffine's translation is a fraction of half the side
        self.weak = LearnableAffine(rotation=0.0, translation=2 * shift, scale=0.0).requires_grad_(False)
        self.geo = LearnableAffine(rotation=0.5, translation=2 * shift, scale=0.25).requires_grad_(False)
        self.bright = LearnableBrightness(0.3).requires_grad_(False)
        self.contrast = LearnableContrast(0.6).requires_grad_(False)
        self.gen = torch.Generator().manual_seed(seed)

    def weak_view(self, x: torch.Tensor) -> torch.Tensor:
        return self.weak(x, self.gen)

    def strong_view(self, x: torch.Tensor) -> torch.Tensor:
        x = self.contrast(self.bright(self.geo(x, self.gen), self.gen), self.gen).clamp(0, 1)
        n, _, h, w = x.shape
        side = h // 2  # a Cutout square of half the side, centred anywhere in the image
        cy = torch.randint(0, h, (n, 1, 1), generator=self.gen)
        cx = torch.randint(0, w, (n, 1, 1), generator=self.gen)
        ys, xs = torch.arange(h).view(1, h, 1), torch.arange(w).view(1, 1, w)
        hole = ((ys - cy).abs() <= side // 2) & ((xs - cx).abs() <= side // 2)
        return x.masked_fill(hole[:, None], 0.0)


class Steps(torch.utils.data.IterableDataset):
    """The per-sample views of every step, drawn from (seed, step) alone: the same batches in the
    main process or a worker."""

    def __init__(self, args: argparse.Namespace, X_l: np.ndarray, y_l: np.ndarray, rows_l: np.ndarray,
                 X_u: np.ndarray, rows_u: np.ndarray, seed: int) -> None:
        self.args, self.X_l, self.y_l, self.rows_l = args, X_l, y_l, rows_l
        self.X_u, self.rows_u, self.seed = X_u, rows_u, seed
        self.weak, self.strong = pipelines(args.shift, args.policy)
        self.clock = Clock()

    def batch(self, step: int) -> dict[str, Any]:
        a, clock = self.args, self.clock
        rng = np.random.default_rng([self.seed, step])
        il = rng.choice(len(self.X_l), size=min(a.batch, len(self.X_l)), replace=False)
        out: dict[str, Any] = {"y_l": torch.from_numpy(self.y_l[il]), "iu": None}
        clock.start("augment labelled (per-sample)")
        if (a.mode == "supervised" and a.sup_aug == "none") or a.views == "batched":
            xl = self.X_l[il]  # as is, or augmented in torch by the caller
        else:
            xl = per_sample(self.weak, self.X_l[il], self.rows_l[il], step, self.seed)
        out["x_l"] = to_tensor(xl)
        clock.stop()
        if a.mode == "fixmatch":
            iu = rng.choice(len(self.X_u), size=a.mu * a.batch, replace=False)
            out["iu"] = torch.from_numpy(iu)
            if a.views == "batched":
                out["x_u"] = to_tensor(self.X_u[iu])
            else:
                clock.start("augment weak unlabelled (per-sample)")
                out["x_w"] = to_tensor(per_sample(self.weak, self.X_u[iu], self.rows_u[iu], step,
                                                  self.seed + 1000))
                clock.stop()
                clock.start("augment strong unlabelled (per-sample)")
                out["x_s"] = to_tensor(per_sample(self.strong, self.X_u[iu], self.rows_u[iu], step,
                                                  self.seed + 2000))
                clock.stop()
        return out

    def __iter__(self) -> Any:
        step = 1
        while True:
            yield self.batch(step)
            step += 1


class Clock:
    """Wall and thread-CPU seconds by phase. With ``--threads 1`` a phase's CPU time is what it would take
    on an idle core (the wall time also counts the other jobs of a shared machine)."""

    def __init__(self) -> None:
        self.wall: dict[str, float] = defaultdict(float)
        self.cpu: dict[str, float] = defaultdict(float)
        self.phase, self.t, self.c = "", 0.0, 0.0

    def start(self, phase: str) -> None:
        self.phase, self.t, self.c = phase, time.perf_counter(), time.thread_time()

    def stop(self) -> None:
        self.wall[self.phase] += time.perf_counter() - self.t
        self.cpu[self.phase] += time.thread_time() - self.c


def evaluate(net: torch.nn.Module, X: torch.Tensor, y: np.ndarray) -> float:
    net.eval()
    with torch.no_grad():
        pred = torch.cat([net(X[i : i + 2500]).argmax(1) for i in range(0, len(X), 2500)])
    return float((pred.numpy() == y).mean())


def run(args: argparse.Namespace, data: Any, seed: int) -> dict[str, Any]:
    torch.manual_seed(seed)
    tr, va = training_rows(data, args.per_class, seed, 0.2)
    rows_l = np.sort(np.concatenate([tr, va]))  # "final" selection: the whole subset
    rest = np.setdiff1d(data.train, rows_l)
    rng = np.random.default_rng([seed, 4242])
    rows_u = np.sort(rng.choice(rest, size=args.unlabeled, replace=False)) if args.unlabeled else rest
    X_l, y_l = data.X[rows_l], data.y[rows_l]
    X_u, y_u = data.X[rows_u], data.y[rows_u]
    X_test, y_test = to_tensor(data.X[data.test]), data.y[data.test]
    check_rows = np.sort(np.random.default_rng(99).permutation(len(y_test))[: args.eval_rows])

    net = build_network("small-cnn", (28, 28), 10)
    if args.opt == "adam":
        opt: torch.optim.Optimizer = torch.optim.Adam(net.parameters(), lr=args.lr,
                                                      weight_decay=args.wd)
    else:
        opt = torch.optim.SGD(net.parameters(), lr=args.lr, momentum=0.9, nesterov=True,
                              weight_decay=args.wd)
    # FixMatch's cosine decay, over the planned steps (to 7/16 pi: lr ends at ~0.2 of the start)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda k: float(np.cos(7 * np.pi * k / (16 * args.steps))) if args.cosine else 1.0)
    ema = copy.deepcopy(net).requires_grad_(False) if args.ema else None
    views = BatchedViews(args.shift, seed) if args.views == "batched" else None
    source = Steps(args, X_l, y_l, rows_l, X_u, rows_u, seed)
    if args.workers:
        loader: Any = iter(torch.utils.data.DataLoader(source, batch_size=None, num_workers=args.workers,
                                                       prefetch_factor=4, persistent_workers=True))
    else:
        loader = iter(source)
    clock = Clock()
    history: list[dict[str, Any]] = []
    passed = right = seen = 0
    wall0, cpu0 = time.perf_counter(), time.process_time()
    eval_seconds = 0.0
    print(f"seed {seed}: {len(rows_l)} labelled, {len(rows_u)} unlabelled rows")
    for step in range(1, args.steps + 1):
        clock.start("next batch (main process)" if not args.workers else "wait for the worker")
        b = next(loader)
        clock.stop()
        clock.start("augment (torch, batched)")
        x_l = b["x_l"]
        if views is not None and not (args.mode == "supervised" and args.sup_aug == "none"):
            x_l = views.weak_view(x_l)
        x_w = x_s = weak_logits = None
        if args.mode == "fixmatch":
            if views is not None:
                x_w, x_s = views.weak_view(b["x_u"]), views.strong_view(b["x_u"])
            else:
                x_w, x_s = b["x_w"], b["x_s"]
        clock.stop()
        if x_w is not None:
            clock.start("forward weak (no grad)")
            net.eval()  # pseudo-labels without dropout, and without a graph
            with torch.no_grad():
                weak_logits = net(x_w)
            clock.stop()
        clock.start("forward+backward+step")
        net.train()
        opt.zero_grad()
        inputs = x_l if x_s is None else torch.cat([x_l, x_s])
        logits = net(inputs)
        loss = torch.nn.functional.cross_entropy(logits[: len(x_l)], b["y_l"])
        if weak_logits is not None:
            loss = loss + args.lambda_u * fixmatch_loss(weak_logits, logits[len(x_l):],
                                                        threshold=args.threshold)
        loss.backward()
        opt.step()
        sched.step()
        if ema is not None:
            with torch.no_grad():
                for pe, p in zip(ema.parameters(), net.parameters(), strict=True):
                    pe.lerp_(p, 1 - args.ema)
        clock.stop()
        if weak_logits is not None:
            conf, pseudo = torch.softmax(weak_logits, 1).max(1)
            ok = (conf >= args.threshold).numpy()
            passed += int(ok.sum())
            right += int((pseudo.numpy()[ok] == y_u[b["iu"].numpy()][ok]).sum())
            seen += len(ok)
        train_wall = time.perf_counter() - wall0 - eval_seconds
        train_cpu = sum(clock.cpu.values())  # the main thread's, evaluation excluded
        last = step == args.steps or (train_cpu if args.budget_clock == "cpu" else train_wall) >= args.budget
        if step % args.eval_every == 0 or last:
            t = time.perf_counter()
            pick = slice(None) if last else check_rows  # checkpoints on a fixed random subset, the end on all
            rows = len(y_test[pick])
            acc = evaluate(net, X_test[pick], y_test[pick])
            acc_ema = evaluate(ema, X_test[pick], y_test[pick]) if ema is not None else None
            eval_seconds += time.perf_counter() - t
            row = {"step": step, "test_rows": rows, "acc": acc, "acc_ema": acc_ema,
                   "train_wall": train_wall, "train_cpu": train_cpu,
                   "process_cpu": time.process_time() - cpu0,
                   "mask": passed / seen if seen else None,
                   "pseudo_acc": right / passed if passed else None}
            history.append(row)
            ema_txt = f" ema {100 * acc_ema:5.2f}%" if acc_ema is not None else ""
            mask_txt = (f"  pass {100 * row['mask']:5.1f}% (right {100 * (row['pseudo_acc'] or 0):5.1f}%)"
                        if seen else "")
            print(f"  step {step:5d}  acc {100 * acc:5.2f}%{ema_txt} ({rows} test rows)  train wall "
                  f"{train_wall:6.1f} s  main-thread cpu {train_cpu:6.1f} s{mask_txt}", flush=True)
            passed = right = seen = 0
        if last:
            break
    wall, cpu = dict(clock.wall), dict(clock.cpu)
    if not args.workers:  # the per-sample views were built inside "next batch"
        wall.update({"  of which " + k: v for k, v in source.clock.wall.items()})
        cpu.update({"  of which " + k: v for k, v in source.clock.cpu.items()})
    top = [k for k in wall if not k.startswith("  ")]
    total_wall, total_cpu = sum(wall[k] for k in top), sum(cpu[k] for k in top)
    print(f"  {step} steps: timed wall {total_wall:.1f} s ({1e3 * total_wall / step:.0f} ms/step), main-thread "
          f"cpu {total_cpu:.1f} s ({1e3 * total_cpu / step:.0f} ms/step); evaluation {eval_seconds:.1f} s "
          "excluded")
    for k in wall:
        print(f"    {k:44s} wall {1e3 * wall[k] / step:6.1f} ms/step   cpu {1e3 * cpu[k] / step:6.1f} ms/step")
    return {"seed": seed, "history": history, "wall": wall, "cpu": cpu, "steps": step,
            "eval_seconds": eval_seconds}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--mode", default="fixmatch", choices=("fixmatch", "supervised"))
    p.add_argument("--sup-aug", default="weak", choices=("none", "weak"))
    p.add_argument("--seeds", type=int, nargs="+", default=[0])
    p.add_argument("--per-class", type=int, default=10)
    p.add_argument("--unlabeled", type=int, default=20000, help="0: all other training rows")
    p.add_argument("--views", default="per-sample", choices=("per-sample", "batched"))
    p.add_argument("--policy", default="ta", choices=("ta", "ra"))
    p.add_argument("--shift", type=float, default=0.125)
    p.add_argument("--batch", type=int, default=32, help="labelled rows per step")
    p.add_argument("--mu", type=int, default=3, help="unlabelled rows per labelled row")
    p.add_argument("--threshold", type=float, default=0.95)
    p.add_argument("--lambda-u", type=float, default=1.0)
    p.add_argument("--opt", default="adam", choices=("adam", "sgd"))
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--wd", type=float, default=1e-4)
    p.add_argument("--cosine", action="store_true")
    p.add_argument("--ema", type=float, default=0.0, help="EMA decay of the weights (0: none)")
    p.add_argument("--steps", type=int, default=3000)
    p.add_argument("--budget", type=float, default=600.0, help="stop after this much training time (s)")
    p.add_argument("--budget-clock", default="wall", choices=("wall", "cpu"),
                   help="cpu: the main thread's CPU time (--threads 1 --workers 0: an idle core's wall)")
    p.add_argument("--eval-rows", type=int, default=10000,
                   help="test rows scored at checkpoints (all of them at the end)")
    p.add_argument("--eval-every", type=int, default=250)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--workers", type=int, default=0, help="DataLoader workers for the per-sample views")
    p.add_argument("--json", default="", help="append a JSON summary line to this file")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    t = time.perf_counter()
    data = load("mnist")
    print(f"load('mnist'): {time.perf_counter() - t:.1f} s; config {vars(args)}")
    results = [run(args, data, seed) for seed in args.seeds]
    if args.json:
        with open(args.json, "a") as f:
            f.write(json.dumps({"config": vars(args), "results": results}) + "\n")


if __name__ == "__main__":
    main()
