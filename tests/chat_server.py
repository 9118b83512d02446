"""OpenAI-compatible servers on loopback for the endpoint tests.

`TransformersServer`: the real `transformers serve`, serving tiny chat models built here. Each
model is a one-layer Llama whose weights are set by hand so that greedy decoding always writes
the same reply (its characters in turn, then end of text): tests know every answer in advance.
The server is started on a free port and stopped by its process id; its log counts the requests.

`FakeEndpoint`: a small threaded HTTP server for what a real server cannot be made to do on
demand (429 with Retry-After, 500, log-probabilities, filtered answers, a fixed delay).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from tests.browser_support import answers, free_port, wait_until

SPECIAL = ["<pad>", "<eos>", "<unk>", "<|system|>", "<|user|>", "<|assistant|>"]
CHARACTERS = list("0123456789好拒绝嗯分数：我不能帮你这个")
CHAT_TEMPLATE = (
    "{% for m in messages %}<|{{ m['role'] }}|>{{ m['content'] }}{% endfor %}"
    "{% if add_generation_prompt %}<|assistant|>{% endif %}"
)


def tiny_chat_model(path: Path, reply: str) -> Path:
    """A tiny chat model (tokenizer with a chat template, weights, generation config) at `path` that
    answers every prompt with `reply` (distinct characters of CHARACTERS; "" answers nothing)."""
    import torch
    from tokenizers import Regex, Tokenizer, decoders, models, pre_tokenizers
    from transformers import GenerationConfig, LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    tokens = SPECIAL + CHARACTERS
    vocab = {token: i for i, token in enumerate(tokens)}
    backend = Tokenizer(models.WordLevel(vocab=vocab, unk_token="<unk>"))
    backend.pre_tokenizer = pre_tokenizers.Split(Regex("."), behavior="isolated")
    backend.decoder = decoders.Fuse()
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=backend,
        unk_token="<unk>",
        pad_token="<pad>",
        eos_token="<eos>",
        additional_special_tokens=SPECIAL[3:],
    )
    tokenizer.chat_template = CHAT_TEMPLATE
    n = len(tokens)
    config = LlamaConfig(
        vocab_size=n,
        hidden_size=n,
        intermediate_size=8,
        num_hidden_layers=1,
        num_attention_heads=1,
        num_key_value_heads=1,
        head_dim=n,
        max_position_embeddings=4096,
        tie_word_embeddings=False,
        eos_token_id=vocab["<eos>"],
        pad_token_id=vocab["<pad>"],
        bos_token_id=None,
    )
    model = LlamaForCausalLM(config)
    with torch.no_grad():
        # The layer adds nothing (its output projections are zero), so the last hidden state is the
        # last token's one-hot embedding; lm_head then maps each token to the token that follows it.
        for parameter in model.parameters():
            parameter.zero_()
        for norm in (model.model.norm, model.model.layers[0].input_layernorm):
            norm.weight.fill_(1.0)
        model.model.layers[0].post_attention_layernorm.weight.fill_(1.0)
        model.model.embed_tokens.weight.copy_(torch.eye(n))
        chain = [vocab[c] for c in reply] + [vocab["<eos>"]]
        weights = model.lm_head.weight
        weights[chain[0], :] = 1.0  # after any other token: the reply's first token
        for before, after in zip([vocab["<|assistant|>"], *chain[:-1]], chain, strict=True):
            weights[:, before] = 0.0
            weights[after, before] = 10.0
    model.generation_config = GenerationConfig(
        eos_token_id=vocab["<eos>"], pad_token_id=vocab["<pad>"], do_sample=False
    )
    model.save_pretrained(path)
    tokenizer.save_pretrained(path)
    return path


class TransformersServer:
    """`transformers serve` on a free loopback port; `base_url` ends in /v1."""

    def __init__(self, log: Path) -> None:
        self.log = log
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}/v1"
        self.process: subprocess.Popen | None = None

    def start(self) -> TransformersServer:
        env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
        command = [str(Path(sys.executable).parent / "transformers"), "serve"]
        command += ["--host", "127.0.0.1", "--port", str(self.port), "--device", "cpu", "--log-level", "info"]
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
        process = self.process
        wait_until(
            lambda: answers(f"{self.base_url}/models") or process.poll() is not None,
            120,
            "transformers serve",
        )
        if process.poll() is not None:
            raise RuntimeError(f"transformers serve exited: {self.log.read_text()[-2000:]}")
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def requests_for(self, model_path: Path | str) -> int:
        """How many chat requests the server received for this model (from its log)."""
        return self.log.read_text(errors="replace").count(f"[Request received] Model: {model_path},")


def completion_body(model: str, content: str | None, finish_reason: str = "stop", **choice: Any) -> dict:
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": 0,
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": finish_reason,
                **choice,
            }
        ],
        "usage": {"prompt_tokens": 5, "completion_tokens": 2, "total_tokens": 7},
    }


Reply = tuple[int, dict[str, str], dict]  # status, headers, JSON body


def echo_reply(body: dict, _count: int) -> Reply:
    """Answers '答：' and the last user message."""
    return 200, {}, completion_body(body["model"], "答：" + body["messages"][-1]["content"])


@dataclass
class Received:
    body: dict
    headers: dict[str, str]  # names in lower case
    at: float


@dataclass
class FakeEndpoint:
    """A threaded HTTP server answering chat completions with `reply(body, n)` (n counts requests
    from 1), after `delay` seconds. `received` records every request."""

    reply: Callable[[dict, int], Reply] = echo_reply
    delay: float = 0.0
    received: list[Received] = field(default_factory=list)

    def __post_init__(self) -> None:
        endpoint = self
        lock = threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # else headers and body wait on delayed ACKs (40 ms)

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with lock:
                    endpoint.received.append(
                        Received(body, {k.lower(): v for k, v in self.headers.items()}, time.monotonic())
                    )
                    count = len(endpoint.received)
                if endpoint.delay:
                    time.sleep(endpoint.delay)
                status, headers, payload = endpoint.reply(body, count)
                data = json.dumps(payload, ensure_ascii=False).encode()
                self.send_response(status)
                for name, value in {"Content-Type": "application/json", **headers}.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeEndpoint:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
