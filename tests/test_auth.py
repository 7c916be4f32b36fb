"""Sign-in, accounts, sessions, the command line, the audit trail and province scope of imports/undos.

Fast (no browser, no Streamlit): every test has its own temporary SQLite store (the ``engine`` fixture of
``conftest.py``, also the default store through ``TDN_DATABASE_URL``).
"""
from __future__ import annotations

import hashlib
import io
import os
import stat
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from geo.auth import accounts, audit, sessions
from geo.auth.accounts import AuthError
from geo.data import importer, store
from geo.data import schema as S
from geo.i18n.auth import ta
from tests.db_support import store_bytes

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "Mat-khau-dung-2026"
ADDRESS = "198.51.100.7"

#: a cases CSV as the import tests write it (English headers, one row a line)
CASES_HEAD = ("Case ID,Record type,Date,Place era,Province,District,Form of exploitation,Cases,Victims,"
              "Reporting agency,Source")
NGHE_AN_ROW = "NA-{n},case,2024-02-{d:02d},pre2025,Nghệ An,Kỳ Sơn,labour,1,2,police,auth test"
LAO_CAI_ROW = "LC-{n},case,2024-03-{d:02d},pre2025,Lào Cai,Si Ma Cai,sexual,1,3,border guard,auth test"


def cases_csv(*rows: str) -> bytes:
    return ("\n".join([CASES_HEAD, *rows]) + "\n").encode("utf-8")


def user_row(engine, username: str):
    with engine.connect() as conn:
        return conn.execute(select(S.users).where(S.users.c.username == username)).first()


def audit_lines(engine, action: str | None = None):
    return audit.entries(limit=1000, action=action, engine=engine)


def case_count(engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(S.cases)).scalar())


@pytest.fixture()
def alice(engine):
    user, temp = accounts.add_user("Alice", "analyst", "40", display_name="Alice N.", password=PASSWORD,
                                   by="admin-x", address=ADDRESS, engine=engine)
    assert temp is None
    return user


# --------------------------------------------------------------------------------------------------
# Accounts and passwords
# --------------------------------------------------------------------------------------------------
def test_only_an_argon2id_hash_is_stored(engine, alice, tmp_path):
    assert (alice.username, alice.role, alice.provinces) == ("alice", "analyst", ("40",))
    row = user_row(engine, "alice")
    assert row.password_hash.startswith("$argon2id$")
    assert PASSWORD not in row.password_hash
    store.dispose_engines()
    raw = store_bytes(engine, tmp_path / "test.sqlite")  # the file, or every row on PostgreSQL
    assert PASSWORD.encode() not in raw, "the password itself is in the store file"


def test_right_password_signs_in_and_is_audited(engine, alice):
    user = accounts.authenticate("ALICE ", PASSWORD, address=ADDRESS, engine=engine)
    assert user.username == "alice" and user.role == "analyst" and user.provinces == ("40",)
    line = audit_lines(engine, "sign_in").iloc[0]
    assert (line.username, line.outcome, line.address) == ("alice", "ok", ADDRESS)
    assert line.at is not None


def test_wrong_password_and_unknown_user_get_the_same_answer(engine, alice):
    with pytest.raises(AuthError) as wrong:
        accounts.authenticate("alice", "not-the-password", address=ADDRESS, engine=engine)
    with pytest.raises(AuthError) as unknown:
        accounts.authenticate("nobody-here", "not-the-password", address=ADDRESS, engine=engine)
    assert wrong.value.code == unknown.value.code == "bad_credentials"
    assert wrong.value.info == unknown.value.info == {}
    for lang in ("vi", "en"):
        assert ta(wrong.value.code, lang, **wrong.value.info) == ta(unknown.value.code, lang, **unknown.value.info)
    failed = audit_lines(engine, "sign_in_failed")
    assert set(failed["username"]) == {"alice", "nobody-here"}
    assert set(failed["outcome"]) == {"refused"} and set(failed["address"]) == {ADDRESS}


def test_lock_out_after_five_failures_grows_and_a_reset_unlocks(engine, alice):
    for attempt in range(accounts.FREE_ATTEMPTS):
        with pytest.raises(AuthError) as exc:
            accounts.authenticate("alice", f"wrong-{attempt}", engine=engine)
        assert exc.value.code == "bad_credentials"
    row = user_row(engine, "alice")
    assert row.failed_attempts == 5 and row.locked_until is not None
    first_lock = row.locked_until - accounts._now()
    assert timedelta(seconds=50) < first_lock <= timedelta(minutes=1)
    # while locked, even the right password is refused
    with pytest.raises(AuthError) as exc:
        accounts.authenticate("alice", PASSWORD, engine=engine)
    assert exc.value.code == "locked" and exc.value.info["minutes"] >= 1
    # the lock ran out; one more failure locks for longer (2 minutes, then 4)
    for failures, minutes in ((6, 2), (7, 4)):
        with engine.begin() as conn:
            conn.execute(update(S.users).where(S.users.c.username == "alice")
                         .values(locked_until=accounts._now() - timedelta(seconds=1)))
        with pytest.raises(AuthError):
            accounts.authenticate("alice", "wrong-again", engine=engine)
        row = user_row(engine, "alice")
        lock = row.locked_until - accounts._now()
        assert row.failed_attempts == failures
        assert timedelta(minutes=minutes) - timedelta(seconds=10) < lock <= timedelta(minutes=minutes)
    # an administrator's reset unlocks; the temporary password must be changed
    temp = accounts.reset_password("alice", by="admin-x", address=ADDRESS, engine=engine)
    row = user_row(engine, "alice")
    assert row.failed_attempts == 0 and row.locked_until is None
    user = accounts.authenticate("alice", temp, engine=engine)
    assert user.must_change_password
    reset = audit_lines(engine, "password_reset").iloc[0]
    assert (reset.username, reset.detail, reset.address) == ("admin-x", "alice", ADDRESS)


def test_a_success_clears_the_failure_count(engine, alice):
    for _ in range(3):
        with pytest.raises(AuthError):
            accounts.authenticate("alice", "wrong", engine=engine)
    accounts.authenticate("alice", PASSWORD, engine=engine)
    assert user_row(engine, "alice").failed_attempts == 0


def test_a_disabled_account_cannot_sign_in_and_its_sessions_end(engine, alice):
    cookie, _ = sessions.create(alice, ADDRESS, engine=engine)
    assert sessions.user_for_cookie(cookie, engine=engine).username == "alice"
    accounts.set_disabled("alice", True, by="admin-x", address=ADDRESS, engine=engine)
    assert sessions.user_for_cookie(cookie, engine=engine) is None
    with pytest.raises(AuthError) as exc:
        accounts.authenticate("alice", PASSWORD, engine=engine)
    assert exc.value.code == "bad_credentials"
    assert accounts.get_user("alice", engine) is None
    line = audit_lines(engine, "user_disable").iloc[0]
    assert (line.username, line.detail, line.address) == ("admin-x", "alice", ADDRESS)
    # enabled again: the old cookie stays dead, a new sign-in works
    accounts.set_disabled("alice", False, by="admin-x", engine=engine)
    assert sessions.user_for_cookie(cookie, engine=engine) is None
    assert accounts.authenticate("alice", PASSWORD, engine=engine).username == "alice"


def test_a_temporary_password_must_be_changed(engine):
    user, temp = accounts.add_user("bob", "viewer", engine=engine)
    assert temp and len(temp) >= 12 and user.must_change_password
    assert accounts.authenticate("bob", temp, engine=engine).must_change_password
    accounts.change_password("bob", temp, "Bob-moi-mat-khau-9", engine=engine)
    assert not accounts.authenticate("bob", "Bob-moi-mat-khau-9", engine=engine).must_change_password
    with pytest.raises(AuthError):
        accounts.authenticate("bob", temp, engine=engine)


def test_change_password_refuses_a_wrong_old_password_and_changes_nothing(engine, alice):
    before = user_row(engine, "alice").password_hash
    with pytest.raises(AuthError) as exc:
        accounts.change_password("alice", "not-my-password", "Hoan-toan-moi-123", address=ADDRESS, engine=engine)
    assert exc.value.code == "wrong_old_password"
    assert user_row(engine, "alice").password_hash == before
    line = audit_lines(engine, "password_change").iloc[0]
    assert (line.username, line.outcome, line.address) == ("alice", "refused", ADDRESS)
    for weak, code in (("short", "password_short"), ("aaaaaaaaaaaa", "password_weak"), (PASSWORD, "password_same")):
        with pytest.raises(AuthError) as exc:
            accounts.change_password("alice", PASSWORD, weak, engine=engine)
        assert exc.value.code == code
    assert user_row(engine, "alice").password_hash == before
    assert accounts.authenticate("alice", PASSWORD, engine=engine)


def test_account_changes_are_audited_with_who_and_where(engine, alice):
    accounts.set_role("alice", "data_manager", by="admin-x", address=ADDRESS, engine=engine)
    accounts.set_scope("alice", "40,Lào Cai", by="admin-x", address=ADDRESS, engine=engine)
    assert accounts.get_user("alice", engine).provinces == ("10", "40")
    added = audit_lines(engine, "user_add").iloc[0]
    assert (added.username, added.address) == ("admin-x", ADDRESS)
    assert "alice" in added.detail and "analyst" in added.detail and "40" in added.detail
    changes = audit_lines(engine, "user_change")
    assert list(changes["username"]) == ["admin-x", "admin-x"]
    assert "role=data_manager" in changes["detail"].iloc[1] and "provinces=10,40" in changes["detail"].iloc[0]
    with pytest.raises(AuthError) as exc:
        accounts.set_role("alice", "superuser", engine=engine)
    assert exc.value.code == "bad_role"
    with pytest.raises(AuthError) as exc:
        accounts.add_user("alice", "viewer", password=PASSWORD, engine=engine)
    assert exc.value.code == "user_exists"


# --------------------------------------------------------------------------------------------------
# Sessions
# --------------------------------------------------------------------------------------------------
def test_session_cookie_is_signed_and_the_store_keeps_only_its_hash(engine, alice, tmp_path):
    cookie, max_age = sessions.create(alice, ADDRESS, engine=engine)
    assert max_age == 12 * 3600
    token, signature = cookie.rsplit(".", 1)
    found = sessions.lookup(cookie, engine=engine)
    assert found is not None and found[0].username == "alice" and found[1] == ADDRESS
    # tampered signature, tampered token, a well-signed unknown token, rubbish
    flipped = signature[:-1] + ("0" if signature[-1] != "0" else "1")
    assert sessions.lookup(f"{token}.{flipped}", engine=engine) is None
    assert sessions.lookup(f"{token[:-1]}x.{signature}", engine=engine) is None
    unknown = "A" * len(token)
    assert sessions.lookup(f"{unknown}.{sessions._sign(unknown, engine)}", engine=engine) is None
    for junk in (None, "", "no-dot", "." * 300, token):
        assert sessions.lookup(junk, engine=engine) is None
    # only the SHA-256 of the token is stored, never the token
    with engine.connect() as conn:
        ids = [r.id for r in conn.execute(select(S.user_sessions)).fetchall()]
    assert ids == [hashlib.sha256(token.encode()).hexdigest()]
    store.dispose_engines()
    raw = store_bytes(engine, tmp_path / "test.sqlite")  # the file, or every row on PostgreSQL
    assert token.encode() not in raw and cookie.encode() not in raw


def test_session_expiry(engine, alice, monkeypatch):
    monkeypatch.setenv("TDN_SESSION_HOURS", "0.5")
    cookie, max_age = sessions.create(alice, engine=engine)
    assert max_age == 1800
    with engine.connect() as conn:
        row = conn.execute(select(S.user_sessions)).first()
    assert timedelta(minutes=29) < row.expires_at - row.created_at <= timedelta(minutes=30)
    assert sessions.user_for_cookie(cookie, engine=engine) is not None
    with engine.begin() as conn:
        conn.execute(update(S.user_sessions).values(expires_at=accounts._now() - timedelta(seconds=1)))
    assert sessions.user_for_cookie(cookie, engine=engine) is None


def test_revoke_ends_one_session_and_a_reset_ends_them_all(engine, alice):
    first, _ = sessions.create(alice, engine=engine)
    second, _ = sessions.create(alice, engine=engine)
    sessions.revoke(first, engine=engine)
    assert sessions.user_for_cookie(first, engine=engine) is None
    assert sessions.user_for_cookie(second, engine=engine) is not None
    accounts.reset_password("alice", by="admin-x", engine=engine)
    assert sessions.user_for_cookie(second, engine=engine) is None


def test_a_role_change_applies_to_open_sessions(engine, alice):
    cookie, _ = sessions.create(alice, engine=engine)
    accounts.set_role("alice", "viewer", by="admin-x", engine=engine)
    assert sessions.user_for_cookie(cookie, engine=engine).role == "viewer"


# --------------------------------------------------------------------------------------------------
# The command line
# --------------------------------------------------------------------------------------------------
def users_cli(url: str, *args: str, process: bool = False) -> subprocess.CompletedProcess:
    """``python -m geo users ARGS`` on the store at ``url``: in a new process when ``process`` (the real command
    line: interpreter start, ``geo.__main__``, the exit code), otherwise through the same dispatcher
    (``geo.__main__.main``) in this process, its output and exit code captured alike. A new process imports
    pandas and SQLAlchemy again (seconds each): the test runs the real command line for its first and its
    failing step, and the steps between in-process."""
    if process:
        return subprocess.run([sys.executable, "-m", "geo", "users", *args], capture_output=True, text=True,
                              cwd=ROOT, env={**os.environ, "TDN_DATABASE_URL": url}, timeout=180)
    from contextlib import redirect_stderr, redirect_stdout

    from geo.__main__ import main

    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as patch, redirect_stdout(out), redirect_stderr(err):
        patch.setenv("TDN_DATABASE_URL", url)
        try:
            code = main(["users", *args])
        except SystemExit as exc:  # argparse's usage errors, as the process would exit
            code = exc.code if isinstance(exc.code, int) else 1
    return subprocess.CompletedProcess(["python", "-m", "geo", "users", *args], code, out.getvalue(), err.getvalue())


def test_users_command_line(engine):
    url = str(engine.url)
    done = users_cli(url, "add", "Cuong", "--role", "data_manager", "--provinces", "Nghệ An", "--name", "Cường",
                     process=True)
    assert done.returncode == 0, done.stderr
    assert "added cuong (data_manager; provinces: 40)" in done.stdout
    temp = done.stdout.split("first sign-in): ")[1].split()[0]
    assert accounts.authenticate("cuong", temp, engine=engine).must_change_password
    assert users_cli(url, "role", "cuong", "analyst").returncode == 0
    done = users_cli(url, "scope", "cuong", "40,10")
    assert done.returncode == 0 and "provinces 10,40" in done.stdout
    assert accounts.get_user("cuong", engine).role == "analyst"
    assert accounts.get_user("cuong", engine).provinces == ("10", "40")
    done = users_cli(url, "reset-password", "cuong")
    assert done.returncode == 0
    new_temp = done.stdout.strip().split()[-1]
    assert new_temp != temp and accounts.authenticate("cuong", new_temp, engine=engine).must_change_password
    listing = users_cli(url, "list")
    assert listing.returncode == 0 and "cuong" in listing.stdout and "analyst" in listing.stdout
    assert new_temp not in listing.stdout and "argon2" not in listing.stdout
    assert users_cli(url, "disable", "cuong").returncode == 0
    with pytest.raises(AuthError):
        accounts.authenticate("cuong", new_temp, engine=engine)
    # mistakes: a clear message and exit code 2, nothing changed
    bad = users_cli(url, "scope", "cuong", "Atlantis", process=True)
    assert bad.returncode == 2 and "error:" in bad.stderr
    assert users_cli(url, "add", "cuong").returncode == 2
    # every step is in the audit trail, by the operating-system user who ran the command
    trail = audit_lines(engine)
    steps = list(reversed(trail["action"].tolist()))
    assert [s for s in steps if s in ("user_add", "user_change", "password_reset", "user_disable")] == \
        ["user_add", "user_change", "user_change", "password_reset", "user_disable"]
    by = set(trail[trail["action"].isin(["user_add", "user_change", "password_reset", "user_disable"])]["username"])
    assert len(by) == 1 and by.pop().startswith("cli")


def test_bootstrap_makes_the_first_administrator_once(engine, tmp_path, monkeypatch):
    from geo.auth import cli

    project_file = cli.first_signin_path()
    before = project_file.stat().st_mtime_ns if project_file.exists() else None
    target = tmp_path / "FIRST_SIGNIN.txt"
    monkeypatch.setattr(cli, "first_signin_path", lambda: target)
    assert cli.main(["bootstrap", "--port", "8599"]) == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    text = target.read_text(encoding="utf-8")
    temp = text.split("one-time password: ")[1].split()[0]
    admin = accounts.authenticate("admin", temp, engine=engine)
    assert admin.role == "admin" and admin.must_change_password
    assert audit_lines(engine, "user_add").iloc[0].username == "setup"
    # a second run changes nothing while the password is still the one-time one
    assert cli.main(["bootstrap"]) == 0
    assert accounts.count_users(engine) == 1 and target.read_text(encoding="utf-8") == text
    # once the administrator has chosen a password, the one-time file is removed
    accounts.change_password("admin", temp, "Quan-tri-vien-2026", engine=engine)
    assert cli.main(["bootstrap"]) == 0
    assert not target.exists()
    after = project_file.stat().st_mtime_ns if project_file.exists() else None
    assert after == before, "the test touched the project's data/FIRST_SIGNIN.txt"


# --------------------------------------------------------------------------------------------------
# Imports and undos within a province scope
# --------------------------------------------------------------------------------------------------
def test_an_import_with_a_row_outside_the_scope_is_refused_and_changes_nothing(engine, reg):
    good = importer.import_file(cases_csv(*(NGHE_AN_ROW.format(n=i, d=i + 1) for i in range(3))), "na.csv",
                                user="na-manager", scope=("40",), address=ADDRESS, engine=engine, reg=reg)
    assert good.status == "imported", good.to_text("en")
    version, rows = store.data_version(engine), case_count(engine)
    mixed = cases_csv(NGHE_AN_ROW.format(n=10, d=10), LAO_CAI_ROW.format(n=11, d=11))
    report = importer.import_file(mixed, "mixed.csv", user="na-manager", scope=("40",), address=ADDRESS,
                                  engine=engine, reg=reg)
    assert report.status == "invalid" and report.import_id is None
    issues = [e for e in report.errors if e.code == "out_of_scope"]
    assert len(issues) == 1, [(e.code, e.reason_en) for e in report.errors]
    issue = issues[0]
    assert issue.file == "mixed.csv"
    assert issue.row == 3  # the second data row, after the header line
    assert issue.column == "Province"
    assert "Lào Cai" in str(issue.value)
    assert "Nghệ An" in issue.reason_vi and "Nghệ An" in issue.reason_en
    assert store.data_version(engine) == version and case_count(engine) == rows
    # the same file from a national data manager goes in
    assert importer.import_file(mixed, "mixed.csv", user="national", engine=engine, reg=reg).status == "imported"
    ok = audit_lines(engine, "import")
    assert ok["username"].tolist() == ["national", "na-manager"]
    assert "na.csv" in ok["detail"].iloc[1] and ok["address"].iloc[1] == ADDRESS
    rejected = audit_lines(engine, "import_rejected").iloc[0]
    assert (rejected.username, rejected.outcome, rejected.address) == ("na-manager", "refused", ADDRESS)
    assert "mixed.csv" in rejected.detail and "row 3" in rejected.detail and "out_of_scope" in rejected.detail


def test_a_manager_cannot_undo_an_import_of_another_province(engine, reg):
    lao_cai = importer.import_file(cases_csv(LAO_CAI_ROW.format(n=1, d=1), LAO_CAI_ROW.format(n=2, d=2)), "lc.csv",
                                   user="lc-manager", scope=("10",), engine=engine, reg=reg)
    assert lao_cai.status == "imported", lao_cai.to_text("en")
    version, rows = store.data_version(engine), case_count(engine)
    result = importer.undo_import(lao_cai.import_id, user="na-manager", scope=("40",), address=ADDRESS, engine=engine)
    assert not result.ok and result.rows_removed == 0
    assert "Nghệ An" in result.message("vi") and "outside your scope" in result.message("en")
    assert store.data_version(engine) == version and case_count(engine) == rows == 2
    refused = audit_lines(engine, "undo_refused").iloc[0]
    assert (refused.username, refused.outcome, refused.address) == ("na-manager", "refused", ADDRESS)
    assert f"#{lao_cai.import_id}" in refused.detail
    # a manager of the province may undo it
    result = importer.undo_import(lao_cai.import_id, user="lc-manager", scope=("10",), address=ADDRESS, engine=engine)
    assert result.ok and result.rows_removed == 2 and case_count(engine) == 0
    done = audit_lines(engine, "undo").iloc[0]
    assert (done.username, done.outcome, done.address) == ("lc-manager", "ok", ADDRESS)


def test_a_row_placed_only_in_a_merged_2025_province_is_outside_a_one_province_scope(engine, reg):
    # Xã Lục Yên was in Yên Bái before 2025; since 1 July 2025 it is in the new Tỉnh Lào Cai
    row = "LC25-1,case,2025-08-01,2025,Lào Cai,,sexual,1,2,police,auth test"
    data = ("Case ID,Record type,Date,Place era,Province,Commune,Form of exploitation,Cases,Victims,"
            "Reporting agency,Source\n" + row.replace("Lào Cai,,", "Lào Cai,Lục Yên,") + "\n").encode()
    report = importer.import_file(data, "lc2025.csv", user="lc-manager", scope=("10",), engine=engine, reg=reg)
    assert report.status == "invalid", "a Lào Cai (pre-2025) manager imported a row of former Yên Bái"
    assert any(e.code == "out_of_scope" for e in report.errors)
