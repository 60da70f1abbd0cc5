"""The web subcommands of ``faqbot``: users create, tokens create, models."""

from __future__ import annotations

from sqlalchemy import select

from faqbot.web.core.db import session_scope
from faqbot.web.core.security import hash_token
from faqbot.web.core.tables import ApiToken, User

STRONG = "violet ocelot parade\n"  # passes the password policy


def test_users_create_reads_the_password_from_stdin(app, runner):
    code, out, _ = runner.invoke(
        "users",
        "create",
        "--email",
        "Ana@Example.com",
        "--role",
        "admin",
        stdin="a long password\n",
    )
    assert code == 0 and "created admin ana@example.com" in out
    with session_scope(app) as session:
        user = session.scalar(select(User).where(User.email == "ana@example.com"))
        assert user.role == "admin" and "a long password" not in user.password_hash


def test_users_create_refuses_duplicates_weak_passwords_and_bad_emails(runner):
    assert runner.invoke("users", "create", "--email", "b@example.com", stdin=STRONG)[0] == 0
    code, _, err = runner.invoke("users", "create", "--email", "b@example.com", stdin=STRONG)
    assert code == 1 and "already exists" in err
    assert runner.invoke("users", "create", "--email", "c@example.com", stdin="short\n")[0] == 2
    code, _, err = runner.invoke("users", "create", "--email", "c@example.com", stdin="aaaaaaaaaaaa\n")
    assert code == 2 and "too easy to guess" in err and "Repeats" in err
    assert runner.invoke("users", "create", "--email", "nope", stdin=STRONG)[0] == 2


def test_tokens_create_prints_a_token_that_works_and_stores_only_its_hash(app, client, runner):
    runner.invoke("users", "create", "--email", "s@example.com", stdin=STRONG)
    code, out, _ = runner.invoke("tokens", "create", "--email", "s@example.com")
    token = out.strip()
    assert code == 0 and token.startswith("fqb_")
    with session_scope(app) as session:
        stored = session.scalars(select(ApiToken.token_hash)).all()
    assert stored == [hash_token(token)]
    response = client.get("/api/v1/staff/tickets", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200


def test_tokens_create_for_an_unknown_user_fails(runner):
    code, _, err = runner.invoke("tokens", "create", "--email", "ghost@example.com")
    assert code == 1 and "no user" in err


def test_models_list_retrain_and_activate(runner):
    code, out, _ = runner.invoke("models", "list")
    assert code == 0 and out.startswith("* 20000101T000000Z-sample  live")
    code, out, err = runner.invoke("models", "retrain")
    assert code in (0, 3), err  # live, or held back by the gate (tests/web/test_retrain.py)
    new_version = out.split(" is ")[-2].split()[-1]
    listed = runner.invoke("models", "list")[1].splitlines()
    assert "20000101T000000Z-sample" in listed[0] and "adopted" in listed[0]
    state = "live" if code == 0 else "pending"
    assert new_version in listed[1] and f"  {state}" in listed[1] and " cli " in listed[1]
    assert runner.invoke("models", "activate", new_version)[0] == 0
    assert runner.invoke("models", "list")[1].splitlines()[1].startswith(f"* {new_version}  live")
    assert runner.invoke("models", "activate", "20000101T000000Z-sample")[0] == 0
    assert runner.invoke("models", "list")[1].startswith("* 20000101T000000Z-sample")
    assert runner.invoke("models", "activate", "../etc")[0] == 1
