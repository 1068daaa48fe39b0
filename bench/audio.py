"""Throughput of augmentlab's audio transforms vs audiomentations 0.43.1, side by side in one run
(not a test), and the quality of their time stretch and pitch shift.

Speed: real speech (espeak-ng reading a paragraph, resampled to 16 kHz), 1 s and 5 s mono clips,
one thread, each op with matching parameters in both libraries (filters at 24 dB/octave, noise
at the same SNR ranges), alternating rounds, the median of paired ratios (clips/s, ours over
theirs).

Quality of TimeStretch and PitchShift: a 2 s harmonic tone (220 Hz and 4 overtones) stretched by
0.8 and 1.25 and shifted by -4 and +4 semitones; the result is compared with the ideal (the same
tone synthesised at the target pitch) by the spectral convergence of the time-averaged
magnitude spectra, ``||S_out - S_ideal|| / ||S_ideal||`` (0: the same spectrum; lower is
better), and by the level change in dB. audiomentations is run with both its methods
(signalsmith_stretch, its default, and librosa's phase vocoder).

    .venv/bin/python bench/audio.py [--rounds 7]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import soundfile as sf
from scipy import signal

os.environ.setdefault("NUMBA_NUM_THREADS", "1")

import audiomentations as am  # noqa: E402

import augmentlab as al  # noqa: E402

RATE = 16000
TEXT = ("Data augmentation grows a small training set by transforming the examples it already "
        "has. A model that hears the same sentence louder, softer, faster or in another room "
        "learns what stays the same. Whether it helps is a question for an experiment, with "
        "several seeds and an honest interval.")


def speech(seconds: float) -> np.ndarray:
    """`seconds` of espeak-ng speech at 16 kHz, mono float32 (the paragraph repeated if short)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "speech.wav"
        subprocess.run(["espeak-ng", "-w", str(path), TEXT], check=True)
        x, rate = sf.read(path, dtype="float32")
    g = math.gcd(RATE, rate)
    x = signal.resample_poly(x, RATE // g, rate // g)
    n = int(seconds * RATE)
    return np.resize(x, n).astype(np.float32)


def ops() -> list[tuple[str, Any, Any]]:
    return [
        ("Gain", al.audio.Gain(), am.Gain(p=1)),
        ("AddGaussianNoise (SNR)", al.audio.AddGaussianNoise(), am.AddGaussianSNR(p=1)),
        ("AddColoredNoise", al.audio.AddColoredNoise(), am.AddColorNoise(p=1)),
        ("Normalize", al.audio.Normalize(), am.Normalize(p=1)),
        ("ClippingDistortion", al.audio.ClippingDistortion(), am.ClippingDistortion(p=1)),
        ("LowPass", al.audio.LowPass(), am.LowPassFilter(min_rolloff=24, max_rolloff=24, p=1)),
        ("HighPass", al.audio.HighPass(), am.HighPassFilter(min_rolloff=24, max_rolloff=24, p=1)),
        ("BandPass", al.audio.BandPass(max_width=1.99),
         am.BandPassFilter(min_rolloff=24, max_rolloff=24, p=1)),
        ("BandStop", al.audio.BandStop(max_width=1.99),
         am.BandStopFilter(min_rolloff=24, max_rolloff=24, p=1)),
        ("PeakingEQ", al.audio.PeakingEQ(min_gain_db=-24, max_gain_db=24, max_q=5),
         am.PeakingFilter(p=1)),
        ("TimeMask", al.audio.TimeMask(min_band_part=0.01, max_band_part=0.2),
         am.TimeMask(fade_duration=0.0, p=1)),
        ("Reverse", al.audio.Reverse(), am.Reverse(p=1)),
        ("Shift", al.audio.Shift(), am.Shift(fade_duration=0.0, p=1)),
        ("GainTransition", al.audio.GainTransition(), am.GainTransition(
            min_duration=0.2, max_duration=0.5, duration_unit="fraction", p=1)),
        ("TimeStretch", al.audio.TimeStretch(), am.TimeStretch(p=1)),
        ("PitchShift", al.audio.PitchShift(), am.PitchShift(p=1)),
    ]


def rates(ours: Any, theirs: Any, x: np.ndarray, rounds: int, min_round: float = 0.2
          ) -> tuple[float, float, float]:
    """Median clips/s of both and the median of paired ratios (see bench/image.py)."""
    pipe = al.Compose([ours], seed=0)
    counter = iter(range(10**9))

    def run_ours(k: int) -> float:
        start = time.perf_counter()
        for _ in range(k):
            pipe(audio=x, sample_rate=RATE, sample_id=next(counter))
        return k / (time.perf_counter() - start)

    def run_theirs(k: int) -> float:
        start = time.perf_counter()
        for _ in range(k):
            theirs(samples=x, sample_rate=RATE)
        return k / (time.perf_counter() - start)

    run_ours(2), run_theirs(2)  # warm up (numba compiles, caches fill)
    calls = max(3, int(min_round * min(run_ours(3), run_theirs(3))))
    pairs = [(run_ours(calls), run_theirs(calls)) for _ in range(rounds)]
    return (float(np.median([o for o, _ in pairs])), float(np.median([t for _, t in pairs])),
            float(np.median([o / t for o, t in pairs])))


def harmonic(f0: float, seconds: float = 2.0) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    return sum(0.2 / k * np.sin(2 * np.pi * k * f0 * t) for k in range(1, 6)).astype(np.float32)


def spectrum(x: np.ndarray) -> np.ndarray:
    """Time-averaged magnitude spectrum of the middle of `x` (edges left out)."""
    _, _, z = signal.stft(x[len(x) // 8: -len(x) // 8], fs=RATE, nperseg=2048)
    return np.abs(z).mean(axis=1)


def quality() -> list[dict[str, Any]]:
    x = harmonic(220.0)
    rows = []
    cases = [("TimeStretch", r, 220.0) for r in (0.8, 1.25)] + \
            [("PitchShift", s, 220.0 * 2 ** (s / 12)) for s in (-4, 4)]
    for op, amount, f0 in cases:
        ideal = spectrum(harmonic(f0))
        if op == "TimeStretch":
            # the stretched signal itself (kept at the input's length, a faster one would end in
            # silence that the time-averaged spectrum counts as error for everyone)
            contenders = {"augmentlab": al.audio.TimeStretch(min_rate=amount, max_rate=amount,
                                                             leave_length_unchanged=False),
                          **{f"audiomentations {m}": am.TimeStretch(min_rate=amount, max_rate=amount,
                                                                    leave_length_unchanged=False,
                                                                    method=m, p=1)
                             for m in ("signalsmith_stretch", "librosa_phase_vocoder")}}
        else:
            contenders = {"augmentlab": al.audio.PitchShift(min_semitones=amount, max_semitones=amount),
                          **{f"audiomentations {m}": am.PitchShift(min_semitones=amount,
                                                                   max_semitones=amount, method=m, p=1)
                             for m in ("signalsmith_stretch", "librosa_phase_vocoder")}}
        for who, t in contenders.items():
            y = (t(audio=x, sample_rate=RATE, seed=0)["audio"] if who == "augmentlab"
                 else t(samples=x, sample_rate=RATE))
            s = spectrum(y)
            rows.append({"op": op, "amount": amount, "who": who,
                         "spectral_convergence": float(np.linalg.norm(s - ideal) / np.linalg.norm(ideal)),
                         "level_change_db": float(20 * np.log10(np.std(y[len(y) // 8: -len(y) // 8])
                                                                / np.std(x[len(x) // 8: -len(x) // 8])))})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--only", default="", help="comma-separated operation names (default: all;"
                        " a partial run does not overwrite results/audio.json)")
    args = parser.parse_args()
    only = {n.strip() for n in args.only.split(",") if n.strip()}
    rows = []
    print(f"{'operation':26s} {'clip':>5s} {'ours/s':>9s} {'theirs/s':>9s} {'ratio':>7s}")
    for seconds in (1.0, 5.0):
        x = speech(seconds)
        for name, ours, theirs in ops():
            if only and name not in only:
                continue
            o, t, ratio = rates(ours, theirs, x, args.rounds)
            rows.append({"name": name, "seconds": seconds, "augmentlab": o, "audiomentations": t,
                         "ratio": ratio})
            print(f"{name:26s} {seconds:4.0f}s {o:9.0f} {t:9.0f} {ratio:6.2f}x", flush=True)
    if only:
        return
    print("\nquality (spectral convergence to the ideal tone, lower is better; level change dB)")
    q = quality()
    for r in q:
        print(f"{r['op']:12s} {r['amount']:+6.2f} {r['who']:40s} {r['spectral_convergence']:.3f} "
              f"{r['level_change_db']:+.2f} dB")
    out = Path(__file__).parent / "results" / "audio.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"audiomentations": am.__version__, "rate": RATE, "speed": rows,
                               "quality": q}, indent=1))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
