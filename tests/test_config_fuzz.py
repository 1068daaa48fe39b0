"""Fuzzing the pipeline loader (issue "hostile input"): whatever a pipeline file holds (random YAML
trees, anchors and aliases, tags, huge numbers, deep nesting, wrong types in the right places, bytes
that are not text), loading it ends in a pipeline or in `InvalidConfig`, never in another exception,
and each case takes under 2 s.

The structured strategy starts from one working configuration of every registered transform
(``tests/conftest.py``) and breaks some of its arguments, so most cases get past the loader and into
the constructors, where wrong types used to escape as TypeError, ValueError or OverflowError.
"""

from __future__ import annotations

import atexit
import contextlib
import inspect
import json
import math
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir
from tests.conftest import CASES, MODAL_CASES

import augmentlab as al
from augmentlab import cli
from augmentlab.core.config import dump_pipeline, load_pipeline, pipeline_from_document
from augmentlab.errors import InvalidConfig

# hypothesis keeps its caches in ./.hypothesis: in a temporary folder instead, never the repository
_HOME = tempfile.mkdtemp(prefix="augmentlab-hypothesis-")
atexit.register(shutil.rmtree, _HOME, ignore_errors=True)
set_hypothesis_home_dir(_HOME)
# derandomize: the same cases on every run and machine (CI reproducible); database=None: nothing
# is written into the repository; no deadline: tests never assert on wall-clock time (a loaded
# machine took 2.7 s for a case that takes 1.5 s alone); the config reader's depth and size
# bounds are what keep a hostile file cheap, and tests/test_config_hostile.py checks them
FUZZ = settings(deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

NAMES = al.registry.names()


def _plain(value: Any) -> Any:
    """Tuples (as conftest writes pairs) become lists, the only sequence a YAML file holds."""
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


# one working configuration per transform: breaking a few of its arguments reaches the checks
# (and the arithmetic) inside each constructor instead of stopping at the first missing argument
BASE: dict[str, dict[str, Any]] = {name: {} for name in NAMES}
BASE.update(CASES)
BASE.update({name: config for name, (config, _) in MODAL_CASES.items()})
for _name, _config in BASE.items():  # imports (scipy, soundfile) happen here, not in a case's 2 s
    with contextlib.suppress(InvalidConfig):
        al.Transform.from_config({"name": _name, **_config})
# where a transform takes other transforms: a list of children, or one child
CHILD_LISTS = sorted(n for n in NAMES if "transforms" in inspect.signature(al.registry.get(n)).parameters)
CHILD_ONE = {n: key for n in NAMES for key in ("pipeline", "transform")
             if key in inspect.signature(al.registry.get(n)).parameters}
LEAVES = [n for n in NAMES if n not in CHILD_LISTS and n not in CHILD_ONE]
# each transform's arguments and their defaults (None where an argument has no default)
DEFAULTS = {n: {k: None if prm.default is inspect.Parameter.empty else _plain(prm.default)
                for k, prm in inspect.signature(al.registry.get(n)).parameters.items()
                if k != "self" and prm.kind not in (prm.VAR_POSITIONAL, prm.VAR_KEYWORD)}
            for n in NAMES}
PARAMS = {n: sorted(d) for n, d in DEFAULTS.items()}
ALL_PARAMS = sorted({k for ks in PARAMS.values() for k in ks})

HUGE_INTS = [2**31, 2**63, 2**64, -(2**63) - 1, 10**19, 10**308, 10**309, -(10**400), 16**1200]
ODD_FLOATS = [math.inf, -math.inf, math.nan, 1e308, -1e308, 5e-324, -0.0, 1e-300, 1e16 + 0.5]
# strings a constructor may compare, look up or open; none with "/" or ".": a folder argument of
# "/" or "." makes an audio transform walk that whole tree for sound files (slow, not an error)
WORDS = ["", " ", "linear", "nearest", "constant", "reflect", "wrap", "imagenet", "cifar10", "svhn",
         "vorbis", "opus", "http", "apertium", "smollm2", "probability", "magnitude", "linear",
         "cosine", "uniform", "random", "x", "z", "phi", "both", "hann", "mean", "missing", "typical",
         "column", "rotate", "sharpness", "end", "center", "pascal_voc", "coco", "yolo", "auto",
         "chw", "hwc", "nan", "inf", "1e999", "-1", "0x10", "None", "ElasticTransform", "Rotate",
         "text.Nope", "audio", "\x00", "é", "😀", "a" * 300]
SAFE_TEXT = st.text(st.characters(blacklist_characters="/.", blacklist_categories=("Cs",)), max_size=8)


# the types a pipeline file can hold (the loader refuses !!binary, !!set and the like, and reads
# dates as text): the random YAML text below tries the rest
ATOMS = st.one_of(
    st.none(), st.booleans(), st.integers(-1000, 1000), st.integers(), st.sampled_from(HUGE_INTS),
    st.floats(), st.sampled_from(ODD_FLOATS), st.sampled_from(WORDS), SAFE_TEXT,
)
KEYS = st.one_of(st.sampled_from(["name", "transforms", "p", *ALL_PARAMS]), SAFE_TEXT,
                 st.integers(-3, 3), st.booleans(), st.none())
WILD = st.recursive(
    ATOMS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(KEYS, inner, max_size=3)),
    max_leaves=8,
)
NUMBERS = st.one_of(st.integers(-10, 300), st.floats(-1e3, 1e3), st.sampled_from(HUGE_INTS + ODD_FLOATS))


def _near(value: Any) -> st.SearchStrategy[Any]:
    """Values of the working value's shape (the right type, any number) or anything at all."""
    if isinstance(value, bool):
        return st.one_of(st.booleans(), WILD)
    if isinstance(value, (int, float)):
        return st.one_of(NUMBERS, WILD)
    if isinstance(value, list) and all(isinstance(v, (int, float)) for v in value):
        return st.one_of(st.lists(NUMBERS, min_size=len(value), max_size=len(value)),
                         st.lists(NUMBERS, max_size=4), WILD)
    return WILD


def _rarely(draw: st.DrawFn, one_in: int) -> bool:
    """True about once in `one_in` draws (hypothesis favours the ends of a range, so the middle)."""
    return draw(st.integers(0, one_in - 1)) == one_in // 2


@st.composite
def _broken(draw: st.DrawFn, name: str, children: st.SearchStrategy[Any] | None = None) -> dict[Any, Any]:
    """`name`'s working configuration with some arguments replaced (or added, or dropped)."""
    config: dict[Any, Any] = {"name": name, **_plain(BASE.get(name, {}))}
    for key in draw(st.lists(st.sampled_from(PARAMS.get(name) or ["p"]), max_size=3, unique=True)):
        config[key] = draw(_near(config.get(key, DEFAULTS[name].get(key))))
    if children is not None and name in CHILD_LISTS:
        config["transforms"] = draw(st.one_of(st.lists(children, min_size=1, max_size=3),
                                               st.lists(children, max_size=3), children, WILD))
    elif children is not None and name in CHILD_ONE:
        config[CHILD_ONE[name]] = draw(st.one_of(children, WILD))
    if _rarely(draw, 10):  # an argument no transform takes, or not a name at all
        config[draw(KEYS)] = draw(WILD)
    if _rarely(draw, 10):
        config.pop(draw(st.sampled_from(sorted(config, key=repr))))
    if _rarely(draw, 15):
        config["name"] = draw(st.one_of(st.sampled_from(WORDS), WILD))
    return config


LEAF_CONFIGS = st.sampled_from(LEAVES).flatmap(_broken)
PIPELINES = st.recursive(
    LEAF_CONFIGS,
    lambda kids: st.sampled_from(CHILD_LISTS + sorted(CHILD_ONE)).flatmap(lambda n: _broken(n, kids)),
    max_leaves=5,
)


@st.composite
def documents(draw: st.DrawFn) -> Any:
    """A pipeline document, now and then with a broken top level."""
    doc: dict[Any, Any] = {"augmentlab": 1, "pipeline": draw(PIPELINES)}
    if _rarely(draw, 15):
        doc[draw(KEYS)] = draw(WILD)
    if _rarely(draw, 15):
        doc["augmentlab"] = draw(WILD)
    if _rarely(draw, 30):
        return draw(WILD)
    return doc


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:  # hypothesis may share one drawn object
        return True


def _yaml(doc: Any, flow: bool) -> str:
    return yaml.dump(doc, Dumper=_Dumper, sort_keys=False, default_flow_style=flow, width=10_000)


# -- random YAML text -------------------------------------------------------------------------------
PLAIN_TOKENS = [
    "~", "null", "true", "False", "yes", "no", "on", ".inf", "-.inf", ".nan", ".NaN", "1e308",
    "1e309", "-1e400", "0x7fffffffffffffffffffffff", "0o777", "0b101", "1_000_000", "-0", "+1",
    "190:20:30", "2001-12-14", "2001-02-30", "2001-12-14t21:59:43.10-05:00", "=", "<<", "''", '""',
    "9" * 400, "9" * 5000, "0x" + "f" * 5000, "1" + ":59" * 600, "-" + "9" * 330 + ".5e10",
]
TAGS = ["!!python/object/apply:os.system", "!!python/object:builtins.dict", "!!python/name:os.system",
        "!!python/tuple", "!!python/int", "!!binary", "!!set", "!!omap", "!!pairs", "!!str", "!!int",
        "!!float", "!!bool", "!!null", "!!timestamp", "!!map", "!!seq", "!custom", "!<tag:x,2000:y>"]
ANCHORS = st.sampled_from(["a", "b", "x1"])
SCALAR_TEXT = st.one_of(
    st.sampled_from(PLAIN_TOKENS), st.integers().map(str), st.floats().map(repr),
    st.sampled_from(NAMES + ALL_PARAMS + WORDS).map(json.dumps), st.text(max_size=8).map(json.dumps),
)
KEY_TEXT = st.one_of(st.sampled_from(["name", "transforms", "p", "pipeline", "augmentlab", "<<"]),
                     st.sampled_from(ALL_PARAMS), SCALAR_TEXT, st.just("[1, 2]"), st.just("{a: 1}"))
NODE_TEXT = st.recursive(
    SCALAR_TEXT,
    lambda kids: st.one_of(
        st.lists(kids, max_size=4).map(lambda xs: "[" + ", ".join(xs) + "]"),
        st.lists(st.tuples(KEY_TEXT, kids), max_size=4).map(
            lambda kv: "{" + ", ".join(f"{k}: {v}" for k, v in kv) + "}"),
        st.builds(lambda name, kv: "{name: " + json.dumps(name) + "".join(f", {k}: {v}" for k, v in kv) + "}",
                  st.sampled_from(NAMES), st.lists(st.tuples(st.sampled_from(ALL_PARAMS), kids), max_size=3)),
        st.builds(lambda name, xs: "{name: " + name + ", transforms: [" + ", ".join(xs) + "]}",
                  st.sampled_from(CHILD_LISTS), st.lists(kids, max_size=3)),
        st.builds(lambda tag, x: f"{tag} {x}", st.sampled_from(TAGS), kids),
        st.builds(lambda anchor, x: f"&{anchor} {x}", ANCHORS, kids),
        ANCHORS.map(lambda a: f"*{a}"),
    ),
    max_leaves=12,
)


@st.composite
def yaml_texts(draw: st.DrawFn) -> str:
    node = draw(NODE_TEXT)
    shape = draw(st.integers(0, 9))
    if shape == 0:
        return node
    if shape == 1:  # nested around a pipeline: refused past 64 levels, accepted below
        depth = draw(st.integers(1, 80))
        return ("augmentlab: 1\npipeline: " + "{name: Compose, transforms: [" * depth + node
                + "]}" * depth + "\n")
    if shape == 2:  # an anchored definition used by alias, the billion-laughs shape
        return f"augmentlab: 1\ndefs: &a {node}\npipeline: {{name: Compose, transforms: [*a, *a]}}\n"
    if shape == 3:
        return draw(st.text(max_size=40))
    if shape == 4:  # a block-style document with one value replaced by random text
        text = _yaml(draw(documents()), flow=False)
        lines = text.splitlines()
        i = draw(st.integers(0, max(len(lines) - 1, 0)))
        if lines and ":" in lines[i]:
            lines[i] = lines[i].split(":", 1)[0] + ": " + node
        return "\n".join(lines) + "\n"
    return f"augmentlab: 1\npipeline: {node}\n"


# values each known to have escaped PyYAML as ValueError, KeyError, IndexError or AttributeError,
# or to be refused by name: tried in every case, not only when the random draw finds them
HOSTILE_VALUES = [
    "!!int abc", "!!int ''", "!!float x", "!!float ''", "!!bool maybe", "!!timestamp x", "2001-02-30",
    "!!map 12", "!!seq 1", "!!str [1]", "!!binary aGk=", "!!set {a: null}", "!!omap [a: 1]",
    "!!pairs [a: 1]", "!!python/object/apply:os.system [ls]", "!custom 1", "*nowhere", "&a [*a]",
    "9" * 5000, "0x" + "f" * 5000, "1" + ":59" * 600, "1e99999", ".nan", "{<<: 1}", "[1, 2",
]


# -- the property -------------------------------------------------------------------------------------
def _settles(build: Callable[[], Any]) -> al.Transform | None:
    """Run `build`: a pipeline or InvalidConfig with a message; any other exception fails the case."""
    try:
        pipe = build()
    except InvalidConfig as exc:
        assert str(exc).strip(), "InvalidConfig without a message"
        return None
    assert isinstance(pipe, al.Transform), f"built {type(pipe).__name__}, not a transform"
    return pipe


def _round_trips(pipe: al.Transform | None) -> None:
    """An accepted pipeline is saved and read back: what loads once must load again."""
    if pipe is not None:
        again = load_pipeline(dump_pipeline(pipe, "yaml"))
        assert again.get_config() == pipe.get_config() or _has_nan(pipe.get_config())


def _has_nan(value: Any) -> bool:
    if isinstance(value, float):
        return value != value
    if isinstance(value, dict):
        return any(_has_nan(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_nan(v) for v in value)
    return False


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def _validate(path: Path) -> None:
    """`augmentlab validate FILE`: exit 0 (valid) or 1 (said what is wrong), never a traceback."""
    assert cli.main(["validate", str(path)]) in (0, 1)


@pytest.mark.parametrize("name", NAMES)
def test_every_transform_builds_or_raises_invalid_config(name: str) -> None:
    """Each transform on its own, its arguments broken a few at a time: every constructor's checks
    see wrong types and extreme numbers (the mixed pipelines below reach each one only rarely)."""
    kids = LEAF_CONFIGS if name in CHILD_LISTS or name in CHILD_ONE else None

    @settings(FUZZ, max_examples=25)
    @given(config=_broken(name, kids))
    def case(config: dict[Any, Any]) -> None:
        doc = {"augmentlab": 1, "pipeline": config}
        _round_trips(_settles(lambda: pipeline_from_document(doc)))
        _settles(lambda: load_pipeline(_yaml(doc, flow=False)))

    case()


# the classic wrong values, each tried in every argument of every transform (below); the random
# cases above reach any one argument with a given type only now and then
WRONG = [None, True, False, "", "text", "1e3", [], [1], [1, 2, 3], [[1, 2], [3, 4]], ["a", "b"], {},
         {"a": 1}, 0, -1, 2**64, 10**309, -(10**400), 0.5, -0.0, 1e308, -1e308, math.inf, -math.inf,
         math.nan]


@pytest.mark.parametrize("name", NAMES)
def test_every_argument_takes_every_wrong_value_cleanly(name: str) -> None:
    base = {"name": name, **_plain(BASE[name])}
    for key in PARAMS[name]:
        for value in WRONG:
            config = {**base, key: value}
            _round_trips(_settles(lambda config=config: pipeline_from_document(
                {"augmentlab": 1, "pipeline": config})))


@settings(FUZZ, max_examples=250)
@given(doc=documents())
def test_structured_pipelines_build_or_raise_invalid_config(doc: Any, folder: Path) -> None:
    _round_trips(_settles(lambda: pipeline_from_document(doc)))
    if isinstance(doc, dict) and isinstance(doc.get("pipeline"), dict):
        _settles(lambda: al.Transform.from_config(doc["pipeline"]))
    for flow in (False, True):
        _round_trips(_settles(lambda flow=flow: load_pipeline(_yaml(doc, flow))))
    _settles(lambda: load_pipeline(json.dumps(doc, default=str)))
    path = folder / "structured.yaml"
    path.write_text(_yaml(doc, False), encoding="utf-8")
    _validate(path)


@pytest.mark.parametrize("value", HOSTILE_VALUES)
def test_hostile_yaml_values_raise_invalid_config(value: str) -> None:
    for text in (value, f"augmentlab: 1\npipeline: {{name: Rotate, limit: {value}}}\n",
                 f"augmentlab: 1\npipeline:\n  name: Compose\n  transforms:\n    - name: Rotate\n"
                 f"      limit: {value}\n"):
        with pytest.raises(InvalidConfig):  # none of them is a valid pipeline or limit
            load_pipeline(text)


@settings(FUZZ, max_examples=300)
@given(text=yaml_texts())
def test_random_yaml_builds_or_raises_invalid_config(text: str, folder: Path) -> None:
    _round_trips(_settles(lambda: load_pipeline(text)))
    path = folder / "random.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    _settles(lambda: load_pipeline(path))
    _validate(path)


@settings(FUZZ, max_examples=100)
@given(data=st.one_of(st.binary(max_size=64),
                      st.builds(lambda a, b: a + b, st.sampled_from([b"\xef\xbb\xbf", b"\xff\xfe", b""]),
                                yaml_texts().map(lambda t: t.encode("utf-8", "surrogatepass")))))
def test_pipeline_files_of_any_bytes_load_or_raise_invalid_config(data: bytes, folder: Path) -> None:
    path = folder / "bytes.yaml"
    path.write_bytes(data)
    _settles(lambda: load_pipeline(path))
    _validate(path)


@settings(FUZZ, max_examples=60)
@given(source=st.one_of(st.text(max_size=300), st.sampled_from(["a" * 5000, "x" * 255 + "/" + "y" * 255]),
                        st.integers(), st.none(), st.binary(max_size=8)))
def test_load_pipeline_of_any_argument_is_a_pipeline_or_invalid_config(source: Any) -> None:
    _settles(lambda: load_pipeline(source))


def test_the_fuzzers_reach_the_constructors() -> None:
    """The structured cases must mostly get past the loader, or they would test only it."""
    seen: list[str] = []

    @settings(FUZZ, max_examples=60)
    @given(doc=documents())
    def probe(doc: Any) -> None:
        try:
            pipeline_from_document(doc)
            seen.append("built")
        except InvalidConfig as exc:
            seen.append(str(exc))

    probe()
    built = seen.count("built")
    assert 5 <= built < len(seen), f"{built} of {len(seen)} built: the strategy needs rebalancing"
