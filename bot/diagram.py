"""The whiteboard: a small subset of Mermaid flowchart syntax, read into a graph.

    flowchart LR
    req[Request] --> cg[Candidate generation]
    cg -->|top 500| rank(Ranker)
    fs[(Feature store)] --> rank
    %% a comment

One statement per line (or separated by `;`): a node (`id`, `id[label]`, `id(label)`,
`id((label))`, `id{label}`, `id[(label)]`), or a chain of nodes joined by edges (`-->`,
`---`, `-.->`, `==>`), each edge with an optional label (`-->|label|` or `-- label -->`).
An optional first line `flowchart` or `graph` with a direction (TD, TB, LR, RL, BT).
Diagrams are candidate text: labels are data, escaped when rendered.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field

from bot.cues import DIAGRAM_BOXES
from bot.errors import InputError

MAX_DIAGRAM_CHARS = 4000
DIRECTIONS = ("TD", "TB", "LR", "RL", "BT")

_HEADER = re.compile(r"^(flowchart|graph)(\s+(?P<dir>\w+))?\s*$", re.I)
_ID = r"[A-Za-z_][\w-]*"
_SHAPE = r"\[\([^\]\)]*\)\]|\(\([^)]*\)\)|\[[^\]]*\]|\([^)]*\)|\{[^}]*\}"
_NODE = re.compile(rf"\s*(?P<id>{_ID})\s*(?P<shape>{_SHAPE})?\s*")
_EDGE = re.compile(
    r"\s*(?:--\s*(?P<mid>[^-|>][^|>]*?)\s*-->|(?P<arrow>-->|---|-\.->|==>))\s*"
    r"(?:\|(?P<label>[^|]*)\|)?\s*"
)


class DiagramError(InputError):
    """A whiteboard line that cannot be read; the message names the line."""


class Node(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    label: str


class Edge(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    source: str
    target: str
    label: str = ""


class Diagram(BaseModel):
    model_config = ConfigDict(extra="forbid")

    direction: str = "LR"
    nodes: list[Node] = Field(default_factory=list)
    edges: list[Edge] = Field(default_factory=list)

    def label(self, node_id: str) -> str:
        return next(n.label for n in self.nodes if n.id == node_id)

    def statements(self) -> list[str]:
        """What the drawing says, one line each, as the matcher and the report read it:
        every edge ("Feature store → Ranker (features)") and every unconnected box."""
        linked = {e.source for e in self.edges} | {e.target for e in self.edges}
        lines = [
            f"{self.label(e.source)} → {self.label(e.target)}"
            + (f" ({e.label})" if e.label else "")
            for e in self.edges
        ]
        return lines + [n.label for n in self.nodes if n.id not in linked]


def parse_diagram(source: str) -> Diagram:
    """The graph a whiteboard text draws; DiagramError names the first line it cannot read."""
    if len(source) > MAX_DIAGRAM_CHARS:
        raise DiagramError(
            f"the diagram is {len(source):,} characters; the limit is {MAX_DIAGRAM_CHARS:,}"
        )
    diagram = Diagram()
    labels: dict[str, str] = {}
    for number, line in enumerate(source.splitlines(), 1):
        for statement in line.split(";"):
            statement = statement.strip()
            if not statement or statement.startswith("%%"):
                continue
            if header := _HEADER.match(statement):
                diagram.direction = _direction(header.group("dir"), number)
                continue
            _read_statement(statement, number, labels, diagram)
    diagram.nodes = [Node(id=i, label=label) for i, label in labels.items()]
    return diagram


def _direction(word: str | None, number: int) -> str:
    if word is None:
        return "LR"
    if word.upper() not in DIRECTIONS:
        raise DiagramError(f"line {number}: direction {word!r}; use one of {', '.join(DIRECTIONS)}")
    return word.upper()


def _read_statement(text: str, number: int, labels: dict[str, str], diagram: Diagram) -> None:
    position, previous = 0, None
    while True:
        node = _NODE.match(text, position)
        if not node:
            raise _unreadable(text, number)
        node_id = node.group("id")
        shape = node.group("shape")
        label = _label(shape) if shape else None
        if label or node_id not in labels:
            labels[node_id] = label or labels.get(node_id) or node_id
        if previous is not None:
            previous_id, edge_label = previous
            diagram.edges.append(Edge(source=previous_id, target=node_id, label=edge_label))
        position = node.end()
        if position == len(text):
            return
        edge = _EDGE.match(text, position)
        if not edge or edge.end() == position:
            raise _unreadable(text, number)
        previous = (node_id, (edge.group("label") or edge.group("mid") or "").strip())
        position = edge.end()


def _label(shape: str) -> str:
    return shape.strip("[](){}").strip().strip('"').strip()


def _unreadable(text: str, number: int) -> DiagramError:
    return DiagramError(
        f"line {number}: cannot read {text[:60]!r}; write a box as id[Label] and an arrow as "
        "a --> b (see the whiteboard help)"
    )


class DiagramGap(BaseModel):
    """Something the drawing lacks or contradicts, and the question that names its boxes."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    question: str


def diagram_gaps(diagram: Diagram, large_catalogue: bool) -> list[DiagramGap]:
    """The checks below, in order, on a drawing of at least two boxes."""
    if len(diagram.nodes) < 2:
        return []
    found = []
    for name, check in GAP_CHECKS:
        question = check(diagram, large_catalogue)
        if question:
            found.append(DiagramGap(name=name, question=question))
    return found


def _boxes(diagram: Diagram, kind: str) -> list[Node]:
    return [n for n in diagram.nodes if DIAGRAM_BOXES[kind].search(n.label)]


def _ranker(diagram: Diagram) -> Node | None:
    """The model box: a ranker or a model that is not itself a candidate source."""
    plain = [
        n for n in _boxes(diagram, "ranker") if not DIAGRAM_BOXES["candidates"].search(n.label)
    ]
    return plain[0] if plain else None


def _no_candidate_generation(diagram: Diagram, large_catalogue: bool) -> str | None:
    ranker = _ranker(diagram)
    if not large_catalogue or ranker is None or _boxes(diagram, "candidates"):
        return None
    return (
        f'Your diagram sends every item straight to "{ranker.label}". With a catalogue this '
        "large, what narrows the candidates before it scores them?"
    )


def _no_feature_path(diagram: Diagram, large_catalogue: bool) -> str | None:
    ranker = _ranker(diagram)
    if ranker is None:
        return None
    feature_ids = {n.id for n in _boxes(diagram, "features")}
    if any(e.target == ranker.id and e.source in feature_ids for e in diagram.edges):
        return None
    return (
        f'What feeds "{ranker.label}" its features at request time? Nothing in the diagram '
        "brings online features to it."
    )


def _nothing_watches(diagram: Diagram, large_catalogue: bool) -> str | None:
    ranker = _ranker(diagram)
    if ranker is None or len(diagram.nodes) < 4 or _boxes(diagram, "watching"):
        return None
    return (
        f'Nothing in the diagram logs what "{ranker.label}" serves or watches it. Where would '
        "you see it degrade, and where do the next training labels come from?"
    )


def _unconnected(diagram: Diagram, large_catalogue: bool) -> str | None:
    linked = {e.source for e in diagram.edges} | {e.target for e in diagram.edges}
    alone = [n.label for n in diagram.nodes if n.id not in linked]
    if not alone or not diagram.edges:
        return None
    named = ", ".join(f'"{label}"' for label in alone[:3])
    return (
        f"{named} is not connected to anything in your diagram. What feeds it, and what "
        "does it feed?"
    )


#: The diagram checks as data, in the order the interviewer asks them.
GAP_CHECKS = [
    ("no candidate generation", _no_candidate_generation),
    ("no feature path", _no_feature_path),
    ("nothing watches the model", _nothing_watches),
    ("unconnected boxes", _unconnected),
]


def to_dot(diagram: Diagram) -> str:
    """Graphviz source for the drawing; labels are quoted and escaped (candidate text)."""
    rankdir = "TB" if diagram.direction == "TD" else diagram.direction
    lines = [f"digraph whiteboard {{ rankdir={rankdir}; node [shape=box, style=rounded];"]
    for node in diagram.nodes:
        lines.append(f"  {_quote(node.id)} [label={_quote(node.label)}];")
    for edge in diagram.edges:
        attributes = f" [label={_quote(edge.label)}]" if edge.label else ""
        lines.append(f"  {_quote(edge.source)} -> {_quote(edge.target)}{attributes};")
    lines.append("}")
    return "\n".join(lines)


def _quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    return f'"{escaped}"'
