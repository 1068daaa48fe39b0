"""What each audio transform does, measured on its output (the contract is in
tests/test_modal_invariants.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import augmentlab as al
from augmentlab.core.errors import InvalidConfig, InvalidInput

RATE = 16000


def _tone(hz: float, seconds: float = 1.0, amplitude: float = 0.5) -> np.ndarray:
    t = np.arange(int(RATE * seconds)) / RATE
    return (amplitude * np.sin(2 * np.pi * hz * t)).astype(np.float32)


def _level(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(x[len(x) // 4:], dtype=np.float64))))  # after settling


def _run(t: al.Transform, x: np.ndarray, seed: int = 0) -> np.ndarray:
    return t(audio=x, sample_rate=RATE, seed=seed)["audio"]


def test_low_and_high_pass_keep_their_side_of_the_cutoff() -> None:
    low, high = _tone(200), _tone(5000)
    lp = al.audio.LowPass(min_hz=1000, max_hz=1000)
    hp = al.audio.HighPass(min_hz=1000, max_hz=1000)
    assert _level(_run(lp, low)) == pytest.approx(_level(low), rel=0.02)
    assert _level(_run(lp, high)) < 0.01 * _level(high)  # 4th order, 2.3 octaves: < -40 dB
    assert _level(_run(hp, high)) == pytest.approx(_level(high), rel=0.02)
    assert _level(_run(hp, low)) < 0.01 * _level(low)


def test_band_pass_and_band_stop_act_on_the_band_around_the_centre() -> None:
    centre, far = _tone(1000), _tone(6000)
    bp = al.audio.BandPass(min_hz=1000, max_hz=1000, min_width=0.5, max_width=0.5)
    bs = al.audio.BandStop(min_hz=1000, max_hz=1000, min_width=0.5, max_width=0.5)
    assert _level(_run(bp, centre)) > 0.9 * _level(centre)
    assert _level(_run(bp, far)) < 0.02 * _level(far)
    assert _level(_run(bs, centre)) < 0.05 * _level(centre)
    assert _level(_run(bs, far)) > 0.95 * _level(far)
    with pytest.raises(InvalidInput, match="Nyquist"):  # a band above 4 kHz on 8 kHz audio
        al.audio.BandPass(min_hz=9000, max_hz=9000)(audio=_tone(100)[:800], sample_rate=8000, seed=0)
    with pytest.raises(InvalidInput, match="Nyquist"):
        al.audio.HighPass(min_hz=5000, max_hz=5000)(audio=_tone(100)[:800], sample_rate=8000, seed=0)


@pytest.mark.parametrize("gain_db", [-12.0, 6.0])
def test_peaking_eq_sets_its_gain_at_the_centre_and_leaves_far_bands(gain_db: float) -> None:
    from scipy import signal

    eq = al.audio.PeakingEQ(min_hz=1000, max_hz=1000, min_gain_db=gain_db, max_gain_db=gain_db,
                            min_q=2, max_q=2)
    centre, far = _tone(1000), _tone(6000)
    assert 20 * np.log10(_level(_run(eq, centre)) / _level(centre)) == pytest.approx(gain_db, abs=0.1)
    assert 20 * np.log10(_level(_run(eq, far)) / _level(far)) == pytest.approx(0.0, abs=0.5)
    # the cookbook's section is the analogue peaking prototype (s^2 + s A/Q + 1) / (s^2 + s/(A Q)
    # + 1), prewarped at the centre, through scipy's bilinear transform
    w0 = 2 * np.pi * 1000 * np.tan(np.pi * 1000 / RATE) / (np.pi * 1000)
    amp = 10 ** (gain_db / 40)
    b, a = signal.bilinear([1 / w0**2, amp / (2 * w0), 1], [1 / w0**2, 1 / (amp * 2 * w0), 1],
                           fs=1.0)
    sos = al.audio.filters.peaking_sos(1000.0, gain_db, 2.0, RATE)
    np.testing.assert_allclose(sos[0, :3], b / a[0], atol=1e-9)
    np.testing.assert_allclose(sos[0, 3:], a / a[0], atol=1e-9)


@pytest.mark.parametrize("f_decay", [-6.0, -3.0, 0.0, 3.0])
def test_colored_noise_has_its_slope_and_snr(f_decay: float) -> None:
    x = _tone(440, seconds=2.0, amplitude=0.1)  # quiet: the noisy clip stays under full scale
    t = al.audio.AddColoredNoise(min_snr_db=0, max_snr_db=0, min_f_decay=f_decay, max_f_decay=f_decay)
    noise = _run(t, x).astype(np.float64) - x
    assert 10 * np.log10(np.mean(x.astype(np.float64) ** 2) / np.mean(noise**2)) == pytest.approx(0, abs=0.05)
    power = np.abs(np.fft.rfft(noise)) ** 2
    f = np.fft.rfftfreq(len(noise), 1 / RATE)
    octaves = [(lo, 2 * lo) for lo in (100, 200, 400, 800, 1600, 3200)]
    db = [10 * np.log10(power[(f >= lo) & (f < hi)].mean()) for lo, hi in octaves]
    slope = np.polyfit(np.arange(len(db)), db, 1)[0]  # dB per octave
    assert slope == pytest.approx(f_decay, abs=0.5)


def test_clipping_normalize_and_time_mask_do_what_they_say() -> None:
    x = np.linspace(-1, 1, 2001).astype(np.float32)
    y = _run(al.audio.ClippingDistortion(min_percentile=30, max_percentile=30), x)
    level = float(y.max())
    assert np.mean(np.abs(x) >= level) == pytest.approx(0.30, abs=0.002)  # the loudest 30% cut
    assert float(-y.min()) == pytest.approx(level, abs=1e-6)
    z = _run(al.audio.Normalize(peak_db=-6.0206), _tone(300, amplitude=0.1))
    assert float(np.abs(z).max()) == pytest.approx(0.5, abs=1e-4)
    silent = np.zeros(100, np.float32)
    assert (_run(al.audio.Normalize(), silent) == 0).all()
    assert (_run(al.audio.AddColoredNoise(), silent) == 0).all()  # no SNR against silence
    ones = np.ones((2, 1000), np.float32)  # two channels masked alike
    m = _run(al.audio.TimeMask(min_band_part=0.2, max_band_part=0.2), ones, seed=3)
    assert (m == 0).sum(axis=1).tolist() == [200, 200] and np.array_equal(m[0], m[1])


def test_length_rules_and_bad_arguments() -> None:
    x = _tone(300, seconds=0.5)
    assert _run(al.audio.RandomCrop(seconds=1.0), x).shape == x.shape  # shorter: whole
    assert _run(al.audio.PadToLength(seconds=0.25), x).shape == x.shape  # longer: whole
    padded = al.audio.PadToLength(seconds=1.0, mode="center")(audio=x, sample_rate=RATE)["audio"]
    assert padded.shape == (RATE,) and (padded[:RATE // 4] == 0).all() and (padded[-RATE // 4:] == 0).all()
    with pytest.raises(InvalidConfig, match="mode"):
        al.audio.PadToLength(mode="middle")
    with pytest.raises(InvalidConfig, match="min_hz..max_hz"):
        al.audio.LowPass(min_hz=500, max_hz=100)
    with pytest.raises(InvalidConfig, match="order"):
        al.audio.HighPass(order=0)


def test_background_noise_from_real_recordings_at_its_snr(tmp_path: Path) -> None:
    drums = "/usr/share/lmms/samples/drums"  # Debian lmms-common: real one-shots
    x = _tone(300, seconds=1.0, amplitude=0.1)  # quiet: a loud drum hit stays under full scale
    t = al.audio.AddBackgroundNoise(folder=drums, min_snr_db=6, max_snr_db=6)
    out = t(audio=x, sample_rate=RATE, seed=5)
    params = out.record.steps[0].params
    assert params["file"] in t.folder.names and params["file"].endswith((".ogg", ".wav", ".flac"))
    noise = out["audio"].astype(np.float64) - x
    assert 10 * np.log10(np.mean(x.astype(np.float64) ** 2) / np.mean(noise**2)) == pytest.approx(6, abs=0.01)
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.txt").write_text("not audio")
    (empty / "broken.wav").write_bytes(b"RIFF0000WAVEjunk")
    with pytest.raises(InvalidConfig, match="no readable audio"):
        al.audio.AddBackgroundNoise(folder=str(empty))
    with pytest.raises(InvalidConfig, match="does not exist"):
        al.audio.AddBackgroundNoise(folder=str(empty / "nope"))


def test_impulse_response_reverberates_for_its_rt60_and_keeps_level(tmp_path: Path) -> None:
    import soundfile as sf

    click = np.zeros(RATE, np.float32)
    click[0] = 1.0
    for rt60 in (0.2, 0.6):
        y = _run(al.audio.ApplyImpulseResponse(min_rt60=rt60, max_rt60=rt60), click)
        energy = np.cumsum((y.astype(np.float64) ** 2)[::-1])[::-1]  # Schroeder's backward integral
        db = 10 * np.log10(energy / energy[0] + 1e-30)
        t20 = np.argmax(db < -20) / RATE  # the -20 dB point of a 60 dB decay: a third of RT60
        assert t20 == pytest.approx(rt60 / 3, rel=0.2)
    x = _tone(500)
    wet = _run(al.audio.ApplyImpulseResponse(), x)
    assert wet.shape == x.shape and _level(wet) == pytest.approx(_level(x), rel=0.1)
    folder = tmp_path / "irs"
    folder.mkdir()
    sf.write(folder / "room.wav", al.audio.synthetic_room(0.3, 8000, seed=2), 8000)  # resampled
    y = _run(al.audio.ApplyImpulseResponse(folder=str(folder)), click)
    assert np.abs(y[int(0.05 * RATE):int(0.2 * RATE)]).max() > 0  # the tail of the file's room


def test_compression_and_gain_transition() -> None:
    x = _tone(1000, seconds=1.0)
    worst = _run(al.audio.Compression(min_quality=0.0, max_quality=0.0), x)
    best = _run(al.audio.Compression(min_quality=1.0, max_quality=1.0), x)
    assert worst.shape == x.shape == best.shape
    err = [float(np.abs(y - x).mean()) for y in (worst, best)]
    assert 0 < err[1] < err[0] < 0.05  # a real codec: lossy, less so at higher quality
    with pytest.raises(InvalidInput, match="opus encoder refused 22050 Hz"):
        al.audio.Compression(codec="opus")(audio=x, sample_rate=22050, seed=0)
    ones = np.ones(1000, np.float32)
    g = al.audio.GainTransition(min_db=-20, max_db=0, min_part=0.5, max_part=0.5)
    out = g(audio=ones, sample_rate=1000, seed=1)
    p = out.record.steps[0].params
    y = out["audio"]
    assert y[0] == pytest.approx(10 ** (p["from_db"] / 20), rel=1e-5)
    assert y[-1] == pytest.approx(10 ** (p["to_db"] / 20), rel=1e-5)
    glide = 20 * np.log10(y[p["start"]:p["start"] + p["width"]])
    assert np.all(np.diff(glide) * np.sign(p["to_db"] - p["from_db"]) >= -1e-4)  # monotone


def _peak_hz(y: np.ndarray) -> float:
    spectrum = np.abs(np.fft.rfft(y * np.hanning(len(y))))
    return float(np.fft.rfftfreq(len(y), 1 / RATE)[np.argmax(spectrum)])


def test_time_pitch_and_speed_change_what_they_should_and_nothing_else() -> None:
    x = _tone(440, seconds=1.0)
    slow = al.audio.TimeStretch(min_rate=0.8, max_rate=0.8, leave_length_unchanged=False)(
        audio=x, sample_rate=RATE, events=[(0.2, 0.4, "a")], seed=0)
    assert slow["audio"].shape == (20000,) and slow["events"] == [(0.25, 0.5, "a")]
    assert _peak_hz(slow["audio"][2000:18000]) == pytest.approx(440, abs=3)  # pitch kept
    assert _level(slow["audio"][2000:18000]) == pytest.approx(_level(x), rel=0.1)
    kept = al.audio.TimeStretch(min_rate=1.25, max_rate=1.25)(audio=x, sample_rate=RATE, seed=0)
    assert kept["audio"].shape == x.shape
    for semitones in (-5, 3, 7):
        y = _run(al.audio.PitchShift(min_semitones=semitones, max_semitones=semitones), x)
        assert y.shape == x.shape
        assert _peak_hz(y[2000:14000]) == pytest.approx(440 * 2 ** (semitones / 12), rel=0.01)
    fast = al.audio.SpeedPerturb(min_factor=1.1, max_factor=1.1)(
        audio=np.stack([x, x]), sample_rate=RATE, events=[(0.5, 0.9, "b")], seed=0)
    assert fast["audio"].shape == (2, round(RATE / 1.1))
    assert _peak_hz(fast["audio"][0]) == pytest.approx(440 * 1.1, abs=2)  # pitch and tempo together
    assert fast["events"] == [(pytest.approx(0.5 / 1.1), pytest.approx(0.9 / 1.1), "b")]


def test_mel_spectrogram_and_spec_augment() -> None:
    low, high = (al.audio.mel_spectrogram(_tone(hz), RATE) for hz in (300, 3000))
    assert low.shape == (64, 101) and low.dtype == np.float32
    assert np.argmax(low.mean(axis=1)) < np.argmax(high.mean(axis=1))  # higher tone, higher band
    spec = np.arange(64 * 101, dtype=np.float32).reshape(64, 101)
    fm = al.audio.FrequencyMask(max_width=10, count=2, fill="zero")(spectrogram=spec, seed=3)
    masked_rows = sorted({r for start, w in fm.record.steps[0].params["bands"]
                          for r in range(start, start + w)})
    assert np.flatnonzero((fm["spectrogram"] == 0).all(axis=1)).tolist() == masked_rows
    tm = al.audio.TimeMaskSpec(max_width=50, max_fraction=0.1)(spectrogram=spec, seed=4)
    (start, width), = tm.record.steps[0].params["stretches"]
    assert width <= 10 and np.allclose(tm["spectrogram"][:, start:start + width], spec.mean())
    warped = al.audio.SpecAugment(freq_masks=0, time_masks=0, time_warp=20)(spectrogram=spec, seed=5)
    source, target = warped.record.steps[0].params["warp"]
    out = warped["spectrogram"]
    assert out.shape == spec.shape and np.allclose(out[:, [0, -1]], spec[:, [0, -1]])
    assert np.allclose(out[:, target], spec[:, source])  # the warp point lands where drawn
    with pytest.raises(InvalidInput, match="NaN or inf"):
        al.audio.SpecAugment()(spectrogram=np.full((4, 4), np.nan, np.float32))
    with pytest.raises(InvalidInput, match=r"\(freq, time\)"):
        al.audio.SpecAugment()(spectrogram=np.zeros(8, np.float32))


@pytest.mark.parametrize("order", [1, 2, 3, 4, 7])
def test_butterworth_sections_match_scipys_design(order: int) -> None:
    from scipy import signal

    from augmentlab.audio.filters import butter_sos

    x = np.random.default_rng(order).standard_normal(4000)
    for btype, band in (("lowpass", 1234.5), ("highpass", 95.0), ("bandpass", [700.0, 2100.0]),
                        ("bandstop", [300.0, 5000.0])):
        reference = signal.sosfilt(signal.butter(order, band, btype=btype, fs=RATE, output="sos"), x)
        ours = signal.sosfilt(butter_sos(order, band, btype, RATE), x)
        np.testing.assert_allclose(ours, reference, atol=1e-9, err_msg=f"{btype} order {order}")


def test_mel_spectrogram_helper_finds_the_tone_and_refuses_bad_input() -> None:
    mel = al.audio.MelSpectrogram(n_mels=64)
    x = _tone(1000)
    spec = mel(np.stack([x, _tone(3000)]), RATE)
    assert spec.shape == (2, 64, 101) and spec.dtype == np.float32
    np.testing.assert_array_equal(spec[0], al.audio.mel_spectrogram(x, RATE, n_mels=64))
    # the loudest band of each channel is the one whose centre is nearest to its tone
    edges = 700 * (10 ** (np.linspace(0, 2595 * np.log10(1 + 8000 / 700), 66) / 2595) - 1)
    for channel, hz in ((0, 1000), (1, 3000)):
        band = int(np.argmax(spec[channel].mean(axis=1)))
        assert abs(edges[band + 1] - hz) <= (edges[band + 2] - edges[band]) / 2
    assert al.audio.MelSpectrogram(**mel.get_config()).get_config() == mel.get_config()
    with pytest.raises(InvalidInput, match="sample_rate"):
        mel(x, 0)
    with pytest.raises(InvalidInput, match=r"\(channels, n\)"):
        mel(np.zeros((1, 2, 3), np.float32), RATE)
    with pytest.raises(InvalidConfig, match="hop"):
        al.audio.MelSpectrogram(hop=0)


@pytest.mark.parametrize("n", [1, 31, 32, 33, 4097])
def test_block_iir_equals_scipy_sosfilt(n: int) -> None:
    from scipy import signal

    from augmentlab.audio.filters import butter_sos, peaking_sos
    from augmentlab.audio.iir import sos_filter

    rng = np.random.default_rng(n)
    x = (0.3 * rng.standard_normal((2, n))).astype(np.float32)
    before = x.copy()
    cases = [peaking_sos(float(hz), float(g), float(q), RATE)
             for hz, g, q in zip(rng.uniform(30, 7900, 12), rng.uniform(-24, 24, 12),
                                 rng.uniform(0.3, 10, 12), strict=True)]
    cases += [butter_sos(4, 40.0, "lowpass", RATE), butter_sos(6, [300.0, 3000.0], "bandstop", RATE)]
    for sos in cases:
        ref = signal.sosfilt(sos, x.astype(np.float64), axis=-1)
        out = sos_filter(sos, x)
        assert out.dtype == np.float32 and out.shape == x.shape
        # one section: float32 rounding of the output (scipy's own float32 run is off by up to
        # 3e-4 of the peak here); a cascade carries float32 between sections, as scipy's does
        scale = 5e-7 if len(sos) == 1 else 1e-4
        np.testing.assert_allclose(out, ref, rtol=0, atol=scale * float(np.abs(ref).max()))
        np.testing.assert_array_equal(sos_filter(sos, x[0]), out[0])  # mono = one channel
    np.testing.assert_array_equal(x, before)  # input untouched


def _harmonic(f0: float, seconds: float = 2.0) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    return sum(0.2 / k * np.sin(2 * np.pi * k * f0 * t) for k in range(1, 6)).astype(np.float32)


def _convergence(y: np.ndarray, ideal: np.ndarray) -> float:
    """bench/audio.py's quality measure: the spectral convergence of the middle's time-averaged
    magnitude spectrum to the ideal tone's."""
    from scipy import signal

    def spectrum(x: np.ndarray) -> np.ndarray:
        return np.abs(signal.stft(x[len(x) // 8: -len(x) // 8], fs=RATE, nperseg=2048)[2]).mean(axis=1)

    s, i = spectrum(y), spectrum(ideal)
    return float(np.linalg.norm(s - i) / np.linalg.norm(i))


def test_stretch_and_pitch_keep_a_harmonic_tone_clean() -> None:
    # audiomentations' default (signalsmith-stretch) measured 0.007 stretching by 0.8 and
    # 0.053 / 0.073 shifting by -4 / +4 semitones (bench/audio.py)
    x = _harmonic(220.0)
    slow = al.audio.TimeStretch(min_rate=0.8, max_rate=0.8)(audio=x, sample_rate=RATE, seed=0)
    assert _convergence(slow["audio"], x) < 0.007
    for semitones in (-4.0, 4.0):
        t = al.audio.PitchShift(min_semitones=semitones, max_semitones=semitones)
        ideal = _harmonic(220.0 * 2 ** (semitones / 12))
        assert _convergence(t(audio=x, sample_rate=RATE, seed=0)["audio"], ideal) < 0.005


def test_gaussian_noise_at_a_fixed_amplitude() -> None:
    t = al.audio.AddGaussianNoise(min_amplitude=0.02, max_amplitude=0.04)
    quiet, loud = _tone(440, amplitude=0.01), _tone(440, amplitude=0.5)
    pipe = al.Compose([t], seed=3)
    outs = [pipe(audio=x, sample_rate=RATE, sample_id=0) for x in (quiet, loud)]
    amplitude = outs[0].record.steps[0].params["amplitude"]
    assert 0.02 <= amplitude <= 0.04 and outs[1].record.steps[0].params["amplitude"] == amplitude
    for out, x in zip(outs, (quiet, loud), strict=True):  # the same noise level whatever the clip
        assert float((out["audio"] - x).std()) == pytest.approx(amplitude, rel=0.02)
    replayed = pipe.replay(outs[0].record, audio=quiet, sample_rate=RATE)
    np.testing.assert_array_equal(replayed["audio"], outs[0]["audio"])
    assert al.load_pipeline(pipe.to_json()).config_hash == pipe.config_hash
    with pytest.raises(InvalidConfig, match="both min_amplitude and max_amplitude"):
        al.audio.AddGaussianNoise(min_amplitude=0.1)
