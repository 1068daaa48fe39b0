"""Secrets never reach a file (issue 19, item 7): a Paraphrase key comes from the environment."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from tests.conftest import send_json

import augmentlab as al
from augmentlab.errors import InvalidConfig

SEEN: list[str] = []


class _KeyedChat(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802  (http.server's name)
        SEEN.append(self.headers.get("Authorization", ""))
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        send_json(self, {"choices": [{"message": {"content": "Put differently, "
                                                  + body["messages"][-1]["content"]}}]})

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def url() -> str:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _KeyedChat)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


def test_a_key_given_in_python_is_used_but_never_stored(url: str, tmp_path) -> None:
    pipe = al.Compose([al.text.Paraphrase(base_url=url, model="m", api_key="sk-SECRET")], seed=0)
    SEEN.clear()
    pipe(text="a fine film", sample_id=0)
    assert SEEN == ["Bearer sk-SECRET"]
    assert "sk-SECRET" not in pipe.to_yaml() and "sk-SECRET" not in pipe.to_json()
    plain = al.Compose([al.text.Paraphrase(base_url=url, model="m")], seed=0)
    assert pipe.config_hash == plain.config_hash  # the hash does not depend on (or leak) the key


def test_a_key_in_a_pipeline_file_is_refused() -> None:
    text = ("augmentlab: 1\npipeline:\n  name: Compose\n  transforms:\n"
            "    - {name: text.Paraphrase, base_url: 'http://127.0.0.1:9/v1', api_key: sk-x}\n")
    with pytest.raises(InvalidConfig, match="api_key_env"):
        al.load_pipeline(text)


def test_the_key_comes_from_the_named_environment_variable(url: str, monkeypatch) -> None:
    pipe = al.Compose([al.text.Paraphrase(base_url=url, model="m", api_key_env="AL_TEST_KEY")],
                      seed=0)
    again = al.load_pipeline(pipe.to_yaml())
    assert "AL_TEST_KEY" in pipe.to_yaml()
    monkeypatch.delenv("AL_TEST_KEY", raising=False)
    with pytest.raises(InvalidConfig, match="AL_TEST_KEY"):
        again(text="a fine film", sample_id=0)
    monkeypatch.setenv("AL_TEST_KEY", "sk-from-env")
    SEEN.clear()
    again(text="a fine film", sample_id=0)
    assert SEEN == ["Bearer sk-from-env"]
