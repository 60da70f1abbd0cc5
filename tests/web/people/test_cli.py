"""`faqbot users` keeps working with the new columns: a display name, reactivation, and a list
that says who still has a temporary password."""

from __future__ import annotations

import pytest

from faqbot.web.app.bootstrap import ensure_first_admin

from .conftest import STRONG, user_row


@pytest.mark.sqlite_only
def test_users_commands_with_names_reactivation_and_temporary_passwords(app, runner, browser_for):
    code, out, err = runner.invoke(
        "users", "create", "--email", "nia@example.com", "--name", "Nia", stdin=STRONG
    )
    assert code == 0, err
    row = user_row(app, "nia@example.com")
    assert (row.display_name, row.must_change_password, row.notify_new_tickets) == ("Nia", False, False)
    assert runner.invoke("users", "deactivate", "--email", "nia@example.com")[0] == 0
    assert browser_for().login("nia@example.com", STRONG).status_code == 401
    code, out, _ = runner.invoke("users", "reactivate", "--email", "nia@example.com")
    assert code == 0 and "reactivated nia@example.com" in out
    assert browser_for().login("nia@example.com", STRONG).status_code == 302
    assert runner.invoke("users", "reactivate", "--email", "ghost@example.com")[0] == 1
    code, out, _ = runner.invoke("users", "list")
    assert out.splitlines()[0].startswith("nia@example.com\tstaff\tactive\t") and out.rstrip().endswith(
        "\tNia"
    )


@pytest.mark.sqlite_only
def test_the_list_marks_a_temporary_password_and_the_last_admin_is_only_warned_about(app, runner):
    assert ensure_first_admin(app)
    code, out, _ = runner.invoke("users", "list")
    assert "admin@localhost\tadmin\tactive (temporary password)" in out
    code, _, err = runner.invoke("users", "role", "--email", "admin@localhost", "--role", "staff")
    assert code == 0 and "no active admin is left" in err  # the command line is the way back in
    assert runner.invoke("users", "role", "--email", "admin@localhost", "--role", "admin")[0] == 0
