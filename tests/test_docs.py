"""The documentation site: it builds offline with warnings as errors, its API reference documents
every public name (and only those), its pages render in real headless Chromium with every image
loaded, and no internal link is broken.

The site is built once per session (``mkdocs build --strict`` into a temporary folder) and served
over loopback HTTP, as a reader's browser would get it.
"""

from __future__ import annotations

import functools
import importlib
import re
import subprocess
import sys
import threading
import zlib
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

import pytest

from public_api import PUBLIC_MODULES

ROOT = Path(__file__).resolve().parents[1]

# the packages whose __all__ is the public API: each has a page in the reference
PUBLIC = list(PUBLIC_MODULES)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    mkdocs = Path(sys.executable).with_name("mkdocs")
    done = subprocess.run([str(mkdocs), "build", "--strict", "--site-dir", str(out)], cwd=ROOT,
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, f"mkdocs build --strict failed:\n{done.stderr[-6000:]}"
    return out


def inventory(site: Path) -> dict[str, str]:
    """The objects.inv that mkdocstrings writes: {dotted name: page address}."""
    raw = (site / "objects.inv").read_bytes()
    header_end = 0
    for _ in range(4):  # four '#' header lines, then zlib
        header_end = raw.index(b"\n", header_end) + 1
    entries = {}
    for line in zlib.decompress(raw[header_end:]).decode().splitlines():
        name, _domain, _priority, uri, *_ = line.split(" ")
        entries[name] = uri
    return entries


def public_names(module_name: str) -> set[str]:
    module = importlib.import_module(module_name)
    return {name for name in module.__all__
            if not name.startswith("__") and not isinstance(getattr(module, name), type(module))}


def test_the_reference_documents_every_public_name(site: Path) -> None:
    documented = inventory(site)
    missing = [f"{module}.{name}" for module in PUBLIC for name in sorted(public_names(module))
               if f"{module}.{name}" not in documented]
    assert not missing, f"{len(missing)} public names have no entry in the API reference: {missing[:40]}"


def test_the_reference_documents_nothing_outside_all(site: Path) -> None:
    # a page that documents a module's private helper (or a name dropped from __all__) misleads
    documented = inventory(site)
    extra = []
    for module in PUBLIC:
        names = public_names(module)
        submodules = {name for name in importlib.import_module(module).__all__
                      if isinstance(getattr(importlib.import_module(module), name), type(sys))}
        for entry in documented:
            if not entry.startswith(module + "."):
                continue
            head = entry[len(module) + 1:].split(".")[0]
            if f"{module}.{head}" in PUBLIC or head in submodules:
                continue
            if head not in names:
                extra.append(entry)
    assert not extra, f"documented but not in the module's __all__: {sorted(set(extra))[:40]}"


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.assets: list[tuple[str, str]] = []  # (tag, address) of what the page loads
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(str(values["id"]))
        for key in ("href", "src"):
            if tag in ("a", "img", "link", "script", "source") and values.get(key):
                self.links.append(str(values[key]))
                if tag != "a" and not (tag == "link" and values.get("rel") in ("canonical", "alternate")):
                    self.assets.append((tag, str(values[key])))


def test_no_internal_link_or_image_is_broken(site: Path) -> None:
    pages = {page: _parse(page) for page in site.rglob("*.html")}
    broken = []
    for page, parsed in pages.items():
        for link in parsed.links:
            if urlparse(link).scheme or link.startswith(("//", "mailto:", "data:")):
                continue
            path, fragment = urldefrag(link)
            # Material writes 404.html's links from the site root: it is served at any depth
            base = site if path.startswith("/") else page.parent
            target = (base / unquote(path).lstrip("/")).resolve() if path else page
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{page.relative_to(site)} -> {link}")
            elif fragment and target.suffix == ".html" and fragment not in pages[target].ids:
                broken.append(f"{page.relative_to(site)} -> {link} (no such anchor)")
    assert not broken, f"{len(broken)} broken links: {broken[:30]}"


def test_no_page_loads_anything_from_the_network(site: Path) -> None:
    # the site must work offline (CI has no internet): no font, script, style or image from outside;
    # an <a href> to an outside site is fine
    remote = sorted({f"{page.relative_to(site)}: {url}" for page in site.rglob("*.html")
                     for tag, url in _parse(page).assets if re.match(r"^(https?:)?//", url)})
    assert not remote, f"pages load remote assets: {remote[:20]}"


@functools.cache
def _parse(page: Path) -> _Links:
    parser = _Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


@pytest.fixture(scope="module")
def served(site: Path):  # type: ignore[no-untyped-def]
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.mark.parametrize("page", ["index.html", "reference/image/index.html"])
def test_pages_render_in_headless_chromium(site: Path, served: str, page: str, tmp_path: Path) -> None:
    from browser import chromium_path, render

    assert chromium_path(), "chromium is not installed; `make install` installs it"
    assert (site / page).is_file(), f"{page} is not in the built site: {sorted(p.name for p in site.iterdir())}"
    seen = render(f"{served}/{page}", tmp_path / "page.png")
    assert not seen["errors"], seen["errors"]
    unloaded = [img for img in seen["images"] if not img["complete"] or img["width"] == 0]
    assert not unloaded, f"images that did not load on {page}: {unloaded}"
    assert "augmentlab" in seen["text"]
    if page.startswith("reference/image"):
        # the API page shows typed signatures: an Affine with its parameters and their types
        assert "Affine" in seen["text"] and "rotate" in seen["text"]
