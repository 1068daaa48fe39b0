"""MkDocs hook: every ``examples/*.ipynb`` becomes a page of the site, with its stored outputs.

* ``on_config`` appends each notebook, sorted by name, to the nav section titled "Notebooks"
  (a notebook added to ``examples/`` appears on the next build, titled by its first heading);
* ``on_files`` adds the notebooks to the build as ``examples/<name>.ipynb`` (read from the
  repository's ``examples/`` folder, not copied into ``docs/``), before mkdocs-jupyter turns
  ``*.ipynb`` files into pages (``execute: false``: the outputs are the ones stored);
* ``on_page_markdown`` fills ``docs/notebooks.md``'s ``<!-- notebooks: list -->`` with a link
  to each notebook;
* ``on_post_page`` removes the MathJax ``<script>`` that nbconvert's template loads from a CDN
  (the notebooks hold no formulas, and the site must work offline), and points the table of
  contents' links at the headings' real ids (see `_fix_toc_anchors`).
"""

from __future__ import annotations

import re
from pathlib import Path

from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files

SECTION = "Notebooks"


def _examples(config) -> list[Path]:
    root = Path(config.docs_dir).parent  # the repository: docs/ and examples/ side by side
    return sorted((root / "examples").glob("*.ipynb"))


def on_config(config):
    for item in config.nav or []:
        if isinstance(item, dict) and SECTION in item:
            entries = item[SECTION] or []
            listed = {e if isinstance(e, str) else next(iter(e.values())) for e in entries}
            entries += [f"examples/{p.name}" for p in _examples(config) if f"examples/{p.name}" not in listed]
            item[SECTION] = entries
    return config


@event_priority(50)  # before mkdocs-jupyter's on_files (priority 0) converts *.ipynb files
def on_files(files: Files, config) -> Files:
    for path in _examples(config):
        if files.get_file_from_path(f"examples/{path.name}") is None:
            files.append(File(f"examples/{path.name}", src_dir=str(path.parent.parent),
                              dest_dir=config.site_dir, use_directory_urls=config.use_directory_urls))
    return files


def _title(path: Path) -> str:
    """The notebook's first Markdown heading, or its file name."""
    import json

    for cell in json.loads(path.read_text(encoding="utf-8")).get("cells", []):
        if cell.get("cell_type") == "markdown":
            for line in "".join(cell.get("source", "")).splitlines():
                if line.startswith("#"):
                    return line.lstrip("#").strip()
    return path.stem


def on_page_markdown(markdown: str, page, config, files) -> str:
    if "<!-- notebooks: list -->" in markdown:
        items = [f"- [{_title(p)}](examples/{p.name}) (`examples/{p.name}`)" for p in _examples(config)]
        markdown = markdown.replace("<!-- notebooks: list -->", "\n".join(items) + "\n")
    return markdown


_REMOTE_SCRIPT = re.compile(r'<script[^>]*\ssrc="(?:https?:)?//[^"]*"[^>]*>\s*</script>', re.I)
_HEADING_ID = re.compile(r'<h[1-6][^>]*\sid="([^"]+)"')
_LOCAL_HREF = re.compile(r'href="#([^"]+)"')


def _subsequence(short: list[str], long: list[str]) -> bool:
    words = iter(long)
    return all(any(word == part for word in words) for part in short)


def _fix_toc_anchors(output: str) -> str:
    """mkdocs-jupyter's table of contents leaves inline code out of a heading's anchor (a heading
    "A `Dataset` that ..." links to ``#a-that-...``) while nbconvert's heading id keeps it
    (``#a-dataset-that-...``): point each such link at the heading whose id holds its words."""
    ids = list(dict.fromkeys(_HEADING_ID.findall(output)))
    known = set(ids)

    def target(match: re.Match[str]) -> str:
        anchor = match.group(1)
        if anchor in known:
            return match.group(0)
        words = anchor.split("-")
        found = [i for i in ids if _subsequence(words, i.split("-"))]
        return f'href="#{found[0]}"' if found else match.group(0)

    return _LOCAL_HREF.sub(target, output)


def on_post_page(output: str, page, config) -> str:
    if page.file.src_uri.endswith(".ipynb"):
        output = _fix_toc_anchors(_REMOTE_SCRIPT.sub("", output))
    return output
