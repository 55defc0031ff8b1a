"""The account and token commands, and the authorization matrix of every write command:
each role (and an actor with no account) is allowed or refused exactly as the action's
least role in ``service/actions.py`` says."""

from __future__ import annotations

import io
import json
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from unaccounted.cli import account_cmds, app, main
from unaccounted.errors import InputError
from unaccounted.ingest import IngestOptions
from unaccounted.service import ACTIONS, PermissionDenied, Session
from unaccounted.service import accounts as accounts_service
from unaccounted.service import ingest as ingest_service
from unaccounted.service import link as link_service
from unaccounted.service import persons as persons_service
from unaccounted.service import testimonies as testimonies_service
from unaccounted.service.actions import role_rank
from unaccounted.workspace import Workspace

HEADER = "record_id,full_name,birth_date,status,unit\n"
OBITS = HEADER + (
    "r1,Петров Сергей Иванович,1990-03-12,погиб,25 ОМСБр\n"
    "r2,Иванов Андрей Петрович,1985,пропал без вести,в/ч 41450\n"
    "r3,Сидоров Павел Олегович,1979-11-02,погиб,25 ОМСБр\n"
)
POSTS = HEADER + "r1,Серёжа Петров,12.03.1990,погиб,25-я бригада\nr2,Андрей Иванов,,погиб,\n"
MORE = HEADER + "n1,Кузнецов Олег Ильич,1992,погиб,\n"

#: The team: one account of each role, and otto, whom the account commands change.
TEAM = {"ada": "admin", "ed": "editor", "rita": "reviewer", "vera": "viewer", "otto": "viewer"}
PASSWORDS = {name: f"{name}'s long password" for name in TEAM}
#: Who acts in the matrix: one account of each role, and ghost, who has none.
ACTORS = ("vera", "rita", "ed", "ada", "ghost")


@pytest.fixture(scope="module")
def team_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace with two sources ingested, normalized and clustered, a judgement, the team's
    accounts, an API token of each account, and a hand edit of a shared file."""
    root = tmp_path_factory.mktemp("team")
    (root / "account.txt").write_text("Требовали деньги за перевод в тыл.\n", "utf-8")
    for name, text in (("obits.csv", OBITS), ("posts.csv", POSTS), ("more.csv", MORE)):
        (root / name).write_text(text, "utf-8")
    (root / "judgements.csv").write_text(
        "source_l,record_id_l,source_r,record_id_r,decision\nobits,r3,posts,r1,different\n"
    )
    (root / "clusters.csv").write_text("person_id,source,record_id\nP1,obits,r1\nP1,posts,r1\n")
    ws = Workspace.init(root / "ws")
    with Session.open(ws.root, "ada") as s:
        ingest_service.ingest(s, [root / "obits.csv"], IngestOptions(kind="obituary"))
        ingest_service.ingest(s, [root / "posts.csv"], IngestOptions(kind="social"))
        link_service.normalize(s)
        persons_service.load_clusters(
            s,
            [
                ("P1", "obits", "r1"),
                ("P1", "posts", "r1"),
                ("P2", "obits", "r2"),
                ("P3", "posts", "r2"),
                ("P4", "obits", "r3"),
            ],
            "first.csv",
        )
        link_service.add_judgement(s, "obits:r2", "posts:r2", "same", None)  # judgement 1
        # a restricted testimony T-1, a place PL-1 and an incident I-1 (invented)
        testimonies_service.add_testimony(
            s, "Держали в подвале склада.".encode(), kind="written_statement", source="letter",
            language="ru",
        )  # fmt: skip
        testimonies_service.add_place(s, "Тихая Заводь")
        testimonies_service.add_incident(s, "unlawful_detention", start="2024-03")
        for name, role in TEAM.items():
            accounts_service.add_user(s, name, role, PASSWORDS[name])
        tokens = {}
        for name in TEAM:
            with s.acting_as(name):
                tokens[name] = accounts_service.create_token(s, name, "script")[0].id
    (ws.root / "unit_aliases.yaml").write_text("aliases:\n- [omsbr:25, vch:41450]\n")
    (root / "tokens.json").write_text(json.dumps(tokens))
    return root


@pytest.fixture
def team_ws(team_root: Path, tmp_path: Path) -> Path:
    """A fresh copy of the team's workspace."""
    shutil.copytree(team_root / "ws", tmp_path / "ws")
    return tmp_path / "ws"


Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Run:
    """Run the command line as its console script does (``main``: one-line errors, exit
    codes), with ``stdin`` as given; return (exit code, stdout, stderr)."""

    def invoke(*args: str, stdin: str = "") -> tuple[int, str, str]:
        capsys.readouterr()
        monkeypatch.setattr(sys, "argv", ["unaccounted", *args])
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        with pytest.raises(SystemExit) as done:
            main()
        captured = capsys.readouterr()
        return int(done.value.code or 0), captured.out, captured.err

    return invoke


def snapshot(ws: Path) -> dict[str, Any]:
    """Everything a write could change: the store's tables and the shared files."""
    with Session.open(ws, "ada", read_only=True) as s:
        store = s.store
        state = {
            "events": [(e["event_id"], e["command"], e["outcome"]) for e in store.events()],
            "counts": store.counts(),
            "accounts": store.accounts(),
            "tokens": store.tokens(),
            "judgements": store.all_judgements(),
            "sources": store.sources(),
            "shared": {n: store.shared_file(n) for n in store.shared_file_names()},
        }
    state["files"] = {p.name: p.read_bytes() for p in sorted(ws.iterdir()) if p.is_file()
                      and p.suffix in (".yaml", ".toml", ".csv")}  # fmt: skip
    return state


#: Each write command (as a user types it) and the action it asks permission for.
#: ``{root}`` is the folder of the input files, ``{token}`` the actor's own API token.
WRITES: list[tuple[str, list[str]]] = [
    ("ingest", ["ingest", "{root}/more.csv", "--kind", "news"]),
    ("normalize", ["normalize", "--rebuild"]),
    ("link", ["link"]),
    ("load-clusters", ["load-clusters", "{root}/clusters.csv"]),
    ("judge", ["judgements", "add", "obits:r1", "posts:r1", "same"]),
    ("withdraw-judgement", ["judgements", "withdraw", "1"]),
    ("import-judgements", ["judgements", "import", "{root}/judgements.csv"]),
    ("set-source-group", ["sources", "--group", "posts=social-media"]),
    ("set-source-kind", ["sources", "--kind", "posts=news"]),
    ("put-shared-file", ["files", "--sync"]),
    ("confirm-unit-alias", ["unit-aliases", "--confirm", "omsbr:25", "omsbr:26"]),
    ("user-add", ["user", "add", "newcomer", "--role", "reviewer", "--password-stdin"]),
    ("user-remove", ["user", "remove", "otto"]),
    ("user-role", ["user", "role", "otto", "editor"]),
    ("user-passwd", ["user", "passwd", "otto", "--password-stdin"]),
    ("passwd", ["user", "passwd", "--password-stdin"]),
    ("token-create", ["token", "create", "--label", "backup"]),
    ("token-revoke", ["token", "revoke", "{token}"]),
    ("set-publication-rule", ["publication", "set", "--min-grade", "confirmed"]),
    (
        "testimony-add",
        [
            "testimony",
            "add",
            "{root}/account.txt",
            "--kind",
            "media_report",
            "--source",
            "gazette",
            "--language",
            "ru",
        ],
    ),
    ("testimony-passage", ["testimony", "passage", "T-1", "0:5", "--level", "public"]),
    ("view-testimony-protected", ["testimony", "show", "T-1", "--protected"]),
    (
        "view-testimony-original",
        ["testimony", "original", "T-1", "--out", "{root}/original.txt", "--force"],
    ),
    ("incident-add", ["incident", "add", "--type", "torture", "--from", "2024-03"]),
    ("incident-edit", ["incident", "edit", "I-1", "--summary", "held in a basement"]),
    ("incident-link", ["incident", "link", "I-1", "T-1", "--passage", "0:7"]),
    (
        "incident-involve",
        ["incident", "involve", "I-1", "--role", "perpetrator", "--unit", "25 ОМСБр"],
    ),
    ("incident-type-add", ["incident", "type-add", "cage_confinement", "confinement in a cage"]),
    ("place-add", ["places", "add", "Горелая Балка"]),
    ("place-alias", ["places", "alias", "PL-1", "Tikhaya Zavod"]),
    ("publish", ["publish", "--out", "{root}/site"]),
    ("set-source-confidential", ["sources", "confidential", "posts"]),
    (
        "export-protected",
        ["export", "records", "--out", "{root}/records.csv", "--force", "--protected"],
    ),
]


def allowed(actor: str, action: str) -> bool:
    """What the matrix expects: an account whose role reaches the action's least role."""
    role = TEAM.get(actor)
    return role is not None and role_rank(role) >= role_rank(ACTIONS[action].role)


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(("action", "command"), WRITES, ids=[a for a, _ in WRITES])
def test_every_write_command_obeys_the_actors_role(
    team_root: Path, team_ws: Path, run: Run, actor: str, action: str, command: list[str]
) -> None:
    tokens = json.loads((team_root / "tokens.json").read_text())
    own_token = tokens.get(actor, tokens["ada"])  # ghost has none: it tries ada's
    args = [a.format(root=team_root, token=own_token) for a in command]
    before = snapshot(team_ws)
    code, _, err = run("-w", str(team_ws), "--as", actor, *args,
                       stdin="a brand new password\n")  # fmt: skip
    if allowed(actor, action):
        assert code == 0, err
        assert snapshot(team_ws)["events"] != before["events"]  # it did something
        return
    lines = err.splitlines()
    assert code == 2 and len(lines) == 1, err
    assert lines[0].startswith(f"error: {actor} may not "), lines[0]
    if actor == "ghost":
        assert "ghost has no account in this workspace" in lines[0]
    assert snapshot(team_ws) == before  # nothing written, not even a failed event


def test_the_matrix_covers_every_account_and_token_write() -> None:
    covered = {action for action, _ in WRITES}
    accounts = {a for a in ACTIONS if a.startswith(("user-", "token-")) and ACTIONS[a].writes}
    assert accounts | {"passwd"} <= covered
    # the matrix's expectations, spelled out for two commands
    assert [allowed(a, "judge") for a in ACTORS] == [False, True, True, True, False]
    assert [allowed(a, "user-add") for a in ACTORS] == [False, False, False, True, False]


def test_the_first_admin_from_the_command_line(
    ws: Workspace, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("UNACCOUNTED_USER", "somebody")
    w = str(ws.root)
    code, _, err = run("-w", w, "user", "add", "ed", "--role", "editor", "--password-stdin",
                       stdin="editor's password\n")  # fmt: skip
    assert (code, err.strip()) == (
        2, "error: the first account of a workspace must be an admin (--role admin); add the "
        "editor after it",
    )  # fmt: skip
    code, _, err = run("-w", w, "user", "add", "ada", "--role", "admin", "--password-stdin",
                       stdin="short\n")  # fmt: skip
    assert (code, err.strip()) == (2, "error: a password needs at least 10 characters")
    code, _, err = run("-w", w, "user", "add", "ada", "--role", "admin", "--password-stdin",
                       stdin="ada's long password\n")  # fmt: skip
    assert code == 0
    assert err.splitlines()[0] == "added account ada (admin)"
    # from now on somebody (the actor without --as) has no account
    code, _, err = run("-w", w, "status")
    assert code == 2
    assert err.strip().startswith("error: somebody may not see the workspace's counts: "
                                  "somebody has no account in this workspace")  # fmt: skip
    code, out, _ = run("-w", w, "--as", "ada", "user", "list", "--json")
    listed = json.loads(out)
    assert [(u["name"], u["role"], u["created_by"]) for u in listed] == [
        ("ada", "admin", "somebody")
    ]
    assert "password" not in out and "$argon2" not in out


@pytest.mark.filterwarnings("ignore::getpass.GetPassWarning")  # the test runner's stdin
def test_the_password_is_asked_twice_hidden_after_the_permission_check(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(account_cmds, "_interactive", lambda: True)
    runner = CliRunner()
    w = str(ws.root)
    done = runner.invoke(app, ["-w", w, "user", "add", "ada", "--role", "admin"],
                         input="ada's long password\nada's long password\n")  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "new password: " in done.stderr and "the same again: " in done.stderr
    assert "ada's long password" not in done.output  # hidden input is not echoed
    differ = runner.invoke(app, ["-w", w, "--as", "ada", "user", "passwd"],
                           input="one long password\nanother password\n")  # fmt: skip
    assert isinstance(differ.exception, InputError)  # main() prints it in one line, exit 2
    assert str(differ.exception) == "the two passwords differ; nothing was changed"
    with Session.open(ws.root, "ada") as s:
        accounts_service.add_user(s, "vera", "viewer", "vera's long password")
    # vera is refused before any password is asked for
    refused = runner.invoke(app, ["-w", w, "--as", "vera", "user", "add", "eve"], input="x\n")
    assert isinstance(refused.exception, PermissionDenied)
    assert "password" not in refused.stderr


def test_without_a_terminal_the_password_comes_from_stdin(team_ws: Path, run: Run) -> None:
    code, _, err = run("-w", str(team_ws), "--as", "ada", "user", "passwd", "otto")
    assert (code, err.strip()) == (
        2, "error: no terminal to ask for the password on; pass --password-stdin"
    )  # fmt: skip


def test_a_token_is_printed_once_and_listed_without_its_secret(team_ws: Path, run: Run) -> None:
    w = str(team_ws)
    code, out, err = run("-w", w, "--as", "vera", "token", "create", "--label", "nightly")
    assert code == 0
    token = out.strip()
    assert token.startswith("ua_6_") and len(token) == len("ua_6_") + 64  # five made before
    assert err.strip() == ("API token 6 for vera: this is the only time it is shown; revoke "
                           "it with 'unaccounted token revoke 6'")  # fmt: skip
    code, out, _ = run("-w", w, "--as", "vera", "token", "list", "--json")
    listed = json.loads(out)
    assert [(t["id"], t["account"], t["label"], t["revoked"]) for t in listed] == [
        (4, "vera", "script", None), (6, "vera", "nightly", None),
    ]  # fmt: skip
    assert token[5:] not in out
    code, out, _ = run("-w", w, "--as", "ada", "token", "list", "--json")
    assert [t["account"] for t in json.loads(out)] == ["ada", "ed", "rita", "vera", "otto",
                                                       "vera"]  # fmt: skip
    code, _, err = run("-w", w, "--as", "vera", "token", "revoke", "6")
    assert (code, err.strip()) == (0, "API token 6 of vera revoked")
    with Session.open(team_ws, "ada") as s:
        assert accounts_service.account_for_token(s, token) is None


def test_account_commands_say_what_they_did(team_ws: Path, run: Run) -> None:
    w = str(team_ws)
    as_ada = ("-w", w, "--as", "ada")
    assert (
        run(*as_ada, "user", "role", "otto", "editor")[2].strip() == "otto: role viewer -> editor"
    )
    assert run(*as_ada, "user", "passwd", "otto", "--password-stdin",
               stdin="otto's new password\n")[2].strip() == "password of otto changed"  # fmt: skip
    code, _, err = run(*as_ada, "user", "remove", "otto")
    assert (code, err.strip()) == (0, "removed account otto; its API tokens are revoked")
    code, _, err = run(*as_ada, "user", "remove", "ada")
    assert (code, err.strip()) == (
        2, "error: ada is the workspace's last admin and cannot be removed; make another "
        "account an admin first",
    )  # fmt: skip
    code, out, _ = run(*as_ada, "user", "list")
    assert code == 0 and "rita" in out and "reviewer" in out and "otto" not in out
