"""Embedded model: first-token latency, in-process adapter versus llama.cpp's own server.

Prints, for each way of running SmolLM2-135M: the cold start (load plus first token), and
the first-token latency and tokens per second over varied interviewer-sized prompts.
The server variant needs `pip install 'llama-cpp-python[server]'` (not a project dependency).
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from langchain_core.messages import HumanMessage, SystemMessage
from langchain_openai import ChatOpenAI

from bot.llm_local import LlamaCppChatModel, embedded_model_path

SYSTEM = (
    "You are a demanding interviewer in a machine learning system design interview. "
    "Reply with one short question. Notes: the candidate should discuss {topic}."
)
TOPICS = ["labels", "negative sampling", "latency", "drift", "A/B tests", "cold start"]


def _messages(i: int) -> list:
    topic = TOPICS[i % len(TOPICS)]
    answer = f"I would handle {topic} carefully, answer number {i}."
    return [SystemMessage(content=SYSTEM.format(topic=topic)), HumanMessage(content=answer)]


def _measure(model, runs: int) -> tuple[list[float], list[float]]:
    firsts, speeds = [], []
    for i in range(runs):
        started = time.perf_counter()
        first, pieces = None, 0
        for _ in model.stream(_messages(i), max_tokens=48):
            first = first or time.perf_counter() - started
            pieces += 1
        total = time.perf_counter() - started
        firsts.append(first or total)
        speeds.append(pieces / max(total - (first or 0), 1e-6))
    return firsts, speeds


def _report(name: str, cold: float, firsts: list[float], speeds: list[float]) -> None:
    p95 = sorted(firsts)[max(0, int(len(firsts) * 0.95) - 1)]
    print(
        f"{name:<22} cold start {cold:6.2f} s | first token p50 "
        f"{statistics.median(firsts) * 1000:6.0f} ms p95 {p95 * 1000:6.0f} ms | "
        f"{statistics.median(speeds):5.1f} tokens/s"
    )


def bench_adapter(runs: int) -> None:
    model = LlamaCppChatModel(model_path=str(embedded_model_path()), n_threads=2)
    started = time.perf_counter()
    next(iter(model.stream(_messages(99), max_tokens=1)))
    cold = time.perf_counter() - started
    _report("in-process adapter", cold, *_measure(model, runs))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bench_server(runs: int) -> None:
    port = _free_port()
    command = [
        sys.executable,
        "-m",
        "llama_cpp.server",
        "--model",
        str(embedded_model_path()),
        "--port",
        str(port),
        "--n_threads",
        "2",
        "--n_ctx",
        "4096",
    ]
    started = time.perf_counter()
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        model = ChatOpenAI(
            base_url=f"http://127.0.0.1:{port}/v1",
            api_key="x",
            model="local",
            max_retries=0,
            timeout=30,
        )
        while True:
            try:
                next(iter(model.stream(_messages(99), max_tokens=1)))
                break
            except Exception:
                if time.perf_counter() - started > 60:
                    raise
                time.sleep(0.2)
        _report("llama.cpp server + HTTP", time.perf_counter() - started, *_measure(model, runs))
    finally:
        server.terminate()
        server.wait()


def main() -> None:
    runs = int(os.environ.get("BENCH_RUNS", "12"))
    print(f"SmolLM2-135M Q4_1, 2 threads, {runs} prompts each, 48 new tokens max")
    bench_adapter(runs)
    try:
        import uvicorn  # noqa: F401
    except ImportError:
        print("llama.cpp server: skipped (pip install 'llama-cpp-python[server]' to compare)")
        return
    bench_server(runs)


if __name__ == "__main__":
    main()
