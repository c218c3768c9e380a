"""``isfannotate team ...`` against a real server, and the faults a user meets, each one line
(exit 2) naming the server and never a password: an unreachable server, a refused password, a
team database of another version, a project not linked."""
from __future__ import annotations

import socket

import psycopg
import pytest

from isfannotate.cli import main
from isfannotate.teamdb import TeamDbError, join, sync
from isfannotate.teamdb.connect import with_user


def test_the_team_commands(team_db, seeded, pg_server, tmp_path, capsys):
    lead = seeded.path
    seeded.assign([d.id for d in seeded.documents()], ["carol"])
    seeded.close()
    assert main(["team", "create", team_db, "--from", str(lead)]) == 0
    assert "5 documents" in capsys.readouterr().out
    assert main(["team", "add-annotator", team_db, "carol"]) == 0
    out = capsys.readouterr().out
    password = out.split("password ", 1)[1].split()[0]
    if "carol" in pg_server.known:   # the role is the server's: an earlier run set it; set this one
        with psycopg.connect(team_db) as conn:
            from isfannotate.teamdb.admin import scram_verifier
            conn.execute(f"ALTER ROLE carol PASSWORD '{scram_verifier(password)}'")
    else:
        pg_server.add_password("carol", password)
        pg_server.known.add("carol")
    copy = tmp_path / "carol.isf"
    assert main(["team", "join", team_db, str(copy), "--as", "carol"]) == 0
    assert capsys.readouterr().out.strip() == str(copy)
    assert main(["team", "sync", str(copy)]) == 0
    assert capsys.readouterr().out.startswith("synced carol with carol@")
    assert main(["team", "sync", str(lead)]) == 0
    assert "(lead)" in capsys.readouterr().out
    assert main(["team", "status", team_db]) == 0
    assert "carol: 0/5 done, 5 pending" in capsys.readouterr().out
    assert main(["team", "status", str(lead)]) == 0
    assert main(["team", "remove-annotator", team_db, "carol"]) == 0
    capsys.readouterr()
    assert main(["team", "sync", str(copy)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "may no longer use the team database" in err and password not in err


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_an_unreachable_server_is_one_line_and_join_leaves_no_file(tmp_path, capsys, pg_server):
    dsn = f"postgresql://carol:hunter2@127.0.0.1:{_closed_port()}/team"
    assert main(["team", "join", dsn, str(tmp_path / "c.isf"), "--as", "carol"]) == 2
    err = capsys.readouterr().err
    assert "cannot be reached" in err and "hunter2" not in err and err.count("\n") == 1
    assert not (tmp_path / "c.isf").exists()
    assert main(["team", "status", dsn]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot be reached" in err and "run team status again" in err
    assert "Traceback" not in err and "hunter2" not in err


def test_refused_password_other_version_and_no_link(team, capsys, tmp_path):
    with pytest.raises(TeamDbError, match="password was refused"):
        join(with_user(team.dsn, "alice") + " password=wrong", tmp_path / "a.isf", annotator="alice")
    assert not (tmp_path / "a.isf").exists()
    alice = team.join("alice")
    with psycopg.connect(team.dsn) as conn:
        conn.execute("UPDATE team_info SET value = '99' WHERE key = 'server_schema'")
    with pytest.raises(TeamDbError, match="schema version 99 where this isfannotate knows 2"):
        sync(alice)
    alice.close()
    from isfannotate import Project
    other = Project.create(tmp_path / "other.isf")
    other.close()
    assert main(["team", "sync", str(tmp_path / "other.isf")]) == 2
    assert "not linked to a team database" in capsys.readouterr().err


def test_a_password_given_in_the_address_serves_once_and_is_never_stored(team, tmp_path):
    from isfannotate.teamdb import add_annotator, team_link
    from isfannotate.teamdb.connect import make_dsn, parse_dsn

    team.lead.assign([d.id for d in team.lead.documents()][:2], ["dora"])
    sync(team.lead)
    pw = add_annotator(team.dsn, "dora")             # not in the pgpass file
    given = make_dsn({**parse_dsn(with_user(team.dsn, "dora")), "password": pw})
    path = join(given, tmp_path / "dora.isf", annotator="dora")
    assert path.exists() and pw not in path.read_bytes().decode("latin-1")
    assert "password" not in team_link(path)["dsn"]
    with pytest.raises(TeamDbError, match="password was refused") as e:
        sync(path)                                    # from now on it comes from ~/.pgpass
    assert pw not in str(e.value)
