"""Back-translation through Debian's Apertium (offline) and through a real local HTTP server
speaking LibreTranslate's JSON."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from tests.conftest import send_json

import augmentlab as al
from augmentlab.errors import DataError, InvalidConfig, InvalidInput


def test_apertium_round_trip_batches_and_replays() -> None:
    t = al.text.BackTranslate()
    texts = ["The film was surprisingly good.", "A dull story about a tired detective.", ""]
    t.warm(texts)  # one apertium process per direction for all of them
    pipe = al.Compose([t], seed=0)
    outs = [pipe(text=x)["text"] for x in texts]
    assert outs[0] == "The film was surprisingly well." and outs[2] == ""
    assert outs[1] != texts[1] and "detective" in outs[1]
    out = pipe(text=texts[0])
    fresh = al.Compose([al.text.BackTranslate()], seed=0)
    assert fresh.replay(out.record, text=texts[0]) == out  # the record holds the translation
    with pytest.raises(InvalidInput, match="made for another text"):
        fresh.replay(out.record, text="Another text.")


WORDS = {"spa": {"Meet": "Conocer", "in": "en"}, "eng": {"Conocer": "Encounter", "en": "in"}}


class _Dictionary(BaseHTTPRequestHandler):
    """A real translation server, word for word from a small dictionary; unknown words (names,
    placeholders) pass through, as translation servers do."""

    def do_POST(self) -> None:  # noqa: N802  (http.server's name)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        table = WORDS.get(body["target"], {})
        texts = [" ".join(table.get(w, w) for w in q.split()) for q in body["q"]]
        if body["source"] == "bad":
            texts = texts[:-1]
        send_json(self, {"translatedText": texts})

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Dictionary)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_http_backend_and_protected_spans(server: str) -> None:
    pipe = al.Compose([al.text.BackTranslate(backend="http", base_url=server)], seed=0)
    text = "Meet Alice in Paris"
    spans = [(5, 10, "PER"), (14, 19, "LOC")]
    out = pipe(text=text, spans=spans)
    assert out["text"] == "Encounter Alice in Paris"  # spans kept as they were, the rest translated
    assert [out["text"][s:e] for s, e, _ in out["spans"]] == ["Alice", "Paris"]
    with pytest.raises(DataError, match="expected translatedText with 2 strings"):
        al.text.HttpTranslator(server).translate(["a", "b"], "bad", "spa")
    with pytest.raises(InvalidConfig, match="needs base_url"):
        al.text.BackTranslate(backend="http")


def test_paraphrase_through_an_openai_compatible_server() -> None:
    from tests.conftest import CHAT_URL

    pipe = al.Compose([al.text.Paraphrase(base_url=CHAT_URL, model="test")], seed=0)
    text = "Meet Alice in Paris"
    outs = [pipe(text=text, spans=[(5, 10, "PER")], sample_id=i) for i in range(6)]
    assert {o["text"] for o in outs} == {"In other words, Meet Alice in Paris",
                                         "Put differently, Meet Alice in Paris"}
    for o in outs:
        s, e, label = o["spans"][0]
        assert o["text"][s:e] == "Alice" and label == "PER"
        assert pipe.replay(o.record, text=text, spans=[(5, 10, "PER")]) == o
    twice = pipe(text="twice Alice", spans=[(6, 11, "PER")])
    assert twice["text"] == "twice Alice" and not twice.record.steps[0].params["kept"]
    with pytest.raises(DataError, match="paraphrase server http://127.0.0.1:9"):
        al.text.Paraphrase(base_url="http://127.0.0.1:9", model="x", timeout=2)(text="hello")
    with pytest.raises(InvalidConfig, match="must be an http"):
        al.text.Paraphrase(base_url="localhost", model="x")
