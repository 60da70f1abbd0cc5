"""Sessions end on the server: logout, password change and deactivation revoke every session
and token of the user; sessions expire; failed logins back off per account; the password policy."""

from __future__ import annotations

import io
import time

import pytest
from sqlalchemy import select

from faqbot.web.core import logins
from faqbot.web.core.cli import read_password
from faqbot.web.core.db import session_scope
from faqbot.web.core.passwords import WeakPassword, check_password
from faqbot.web.core.tables import LoginThrottle, User

from ..support import PASSWORD, csrf_token_from

STRONG = "violet ocelot parade"
TWICE = f"{STRONG}\n{STRONG}\n"


def _copied_cookie(client):
    return client.get_cookie("session").value


def _login_page_post(client, email, password):
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token})


def test_logout_revokes_a_cookie_copied_before_it(app, client, auth):
    auth.login()
    stolen = _copied_cookie(client)
    other = app.test_client()  # another browser logged in as the same user
    assert _login_page_post(other, "staff@example.com", PASSWORD).status_code == 302
    client.post("/logout", data={"csrf_token": auth.page_csrf("/inbox/")})
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert thief.get("/inbox/").status_code == 302
    assert other.get("/inbox/").status_code == 302  # every session of that user ended
    assert _login_page_post(thief, "staff@example.com", PASSWORD).status_code == 302
    assert thief.get("/inbox/").status_code == 200  # logging in again works


def test_deactivation_and_password_change_end_sessions_and_tokens(app, client, auth, runner):
    auth.login()
    headers = auth.headers("staff", email="bot@example.com")
    assert client.get("/api/v1/staff/tickets", headers=headers).status_code == 200
    code, out, err = runner.invoke(
        "users", "passwd", "--email", "staff@example.com", stdin=f"{STRONG}\n{STRONG}\n"
    )
    assert code == 0, err
    assert client.get("/inbox/").status_code == 302
    assert _login_page_post(client, "staff@example.com", STRONG).status_code == 302
    code, out, err = runner.invoke("users", "deactivate", "--email", "bot@example.com")
    assert code == 0 and "1 token(s) revoked" in out, err
    assert client.get("/api/v1/staff/tickets", headers=headers).status_code == 401
    runner.invoke("users", "deactivate", "--email", "staff@example.com")
    assert client.get("/inbox/").status_code == 302
    assert _login_page_post(client, "staff@example.com", STRONG).status_code == 401


@pytest.mark.sqlite_only
def test_sessions_expire_after_the_lifetime_even_when_refreshed(app, client, auth, monkeypatch):
    assert app.permanent_session_lifetime.total_seconds() == 12 * 3600
    auth.login()
    assert client.get("/inbox/").status_code == 200
    later = time.time() + 12 * 3600 + 5
    monkeypatch.setattr("faqbot.web.core.security.time.time", lambda: later)
    assert client.get("/inbox/").status_code == 302


def test_failed_logins_back_off_per_account(app, client, auth):
    app.config["RATELIMIT_LOGIN"] = "100 per minute"  # the per-address limit is not under test
    auth.create_user("target@example.com", "staff")
    for _ in range(logins.FREE_FAILURES):
        assert _login_page_post(client, "Target@example.com", "wrong").status_code == 401
    refused = _login_page_post(client, "target@example.com", PASSWORD)  # even the right one
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= logins.BASE_DELAY
    assert "Too many failed logins" in refused.get_data(as_text=True)
    assert _login_page_post(client, "other@example.com", "wrong").status_code == 401  # others unaffected
    with session_scope(app) as session:
        row = session.get(LoginThrottle, "target@example.com")
        assert row.failures == logins.FREE_FAILURES
        row.locked_until = None  # the delay has passed
    assert _login_page_post(client, "target@example.com", PASSWORD).status_code == 302
    with session_scope(app) as session:
        assert session.get(LoginThrottle, "target@example.com") is None


def test_back_off_doubles_and_is_capped():
    assert [logins.delay_after(n) for n in (0, 4, 5, 6, 7)] == [0, 0, 30, 60, 120]
    assert logins.delay_after(50) == logins.MAX_DELAY


@pytest.mark.parametrize(
    "weak", ["password", "aaaaaaaaaaaa", " " * 12, "Password123!", "qwertyuiop", "staff@example.com1"]
)
def test_the_password_policy_refuses_common_and_trivial_passwords(weak):
    with pytest.raises(WeakPassword):
        check_password(weak, ["staff@example.com"])


def test_the_password_policy_explains_and_accepts_strong_passwords():
    with pytest.raises(WeakPassword, match="at least 10 characters"):
        check_password("Xk9#pL2!")
    with pytest.raises(WeakPassword, match="commonly used password"):
        check_password("Password123!")
    check_password(STRONG)
    check_password("tr0ub4dor&3xk9z")


class _Pipe(io.StringIO):
    def isatty(self) -> bool:
        return False


def test_read_password_reads_both_lines_from_a_pipe():
    assert read_password(_Pipe(f"{STRONG}\n{STRONG}\n")) == STRONG
    assert read_password(_Pipe(f"{STRONG}\n")) == STRONG  # once, for scripts
    with pytest.raises(ValueError, match="differ"):
        read_password(_Pipe(f"{STRONG}\n{STRONG}x\n"))
    with pytest.raises(ValueError, match="no password"):
        read_password(_Pipe(""))


def test_users_and_tokens_commands(app, runner):
    assert runner.invoke("users", "create", "--email", "a@example.com", stdin=f"{STRONG}\n")[0] == 0
    code, _, err = runner.invoke(
        "users", "create", "--email", "b@example.com", stdin=f"{STRONG}\nother thing\n"
    )
    assert code == 2 and "differ" in err
    code, _, err = runner.invoke("users", "passwd", "--email", "a@example.com", stdin="password\n")
    assert code == 2 and "at least 10" in err
    assert runner.invoke("users", "role", "--email", "a@example.com", "--role", "admin")[0] == 0
    code, out, _ = runner.invoke("users", "list")
    assert code == 0 and "a@example.com\tadmin\tactive" in out
    token = runner.invoke("tokens", "create", "--email", "a@example.com")[1].strip()
    runner.invoke("tokens", "create", "--email", "a@example.com")
    code, out, _ = runner.invoke("tokens", "list", "--email", "a@example.com")
    lines = out.splitlines()
    assert code == 0 and len(lines) == 2 and token not in out and "never used" in out
    first_id = lines[0].split("\t")[0]
    assert runner.invoke("tokens", "revoke", "--id", first_id)[0] == 0
    assert runner.invoke("tokens", "revoke", "--id", first_id)[0] == 1
    assert "revoked 1 token(s)" in runner.invoke("tokens", "revoke", "--email", "a@example.com")[1]
    assert runner.invoke("users", "deactivate", "--email", "ghost@example.com")[0] == 1
    assert runner.invoke("users", "deactivate", "--email", "a@example.com")[0] == 0
    assert "a@example.com\tadmin\tdeactivated" in runner.invoke("users", "list")[1]
    assert runner.invoke("tokens", "create", "--email", "a@example.com")[0] == 1
    with session_scope(app) as session:
        assert session.scalar(select(User.session_epoch).where(User.email == "a@example.com")) >= 2
