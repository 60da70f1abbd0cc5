"""The inbox as a workspace through the staff API: views and assignment, auto-assignment, tags,
search by words, unread marks, conditional polling, and bulk actions."""

from __future__ import annotations

import pytest

from faqbot.web.core.db import session_scope
from faqbot.web.core.tables import Ticket, User

from .support import agent, open_ticket


@pytest.fixture
def alice(app, auth):
    return agent(app, auth, "alice@example.com")


@pytest.fixture
def bob(app, auth):
    return agent(app, auth, "bob@example.com")


def view(client, who, name: str, **params) -> dict:
    response = client.get("/api/v1/staff/tickets", headers=who.headers, query_string={"view": name, **params})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def ids(listing: dict) -> list[int]:
    return [t["id"] for t in listing["tickets"]]


def test_assign_to_me_puts_the_ticket_in_mine_and_out_of_unassigned(client, alice, bob):
    first, second = open_ticket(client, "first question"), open_ticket(client, "second question")
    assigned = client.post(
        f"/api/v1/staff/tickets/{first['id']}/assign", headers=alice.headers, json={"assignee": "me"}
    )
    assert assigned.status_code == 200
    assert assigned.get_json()["assignee"] == {
        "id": alice.id,
        "name": "alice",
        "email": "alice@example.com",
        "role": "staff",
    }
    assert ids(view(client, alice, "mine")) == [first["id"]]
    assert ids(view(client, alice, "unassigned")) == [second["id"]]
    assert ids(view(client, bob, "mine")) == []
    listing = view(client, alice, "all")
    assert ids(listing) == [first["id"], second["id"]]
    assert listing["views"]["counts"] == {"mine": 1, "unassigned": 1, "all": 2, "closed": 0}

    to_bob = client.post(
        f"/api/v1/staff/tickets/{first['id']}/assign", headers=alice.headers, json={"assignee_id": bob.id}
    )
    assert to_bob.get_json()["assignee"]["id"] == bob.id
    assert ids(view(client, bob, "mine")) == [first["id"]] and ids(view(client, alice, "mine")) == []
    nobody = client.post(
        f"/api/v1/staff/tickets/{first['id']}/assign", headers=bob.headers, json={"assignee_id": None}
    )
    assert nobody.get_json()["assignee"] is None


def test_assignment_refuses_strangers_and_closed_tickets(app, client, alice, bob):
    ticket = open_ticket(client, "a question")
    path = f"/api/v1/staff/tickets/{ticket['id']}/assign"
    with session_scope(app) as session:
        session.get(User, bob.id).active = False
    for body in ({"assignee_id": bob.id}, {"assignee_id": 99999}, {"assignee_id": "1"}, {}):
        response = client.post(path, headers=alice.headers, json=body)
        assert response.status_code == 400, body
        assert response.get_json()["error"]["code"] == "invalid_assignee"
    client.post(
        f"/api/v1/staff/tickets/{ticket['id']}/resolve", headers=alice.headers, json={"action": "dismiss"}
    )
    closed = client.post(path, headers=alice.headers, json={"assignee": "me"})
    assert closed.status_code == 409
    assert ids(view(client, alice, "closed")) == [ticket["id"]]


def test_auto_assignment_takes_turns_among_active_staff(app, client, auth, alice, bob):
    agent(app, auth, "boss@example.com", role="admin")  # admins stay out while there is staff
    app.config["INBOX_AUTO_ASSIGN"] = True
    owners = []
    for n in range(4):
        ticket = open_ticket(client, f"question {n}")
        detail = client.get(f"/api/v1/staff/tickets/{ticket['id']}", headers=alice.headers).get_json()
        owners.append(detail["assignee"]["email"])
    assert owners == ["alice@example.com", "bob@example.com"] * 2
    app.config["INBOX_AUTO_ASSIGN"] = False
    unassigned = open_ticket(client, "question 5")
    assert (
        client.get(f"/api/v1/staff/tickets/{unassigned['id']}", headers=alice.headers).get_json()["assignee"]
        is None
    )


def test_tags_are_normalised_filtered_and_refused_when_odd(client, alice):
    ticket, other = open_ticket(client, "refund please"), open_ticket(client, "hello")
    path = f"/api/v1/staff/tickets/{ticket['id']}/tags"
    tagged = client.put(path, headers=alice.headers, json={"tags": [" Refund ", "#VIP customer", "refund"]})
    assert tagged.status_code == 200
    assert tagged.get_json()["tags"] == ["refund", "vip-customer"]
    assert ids(view(client, alice, "all", tag="refund")) == [ticket["id"]]
    assert other["id"] in ids(view(client, alice, "all"))
    tags = client.get("/api/v1/staff/tags", headers=alice.headers).get_json()["tags"]
    assert {"tag": "refund", "tickets": 1} in tags
    for bad in (["<b>"], ["x" * 41], "not-a-list-but-a-string,<i>", [1]):
        response = client.put(path, headers=alice.headers, json={"tags": bad})
        assert response.status_code == 400, bad
    assert client.get(f"/api/v1/staff/tickets/{ticket['id']}", headers=alice.headers).get_json()["tags"] == [
        "refund",
        "vip-customer",
    ]


def test_search_needs_every_word_somewhere(client, alice):
    lamp = open_ticket(client, "the lamp arrived broken", email="carol@shop.example")
    box = open_ticket(client, "the box is broken")
    client.post(
        f"/api/v1/staff/tickets/{box['id']}/reply",
        headers=alice.headers,
        json={"text": "Sorry about the lamp"},
    )
    assert ids(view(client, alice, "all", q="broken lamp")) == [lamp["id"], box["id"]]  # box: lamp in a reply
    assert ids(view(client, alice, "all", q="lamp arrived")) == [lamp["id"]]
    assert ids(view(client, alice, "all", q="carol")) == [lamp["id"]]
    assert ids(view(client, alice, "all", q=f"#{box['id']}")) == [box["id"]]
    assert ids(view(client, alice, "all", q="broken llama")) == []


def test_unread_until_read_again_after_a_follow_up(client, alice, bob):
    session_id = "visitor-session-1"
    ticket = open_ticket(client, "zxqv blorf quantum llama", session_id=session_id)
    detail = client.get(f"/api/v1/staff/tickets/{ticket['id']}", headers=alice.headers).get_json()
    assert detail["unread"] is True
    assert view(client, alice, "all")["views"]["attention"] == 1
    client.post(f"/api/v1/staff/tickets/{ticket['id']}/read", headers=alice.headers)
    assert view(client, alice, "all")["views"]["unread"]["all"] == 0
    assert view(client, bob, "all")["views"]["unread"]["all"] == 1  # read marks are per person
    # Bob replies (he has read it); the visitor writes again: unread for both.
    client.post(f"/api/v1/staff/tickets/{ticket['id']}/reply", headers=bob.headers, json={"text": "Hello!"})
    assert view(client, bob, "all")["views"]["unread"]["all"] == 0
    client.post("/api/v1/ask", json={"question": "thanks, one more thing", "session_id": session_id})
    assert view(client, alice, "all")["views"]["unread"]["all"] == 1
    assert view(client, bob, "all")["views"]["unread"]["all"] == 1
    client.delete(f"/api/v1/staff/tickets/{ticket['id']}/read", headers=alice.headers)
    summary = client.get("/api/v1/staff/inbox", headers=alice.headers).get_json()
    assert summary["attention"] == 1 and summary["alerts"][0]["id"] == ticket["id"]


def test_lists_and_tickets_answer_304_until_something_changes(client, alice):
    ticket = open_ticket(client, "first")
    listing = client.get("/api/v1/staff/tickets", headers=alice.headers)
    etag = listing.headers["ETag"]
    again = client.get("/api/v1/staff/tickets", headers={**alice.headers, "If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    open_ticket(client, "second")
    changed = client.get("/api/v1/staff/tickets", headers={**alice.headers, "If-None-Match": etag})
    assert changed.status_code == 200 and len(changed.get_json()["tickets"]) == 2

    path = f"/api/v1/staff/tickets/{ticket['id']}"
    first = client.get(path, headers=alice.headers)
    assert (
        client.get(path, headers={**alice.headers, "If-None-Match": first.headers["ETag"]}).status_code == 304
    )
    client.put(f"{path}/tags", headers=alice.headers, json={"tags": ["late"]})
    assert (
        client.get(path, headers={**alice.headers, "If-None-Match": first.headers["ETag"]}).status_code == 200
    )


def test_since_returns_only_newer_messages(client, alice):
    ticket = open_ticket(client, "hello there")
    path = f"/api/v1/staff/tickets/{ticket['id']}"
    client.post(f"{path}/reply", headers=alice.headers, json={"text": "one"})
    first = client.get(path, headers=alice.headers).get_json()
    assert [m["text"] for m in first["messages"]] == ["one"] and first["thread"]
    client.post(f"{path}/reply", headers=alice.headers, json={"text": "two"})
    newer = client.get(
        path, headers=alice.headers, query_string={"since": first["last_message_id"]}
    ).get_json()
    assert [m["text"] for m in newer["messages"]] == ["two"]
    assert newer["messages"][0]["author_name"] == "alice"
    assert client.get(path, headers=alice.headers, query_string={"since": "x"}).status_code == 400


def test_bulk_actions_do_each_ticket_and_say_what_they_skipped(app, client, alice, bob):
    tickets = [open_ticket(client, f"bulk question {n}")["id"] for n in range(3)]
    client.post(
        f"/api/v1/staff/tickets/{tickets[2]}/resolve", headers=alice.headers, json={"action": "dismiss"}
    )

    def bulk(**body):
        return client.post("/api/v1/staff/tickets/bulk", headers=alice.headers, json=body)

    tagged = bulk(action="add_tags", ticket_ids=tickets, tags=["batch"]).get_json()
    assert tagged == {"updated": tickets, "skipped": []}
    assigned = bulk(action="assign", ticket_ids=tickets, assignee_id=bob.id).get_json()
    assert assigned["updated"] == tickets[:2] and assigned["skipped"][0]["id"] == tickets[2]
    assert ids(view(client, bob, "mine")) == tickets[:2]
    dismissed = bulk(action="dismiss", ticket_ids=[tickets[0], tickets[2], 987654]).get_json()
    assert dismissed["updated"] == [tickets[0]]
    assert [s["reason"] for s in dismissed["skipped"]] == ["ticket_closed", "not_found"]
    for body in (
        {"action": "explode", "ticket_ids": tickets},
        {"action": "dismiss", "ticket_ids": []},
        {"action": "dismiss", "ticket_ids": ["1"]},
        {"action": "assign", "ticket_ids": tickets, "assignee_id": 424242},
        {"action": "add_tags", "ticket_ids": tickets, "tags": []},
    ):
        assert bulk(**body).status_code == 400, body
    with session_scope(app) as session:
        assert session.get(Ticket, tickets[1]).status == "open"  # refused requests changed nothing


def test_workspace_endpoints_need_a_login(client):
    for method, path in (
        ("get", "/api/v1/staff/inbox"),
        ("get", "/api/v1/staff/teammates"),
        ("post", "/api/v1/staff/tickets/bulk"),
        ("post", "/api/v1/staff/preview"),
        ("get", "/api/v1/staff/canned-replies"),
    ):
        assert getattr(client, method)(path).status_code == 401, path


def test_teammates_are_the_active_inbox_users_by_name(app, client, alice, bob):
    with session_scope(app) as session:
        session.get(User, bob.id).display_name = "Aaron"
    names = [
        t["name"]
        for t in client.get("/api/v1/staff/teammates", headers=alice.headers).get_json()["teammates"]
    ]
    assert names == ["Aaron", "alice"]
