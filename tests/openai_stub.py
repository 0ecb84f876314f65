"""A small OpenAI-compatible chat server on 127.0.0.1 for tests, with injectable faults."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def _chunk(text: str, finish: str | None = None) -> bytes:
    body = {
        "id": "chatcmpl-stub",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": "stub-model",
        "choices": [
            {
                "index": 0,
                "delta": {"content": text} if text else {},
                "finish_reason": finish,
            }
        ],
    }
    return f"data: {json.dumps(body)}\n\n".encode()


def _completion(text: str) -> dict:
    return {
        "id": "chatcmpl-stub",
        "object": "chat.completion",
        "created": 0,
        "model": "stub-model",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": text},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


class StubState:
    """What the server does next: `mode` and the reply text; `requests` counts calls."""

    def __init__(self) -> None:
        self.mode = "ok"
        self.reply = "Hello from the stub server."
        self.retry_after = "0"
        self.hang_s = 30.0
        self.requests = 0
        self.bodies: list[dict] = []
        self.reply_fn = None
        self.models = ["stub-model"]


class _Handler(BaseHTTPRequestHandler):
    state: StubState

    def log_message(self, *args: object) -> None:
        return

    def do_GET(self) -> None:
        if self.path.endswith("/models"):
            self._send_json(200, {"object": "list", "data": [{"id": m} for m in self.state.models]})
        else:
            self._send_json(404, {"error": {"message": "not found"}})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        body = json.loads(self.rfile.read(length) or b"{}")
        self.state.requests += 1
        self.state.bodies.append(body)
        if self.path.endswith("/embeddings") and self.state.mode == "ok":
            self._embeddings(body)
            return
        getattr(self, f"_mode_{self.state.mode}")(body)

    def _embeddings(self, body: dict) -> None:
        """Deterministic 8-dimensional vectors from the text's letters."""
        texts = body["input"] if isinstance(body["input"], list) else [body["input"]]
        data = []
        for i, text in enumerate(texts):
            text = text if isinstance(text, str) else str(text)
            vector = [
                float(sum(1 for ch in text.lower() if ord(ch) % 8 == k)) + 1 for k in range(8)
            ]
            norm = sum(v * v for v in vector) ** 0.5
            data.append(
                {"object": "embedding", "index": i, "embedding": [v / norm for v in vector]}
            )
        self._send_json(
            200,
            {
                "object": "list",
                "data": data,
                "model": "stub-embed",
                "usage": {"prompt_tokens": 1, "total_tokens": 1},
            },
        )

    def _reply_text(self, body: dict) -> str:
        if self.state.reply_fn is not None:
            return self.state.reply_fn(body)
        return self.state.reply

    def _send_json(self, status: int, payload: object, headers: dict | None = None) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def _mode_ok(self, body: dict) -> None:
        text = self._reply_text(body)
        if not body.get("stream"):
            self._send_json(200, _completion(text))
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        for word in text.split(" "):
            self.wfile.write(_chunk(word + " "))
            self.wfile.flush()
        self.wfile.write(_chunk("", finish="stop"))
        self.wfile.write(b"data: [DONE]\n\n")

    def _mode_error500(self, body: dict) -> None:
        self._send_json(500, {"error": {"message": "boom", "type": "server_error"}})

    def _mode_ratelimit(self, body: dict) -> None:
        error = {"error": {"message": "slow down", "type": "rate_limit"}}
        self._send_json(429, error, {"Retry-After": self.state.retry_after})

    def _mode_unauthorized(self, body: dict) -> None:
        self._send_json(401, {"error": {"message": "bad key", "type": "invalid_request_error"}})

    def _mode_hang(self, body: dict) -> None:
        time.sleep(self.state.hang_s)

    def _mode_cut(self, body: dict) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        for word in ["The", "answer", "is"]:
            self.wfile.write(_chunk(word + " "))
            self.wfile.flush()
        self.wfile.write(b'data: {"id": "x", "choi')
        self.wfile.flush()
        self.close_connection = True

    def _mode_truncated(self, body: dict) -> None:
        data = b'{"id": "chatcmpl-stub", "object": "chat.completion", "choices": [{"index": 0, "mes'
        if body.get("stream"):
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            self.wfile.write(b"data: " + data)
            self.wfile.flush()
            self.close_connection = True
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _mode_notjson(self, body: dict) -> None:
        data = b"<html>Bad gateway</html>"
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class StubServer:
    """Start with `with StubServer() as stub:`; `stub.base_url` ends with /v1."""

    def __init__(self) -> None:
        self.state = StubState()
        handler = type("Handler", (_Handler,), {"state": self.state})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def __enter__(self) -> StubServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
