"""What the team database's commands report: plain dataclasses whose ``lines()`` are the
one-line summaries the CLI prints and the app shows."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class CreateReport:
    server: str                       # user@host:port/db, no password
    documents: int = 0
    actors: int = 0
    targets: int = 0
    assignments: int = 0
    examples: int = 0
    decisions: int = 0
    gold_documents: int = 0
    layers: int = 0                   # annotator layers the lead's project held, sent
    lead_group: str = ""
    annotators_group: str = ""

    def lines(self) -> list[str]:
        return [f"team database {self.server} created: {self.documents} documents, {self.actors} actors, "
                f"{self.targets} targets, {self.assignments} assignments, {self.examples} guideline examples, "
                f"{self.decisions} decisions, gold in {self.gold_documents} documents"
                + (f", {self.layers} annotators' layers" if self.layers else ""),
                f"roles: {self.lead_group} (the lead; you are in it), {self.annotators_group} (add annotators with "
                "isfannotate team add-annotator)"]


@dataclass
class SyncReport:
    server: str
    role: str                          # "annotator" or "lead"
    annotator: str | None = None
    pushed_documents: int = 0          # documents of the own layer (or gold) sent
    pushed_rows: int = 0
    proposals: int = 0                 # registry entries proposed (annotator)
    pulled_documents: int = 0          # new documents brought down (annotator)
    own_documents: int = 0             # documents of the own layer another working copy sent (annotator)
    skipped_documents: list[str] = field(default_factory=list)
    scheme_updated: bool = False
    registry_updated: int = 0
    examples: int = 0
    assignments: int = 0
    shared_rows: int = 0               # lead: documents, registry, assignments, examples, decisions written
    merged: list[str] = field(default_factory=list)      # lead: one line per annotator merged
    conflicts: list[str] = field(default_factory=list)   # lead: registry conflicts to decide
    refused: list[str] = field(default_factory=list)     # lead: layers merge refused, with the reason
    refused_layers: set[str] = field(default_factory=set)

    def lines(self) -> list[str]:
        if self.role == "lead":
            out = [f"synced with {self.server} (lead): sent {self.shared_rows} shared rows and gold of "
                   f"{self.pushed_documents} documents; merged {len(self.merged)} annotators"]
            out += self.merged
            out += self.refused
            out += [f"skipped {s}" for s in self.skipped_documents]
            if self.conflicts:
                out.append(f"{len(self.conflicts)} registry conflicts to decide (Review > Merge Conflicts, or "
                           "isfannotate conflicts)")
            return out
        out = [f"synced {self.annotator} with {self.server}: sent {self.pushed_documents} documents "
               f"({self.pushed_rows} rows), {self.proposals} registry proposals; received {self.pulled_documents} "
               f"new documents, {self.registry_updated} registry entries, {self.assignments} assignment changes"
               + (", the new scheme" if self.scheme_updated else "")
               + (f", {self.examples} guideline examples" if self.examples else "")
               + (f", your layer of {self.own_documents} documents from your other working copy"
                  if self.own_documents else "")]
        out += [f"skipped document {s}" for s in self.skipped_documents]
        return out


@dataclass
class AnnotatorStatus:
    name: str
    assigned: int
    done: int
    pending: int                       # assigned, not marked done on the server
    last_sync: str | None
    removed: bool = False


@dataclass
class TeamStatus:
    server: str
    documents: int
    annotators: list[AnnotatorStatus] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"team database {self.server}: {self.documents} documents, {len(self.annotators)} annotators"]
        for a in self.annotators:
            out.append(f"{a.name}: {a.done}/{a.assigned} done, {a.pending} pending, last sync "
                       f"{a.last_sync or 'never'}" + (" (removed)" if a.removed else ""))
        return out
