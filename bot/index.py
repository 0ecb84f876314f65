"""The retrieval index: notes chunked by heading, embedded, stored in Chroma.

Chunk ids are content hashes, so syncing is idempotent: an unchanged chunk is never
re-embedded, an edited note replaces only its changed chunks, a deleted note's chunks go.
The collection is named after the embedding model, so vectors of two models never mix.
The store sits behind `VectorStore`; the default is Chroma's embedded `PersistentClient`
under the data directory, and `MLSD_CHROMA_URL` points it at a Chroma server instead.
"""

from __future__ import annotations

import hashlib
import shutil
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

from langchain_core.embeddings import Embeddings
from langchain_text_splitters import MarkdownHeaderTextSplitter, RecursiveCharacterTextSplitter
from pydantic import BaseModel, ConfigDict

from bot.config import Settings
from bot.embeddings import build_embeddings, embedding_id
from bot.errors import MlsdError
from bot.knowledge.notes import note_files, split_front_matter
from bot.knowledge.sections import strip_links, without_matcher_lines
from bot.paths import knowledge_dir
from bot.stages import Stage

_HEADERS = [("#", "h1"), ("##", "h2"), ("###", "h3")]
_MAX_CHUNK_CHARS = 1400
_ADD_BATCH = 64


class Chunk(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    text: str
    source: str
    kind: str
    case: str | None
    stage: Stage | None
    heading: str

    def metadata(self) -> dict[str, str]:
        """Chroma metadata cannot hold None: null is stored as an empty string."""
        return {
            "source": self.source,
            "kind": self.kind,
            "case": self.case or "",
            "stage": self.stage.value if self.stage else "",
            "heading": self.heading,
        }

    @classmethod
    def from_stored(cls, chunk_id: str, text: str, meta: dict) -> Chunk:
        return cls(
            id=chunk_id,
            text=text,
            source=meta["source"],
            kind=meta["kind"],
            case=meta.get("case") or None,
            stage=Stage(meta["stage"]) if meta.get("stage") else None,
            heading=meta.get("heading", ""),
        )


def resolve_knowledge_dir(settings: Settings) -> Path:
    return (settings.knowledge_dir or knowledge_dir()).resolve()


def _kind(source: str) -> str:
    return source.split("/", 1)[0].rstrip("s") if "/" in source else "note"


def _stage_for(kind: str, meta: dict, headings: dict) -> Stage | None:
    if kind == "framework" and meta.get("stage"):
        return Stage(meta["stage"])
    if kind == "case" and headings.get("h2"):
        return Stage.from_heading(headings["h2"])
    return None


def _prefix(meta: dict, heading: str) -> str:
    """A context line embedded with every chunk: where it comes from, and concept aliases."""
    aliases = meta.get("aliases") or []
    also = f" (also: {', '.join(str(a) for a in aliases)})" if aliases else ""
    return f"{heading}{also}\n"


def chunk_note(path: Path, root: Path) -> list[Chunk]:
    """Split one note by heading (LangChain splitters); long sections are split further."""
    source = path.relative_to(root).as_posix()
    meta, body = split_front_matter(path.read_text(encoding="utf-8"), source)
    kind = _kind(source)
    sections = MarkdownHeaderTextSplitter(_HEADERS, strip_headers=True).split_text(
        without_matcher_lines(body)
    )
    splitter = RecursiveCharacterTextSplitter(chunk_size=_MAX_CHUNK_CHARS, chunk_overlap=150)
    chunks: list[Chunk] = []
    seen: set[str] = set()
    for section in splitter.split_documents(sections):
        headings = section.metadata
        heading = " > ".join(headings[k] for k in ("h1", "h2", "h3") if headings.get(k))
        body_text, _ = strip_links(section.page_content.strip())
        text = _prefix(meta, heading or path.stem) + body_text
        chunk_id = _unique(_content_id(source, text), seen)
        chunks.append(
            Chunk(
                id=chunk_id,
                text=text,
                source=source,
                kind=kind,
                case=path.stem if kind == "case" else None,
                stage=_stage_for(kind, meta, headings),
                heading=heading,
            )
        )
    return chunks


def _content_id(source: str, text: str) -> str:
    return hashlib.sha256(f"{source}\n{text}".encode()).hexdigest()[:32]


def _unique(chunk_id: str, seen: set[str]) -> str:
    candidate, n = chunk_id, 1
    while candidate in seen:
        n += 1
        candidate = f"{chunk_id}-{n}"
    seen.add(candidate)
    return candidate


def chunk_all(root: Path) -> list[Chunk]:
    return [chunk for path in note_files(root) for chunk in chunk_note(path, root)]


class VectorStore(Protocol):
    """What the index needs from a vector database."""

    def ids(self) -> set[str]: ...

    def add(self, chunks: list[Chunk]) -> None: ...

    def delete(self, ids: list[str]) -> None: ...

    def all_chunks(self) -> list[Chunk]: ...

    def vectors(self, ids: list[str]) -> dict[str, list[float]]: ...

    def query(self, vector: list[float], k: int, where: dict | None) -> list[tuple[Chunk, float]]:
        """Best first, with cosine similarity."""
        ...


class IndexDamagedError(MlsdError):
    """The stored index cannot be read; it is rebuilt from the notes."""


class ChromaStore:
    """Chroma through langchain-chroma: embedded on disk, or a server."""

    def __init__(self, settings: Settings, embeddings: Embeddings) -> None:
        from langchain_chroma import Chroma

        self.name = f"mlsd-{embedding_id(settings)}"
        try:
            self._db = Chroma(
                collection_name=self.name,
                embedding_function=embeddings,
                client=_client(settings),
                collection_metadata={"hnsw:space": "cosine"},
            )
        except Exception as error:
            raise IndexDamagedError(f"the index cannot be opened ({error})") from error

    def ids(self) -> set[str]:
        return set(self._db.get(include=[])["ids"])

    def add(self, chunks: list[Chunk]) -> None:
        self._db.add_texts(
            texts=[c.text for c in chunks],
            metadatas=[c.metadata() for c in chunks],
            ids=[c.id for c in chunks],
        )

    def delete(self, ids: list[str]) -> None:
        if ids:
            self._db.delete(ids=ids)

    def all_chunks(self) -> list[Chunk]:
        got = self._db.get(include=["documents", "metadatas"])
        return [
            Chunk.from_stored(i, t, m)
            for i, t, m in zip(got["ids"], got["documents"], got["metadatas"], strict=True)
        ]

    def vectors(self, ids: list[str]) -> dict[str, list[float]]:
        if not ids:
            return {}
        got = self._db.get(ids=ids, include=["embeddings"])
        return {i: list(v) for i, v in zip(got["ids"], got["embeddings"], strict=True)}

    def query(self, vector: list[float], k: int, where: dict | None) -> list[tuple[Chunk, float]]:
        found = self._db.similarity_search_by_vector_with_relevance_scores(
            vector, k=k, filter=where
        )
        return [
            (Chunk.from_stored(doc.id, doc.page_content, doc.metadata), 1.0 - distance)
            for doc, distance in found
        ]


def _client(settings: Settings):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=True)
    if settings.chroma_url:
        from urllib.parse import urlparse

        url = urlparse(settings.chroma_url)
        return chromadb.HttpClient(
            host=url.hostname or "localhost",
            port=url.port or 8000,
            ssl=url.scheme == "https",
            settings=chroma_settings,
        )
    if not (settings.index_dir / "chroma.sqlite3").is_file():
        _forget_client(settings.index_dir)
    settings.index_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.index_dir), settings=chroma_settings)


class SyncReport(BaseModel):
    model_config = ConfigDict(extra="forbid")

    added: int
    removed: int
    kept: int
    rebuilt: bool = False


def sync(store: VectorStore, chunks: list[Chunk], progress: bool = False) -> SyncReport:
    """Make the store hold exactly `chunks`, embedding only the new ones."""
    stored = store.ids()
    wanted = {c.id for c in chunks}
    # Shortest first, so each batch holds chunks of similar length and pads little.
    new = sorted((c for c in chunks if c.id not in stored), key=lambda c: len(c.text))
    stale = sorted(stored - wanted)
    store.delete(stale)
    for batch in _batches(new, progress):
        store.add(batch)
    return SyncReport(added=len(new), removed=len(stale), kept=len(stored & wanted))


def _batches(chunks: list[Chunk], progress: bool) -> Iterable[list[Chunk]]:
    batches = [chunks[i : i + _ADD_BATCH] for i in range(0, len(chunks), _ADD_BATCH)]
    if progress and batches:
        from tqdm import tqdm

        yield from (b for b in tqdm(batches, desc="indexing notes", unit="batch", file=sys.stderr))
        return
    yield from batches


def open_store(settings: Settings) -> VectorStore:
    return ChromaStore(settings, build_embeddings(settings))


def build_index(
    settings: Settings, rebuild: bool = False, progress: bool = False
) -> tuple[VectorStore, SyncReport]:
    """Open the index and bring it up to date with the notes; a damaged one is rebuilt."""
    chunks = chunk_all(resolve_knowledge_dir(settings))
    rebuilt = rebuild
    if rebuild:
        _wipe(settings)
    try:
        store = open_store(settings)
        report = sync(store, chunks, progress)
    except Exception as error:
        if settings.chroma_url:
            message = f"the Chroma server at {settings.chroma_url} failed: {error}"
            raise IndexDamagedError(message) from error
        _wipe(settings)
        rebuilt = True
        store = open_store(settings)
        report = sync(store, chunks, progress)
    report.rebuilt = rebuilt
    return store, report


def _forget_client(path: Path) -> None:
    """Chroma caches one client per path in-process; drop this path's after its files changed."""
    from chromadb.api.client import SharedSystemClient

    SharedSystemClient._identifier_to_system.pop(str(path), None)
    SharedSystemClient._identifier_to_refcount.pop(str(path), None)


def _wipe(settings: Settings) -> None:
    if settings.chroma_url:
        _client(settings).delete_collection(f"mlsd-{embedding_id(settings)}")
        return
    _forget_client(settings.index_dir)
    shutil.rmtree(settings.index_dir, ignore_errors=True)
