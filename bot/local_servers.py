"""OpenAI-compatible servers on this machine's usual ports, found by asking each for its
model list (`GET /v1/models`), so the web app's model settings can offer them.

Nothing is sent but that one request to 127.0.0.1, with a short timeout; a port where
nothing listens, or something that is not such a server, is skipped.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor

from pydantic import BaseModel, ConfigDict

#: Where the usual local servers listen by default.
USUAL_PORTS: dict[int, str] = {
    11434: "Ollama",
    1234: "LM Studio",
    8000: "vLLM or llama.cpp",
    8080: "llama.cpp or vLLM",
}
#: Seconds to wait on each port: a local server answers its model list at once.
PROBE_TIMEOUT_S = 0.5


class LocalServer(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    base_url: str
    models: list[str]


def find_local_servers(ports: Mapping[int, str] | None = None) -> list[LocalServer]:
    """The servers that answered with at least one model, in port order."""
    ports = USUAL_PORTS if ports is None else ports
    with ThreadPoolExecutor(max_workers=max(1, len(ports))) as pool:
        urls = [(f"http://127.0.0.1:{port}/v1", name) for port, name in ports.items()]
        found = pool.map(lambda url_name: probe(*url_name), urls)
        return [server for server in found if server is not None]


def probe(base_url: str, name: str) -> LocalServer | None:
    try:
        with urllib.request.urlopen(f"{base_url}/models", timeout=PROBE_TIMEOUT_S) as response:
            listing = json.loads(response.read(1_000_000))
    except (OSError, ValueError):
        return None
    data = listing.get("data") if isinstance(listing, dict) else None
    models = [m["id"] for m in data or [] if isinstance(m, dict) and isinstance(m.get("id"), str)]
    return LocalServer(name=name, base_url=base_url, models=models) if models else None
