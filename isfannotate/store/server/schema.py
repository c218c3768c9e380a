"""The team database's tables, roles and row-level security, on the PostgreSQL server.

The tables are built from our own migrations' model of the rows (``store.teamsync.reference_columns``):
the same names and columns as in a project file, so a row travels unchanged. Rows of a layer
carry their layer (claims and evidence get the column their span or stance has locally), and the
server adds what a team needs: ``team_info`` (versions, scheme, name), ``members`` (the
annotators' roles, last sync), ``sync_marks`` (per layer and document, the digest of the rows
the server holds and the working copy that pushed them), ``sync_cursors`` (per layer and working
copy, the last change journal seq the server acknowledged: written in each push batch's
transaction) and ``registry_proposals``.

Two group roles per team database: ``isf_<db>_lead`` (the role that ran ``team create`` is made
a member) and ``isf_<db>_annotators`` (each annotator's LOGIN role). Every table has row-level
security ENABLEd and FORCEd: an annotator reads the documents, scheme, registry, guideline
examples, its own assignments and **its own layer only** (blind annotation: no other layer, no
gold, no decisions), writes only rows of its own layer, and may propose registry entries; the
lead's group reads and writes everything.
"""
from __future__ import annotations

from ..schema import SCHEMA_VERSION
from ..teamsync import CHILD, LAYERED, SHARED, reference_columns

SERVER_SCHEMA = 2            # the server's own tables (team_info, members, marks, cursors, proposals) and policies
COMPATIBLE = ("1", "2")      # server schemas this version syncs with (1: without cursors; the lead's sync upgrades it)
GOLD_LAYER = "gold"

_TYPES = {"INTEGER": "bigint", "REAL": "double precision", "BLOB": "bytea"}


def ident(name: str) -> str:
    """*name* as an SQL identifier (always quoted)."""
    return '"' + name.replace('"', '""') + '"'


def literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def group_names(dbname: str) -> tuple[str, str]:
    """(lead group, annotators group) of the team database *dbname* (roles are per server)."""
    base = f"isf_{dbname}"[:48]
    return f"{base}_lead", f"{base}_annotators"


def server_columns(table: str) -> list[tuple[str, str, bool]]:
    """(column, PostgreSQL type, not null) of *table* on the server."""
    cols = [(name, _TYPES.get(decl, "text"), notnull or pk > 0)
            for name, decl, notnull, pk in reference_columns()[table]]
    if table in CHILD:
        cols.append(("layer", "text", True))
    return cols


def primary_key(table: str) -> list[str]:
    cols = sorted((pk, name) for name, _d, _n, pk in reference_columns()[table] if pk)
    key = [name for _pk, name in cols]
    if (table in LAYERED or table in CHILD) and "layer" not in key:
        key = ["layer", *key]   # ids are unique per layer: one annotator's id never blocks another's row
    return key


def ddl(dbname: str) -> list[str]:
    """The statements creating the tables, roles' grants and policies (one transaction)."""
    lead, annotators = group_names(dbname)
    L, A = ident(lead), ident(annotators)    # noqa: N806
    out: list[str] = []
    for table in (*SHARED, *LAYERED, *CHILD):
        cols = ", ".join(f"{ident(c)} {t}{' NOT NULL' if nn else ''}" for c, t, nn in server_columns(table))
        out.append(f"CREATE TABLE {ident(table)} ({cols}, PRIMARY KEY ({', '.join(map(ident, primary_key(table)))}))")
        if table in LAYERED:
            out.append(f"CREATE INDEX {ident(table + '_layer_doc')} ON {ident(table)} (layer, document_id)")
    out += [
        "CREATE TABLE team_info (key text PRIMARY KEY, value text NOT NULL)",
        "CREATE TABLE members (role text PRIMARY KEY, added_at timestamptz NOT NULL DEFAULT now(), "
        "removed_at timestamptz, last_sync timestamptz)",
        "CREATE TABLE sync_marks (layer text NOT NULL, document_id text NOT NULL, digest text NOT NULL, "
        "at timestamptz NOT NULL DEFAULT now(), copy text, PRIMARY KEY (layer, document_id))",
        _CURSORS,
        "CREATE TABLE registry_proposals (annotator text NOT NULL, kind text NOT NULL CHECK (kind IN ('actor', "
        "'target')), entity_id text NOT NULL, row text NOT NULL, status text NOT NULL DEFAULT 'open' "
        "CHECK (status IN ('open', 'merged')), at timestamptz NOT NULL DEFAULT now(), "
        "PRIMARY KEY (annotator, kind, entity_id))",
        "CREATE INDEX assignments_annotator ON assignments (annotator)",
        f"REVOKE ALL ON DATABASE {ident(dbname)} FROM PUBLIC",
        f"GRANT CONNECT, TEMPORARY ON DATABASE {ident(dbname)} TO {L}, {A}",
    ]
    everything = [*SHARED, *LAYERED, *CHILD, "team_info", "members", "sync_marks", "registry_proposals"]
    for table in everything:
        out += _guarded(table, L)
    # what every annotator reads: the documents, the scheme and versions, the registry, the guidelines
    for table in ("documents", "actors", "targets", "guideline_examples", "team_info"):
        out += [f"GRANT SELECT ON {ident(table)} TO {A}",
                f"CREATE POLICY annotators_read ON {ident(table)} FOR SELECT TO {A} USING (true)"]
    # its own assignments, its own member row (only the last sync time is its to write)
    out += [f"GRANT SELECT ON assignments TO {A}",
            f"CREATE POLICY own_assignments ON assignments FOR SELECT TO {A} USING (annotator = current_user)",
            f"GRANT SELECT ON members TO {A}",
            f"GRANT UPDATE (last_sync) ON members TO {A}",
            f"CREATE POLICY own_member ON members FOR SELECT TO {A} USING (role = current_user)",
            f"CREATE POLICY own_member_sync ON members FOR UPDATE TO {A} USING (role = current_user) "
            "WITH CHECK (role = current_user)",
            f"GRANT SELECT, INSERT, UPDATE ON registry_proposals TO {A}",
            f"CREATE POLICY own_proposals ON registry_proposals TO {A} USING (annotator = current_user) "
            "WITH CHECK (annotator = current_user AND status = 'open')"]
    # its own layer, nothing else (gold and decisions are the lead's; provenance is gold's)
    for table in (*LAYERED, *CHILD, "sync_marks"):
        out += _own_layer(table, A)
    out += [*_guarded("sync_cursors", L), *_own_layer("sync_cursors", A)]
    out.append(f"INSERT INTO team_info VALUES ('server_schema', '{SERVER_SCHEMA}'), "
               f"('app_schema', '{SCHEMA_VERSION}')")
    return out


_CURSORS = ("CREATE TABLE sync_cursors (layer text NOT NULL, copy text NOT NULL, seq bigint NOT NULL, "
            "at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (layer, copy))")


def _guarded(table: str, lead: str) -> list[str]:
    t = ident(table)
    return [f"REVOKE ALL ON {t} FROM PUBLIC",
            f"ALTER TABLE {t} ENABLE ROW LEVEL SECURITY",
            f"ALTER TABLE {t} FORCE ROW LEVEL SECURITY",
            f"GRANT ALL ON {t} TO {lead}",
            f"CREATE POLICY lead_all ON {t} TO {lead} USING (true) WITH CHECK (true)"]


def _own_layer(table: str, annotators: str) -> list[str]:
    own = f"layer = current_user AND layer <> {literal(GOLD_LAYER)}"
    return [f"GRANT SELECT, INSERT, UPDATE, DELETE ON {ident(table)} TO {annotators}",
            f"CREATE POLICY own_layer ON {ident(table)} TO {annotators} USING ({own}) WITH CHECK ({own})"]


def upgrade_ddl(dbname: str) -> list[str]:
    """The statements taking a team database of server schema 1 to this one (run by the lead's
    sync, the tables' owner): the marks' working copy and the cursors."""
    lead, annotators = group_names(dbname)
    return ["ALTER TABLE sync_marks ADD COLUMN IF NOT EXISTS copy text", _CURSORS,
            *_guarded("sync_cursors", ident(lead)), *_own_layer("sync_cursors", ident(annotators)),
            f"UPDATE team_info SET value = '{SERVER_SCHEMA}' WHERE key = 'server_schema'"]
