"""Load: N candidates at once against one replica, and against two replicas sharing one
PostgreSQL and one Chroma server (the deployment in docs/deploy.md).

A replica is a process with the app's engine on the embedded defaults, as `mlsd ui` runs it
(MiniLM embeddings; the embedded chat model is not called during turns, because phrasing is
off for it). A candidate is a thread in a replica with its own engine, as each browser
session has one, answering the scripted candidates' messages (bench/data). Prints, for each
number of concurrent candidates, turns per second and the turn latency p50/p95 (the time from
sending an answer to the interviewer's whole reply), measured once every replica is warm.
The throwaway servers and the shared index are set up by the script.

    python bench/bench_load.py [--turns 8] [--levels 1,5,10,20]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot import throwaway  # noqa: E402

DATA = ROOT / "bench" / "data"
SCRIPTS = [
    script
    for name in ("scripted_candidates.json", "scripted_candidates_heldout.json")
    for script in json.loads((DATA / name).read_text())
]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


# ---- a replica: reads "run N" lines, answers each with one JSON line ------------------------


def candidate(engine, script: dict, turns: int, latencies: list[float], errors: list[str]) -> None:
    try:
        interview = engine.new_interview(script["case"], clock="spoken")
        "".join(interview.open())
        for message in script["messages"][:turns]:
            if interview.finished:
                break
            started = time.perf_counter()
            "".join(interview.respond(message["text"]))
            latencies.append(time.perf_counter() - started)
    except Exception as error:  # a failed candidate is counted, not fatal to the run
        errors.append(f"{type(error).__name__}: {error}")


def replica(turns: int, first: int, most: int) -> None:
    from bot.config import load_settings
    from bot.engine import Engine

    settings = load_settings()
    engines = [Engine(settings) for _ in range(most)]
    engines[0].warm_up()
    for script in SCRIPTS:
        engines[0].matcher(engines[0].case(script["case"]))
    print("ready", flush=True)
    for line in sys.stdin:
        count = int(line.split()[1])
        latencies: list[float] = []
        errors: list[str] = []
        threads = [
            threading.Thread(
                target=candidate,
                args=(engines[n], SCRIPTS[(first + n) % len(SCRIPTS)], turns, latencies, errors),
            )
            for n in range(count)
        ]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - started
        print(json.dumps({"latencies": latencies, "wall": wall, "errors": errors}), flush=True)


# ---- the driver ------------------------------------------------------------------------------


def clean_env(**settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MLSD_", "OPENAI_"))}
    return {**env, **settings}


def start_replicas(count: int, shared: dict[str, str], turns: int, most: int) -> list:
    replicas = []
    for n in range(count):
        data_dir = tempfile.mkdtemp(prefix=f"mlsd-load-{n}-")
        command = [sys.executable, __file__, "--replica", str(n * most), "--turns", str(turns)]
        replicas.append(
            subprocess.Popen(
                [*command, "--most", str(most)],
                env=clean_env(MLSD_DATA_DIR=data_dir, **shared),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
        )
    for process in replicas:
        assert process.stdout.readline().strip() == "ready", "a replica failed to start"
    return replicas


def run_level(replicas: list, candidates: int) -> tuple[list[float], float, list[str]]:
    shares = [
        candidates // len(replicas) + (n < candidates % len(replicas)) for n in range(len(replicas))
    ]
    busy = [(p, share) for p, share in zip(replicas, shares, strict=True) if share]
    for process, share in busy:
        process.stdin.write(f"run {share}\n")
        process.stdin.flush()
    results = [json.loads(process.stdout.readline()) for process, _ in busy]
    latencies = [x for result in results for x in result["latencies"]]
    errors = [e for result in results for e in result["errors"]]
    return latencies, max(result["wall"] for result in results), errors


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--turns", type=int, default=8, help="answers per candidate")
    parser.add_argument("--levels", default="1,5,10,20", help="concurrent candidates")
    parser.add_argument("--replica", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--most", type=int, default=20, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.replica is not None:
        replica(args.turns, args.replica, args.most)
        return
    levels = [int(n) for n in args.levels.split(",")]
    with throwaway.postgres_server() as server, throwaway.chroma_server() as chroma:
        shared = {"MLSD_DATABASE_URL": throwaway.new_database(server), "MLSD_CHROMA_URL": chroma}
        builder = tempfile.mkdtemp(prefix="mlsd-load-index-")
        mlsd = Path(sys.executable).parent / "mlsd"
        subprocess.run(
            [str(mlsd), "index"],
            env=clean_env(MLSD_DATA_DIR=builder, **shared),
            check=True,
            capture_output=True,
        )
        print(
            f"{os.cpu_count()} cores; {args.turns} answers per candidate; PostgreSQL + chroma run"
        )
        print("replicas  candidates  turns  turns/s  p50 s  p95 s  errors")
        for count in (1, 2):
            replicas = start_replicas(count, shared, args.turns, max(levels))
            try:
                for candidates in levels:
                    latencies, wall, errors = run_level(replicas, candidates)
                    print(
                        f"{count:>8}  {candidates:>10}  {len(latencies):>5}  "
                        f"{len(latencies) / wall:>7.1f}  {percentile(latencies, 0.5):>5.2f}  "
                        f"{percentile(latencies, 0.95):>5.2f}  {len(errors):>6}",
                        flush=True,
                    )
                    for error in errors[:3]:
                        print(f"    {error}")
            finally:
                for process in replicas:
                    process.stdin.close()
                    process.wait(timeout=60)


if __name__ == "__main__":
    main()
