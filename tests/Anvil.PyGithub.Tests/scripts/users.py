"""Users (the authenticated user, other users, profile edits), notifications (list, one thread, mark read), the rate
limit and the API root objects."""
import datetime
import uuid

import github

from harness import client, env, expect_error, run

g = client(env("ANVIL_TOKEN"))
other = client(env("ANVIL_OTHER_TOKEN"))
me = g.get_user()
repo = me.create_repo("notes-" + uuid.uuid4().hex[:6])


def authenticated_user():
    assert me.login == env("ANVIL_USER") and me.type == "User" and me.site_admin is False, me.login
    assert me.name == "User " + env("ANVIL_USER"), me.name
    assert me.email == env("ANVIL_USER") + "@example.com", me.email
    assert me.avatar_url.startswith("http") and me.html_url.endswith("/" + me.login), me.avatar_url
    assert isinstance(me.created_at, datetime.datetime)
    assert me.raw_data["username"] == me.login and me.raw_data["email_verified"] in (True, False), me.raw_data


def other_users():
    them = g.get_user(env("ANVIL_OTHER_USER"))
    assert them.login == env("ANVIL_OTHER_USER") and them.id != me.id and them.type == "User", them.login
    assert them.html_url.endswith("/" + them.login) and them.repos_url.endswith(f"/users/{them.login}/repos")
    assert them.public_repos == 0, them.public_repos
    assert repo.name in [r.name for r in g.get_user(me.login).get_repos()]
    expect_error(github.UnknownObjectException, lambda: g.get_user("no-such-user-" + uuid.uuid4().hex[:6]).login, 404)


def notifications():
    repo.add_to_collaborators(env("ANVIL_OTHER_USER"), "push")
    issue = other.get_repo(repo.full_name).create_issue("Please look", body=f"@{me.login} can you check this?")
    found = [n for n in me.get_notifications() if n.repository.full_name == repo.full_name]
    assert len(found) == 1, [n.subject.title for n in me.get_notifications()]
    thread = found[0]
    assert thread.unread is True and thread.reason == "mention" and thread.subject.type == "Issue", thread.reason
    assert thread.subject.title == "Please look" and thread.subscription_url, thread.subscription_url
    assert thread.get_issue().number == issue.number
    assert me.get_notification(thread.id).subject.title == "Please look"
    # A mention is participating; since and before bound the time it was updated (PyGithub sends whole seconds).
    assert thread.id in [n.id for n in me.get_notifications(participating=True)]
    later = thread.updated_at + datetime.timedelta(seconds=1)
    assert thread.id in [n.id for n in me.get_notifications(since=thread.updated_at)]
    assert thread.id not in [n.id for n in me.get_notifications(since=later)]
    assert thread.id in [n.id for n in me.get_notifications(before=later)]
    assert thread.id not in [n.id for n in me.get_notifications(before=thread.updated_at - datetime.timedelta(seconds=1))]
    thread.mark_as_read()
    assert me.get_notification(thread.id).unread is False
    assert thread.id not in [n.id for n in me.get_notifications()], "read threads leave the default list"
    assert thread.id in [n.id for n in me.get_notifications(all=True)]
    assert thread.id in [n.id for n in me.get_notifications(participating=True, all=True)]
    other.get_repo(repo.full_name).get_issue(issue.number).create_comment(f"@{me.login} ping again")
    fresh = [n for n in me.get_notifications() if n.repository.full_name == repo.full_name]
    assert [n.subject.title for n in fresh] == ["Please look"] and fresh[0].unread, "new activity is unread again"
    me.mark_notifications_as_read()
    assert [n for n in me.get_notifications() if n.repository.full_name == repo.full_name] == []
    assert me.get_notification(fresh[0].id).unread is False


def profile_edit():
    me.edit(name="Ada L", email=f"{me.login}+ada@example.com", blog="https://ada.example", company="Engines",
            location="London", hireable=True, bio="Notes on the engine")
    assert (me.name, me.blog, me.hireable) == ("Ada L", "https://ada.example", True), "edit answers the updated user"
    fresh = g.get_user()
    fresh.login  # noqa: B018 — completes the lazy object from GET /user
    assert (fresh.name, fresh.email, fresh.blog, fresh.company, fresh.location, fresh.hireable, fresh.bio) == (
        "Ada L", f"{me.login}+ada@example.com", "https://ada.example", "Engines", "London", True, "Notes on the engine"), fresh.raw_data
    assert fresh.raw_data["email_verified"] is False, "a new email is unverified until confirmed"
    refused = expect_error(github.GithubException, lambda: me.edit(blog="ftp://nope", bio="changed"), 422)
    assert refused.data["message"] == "Validation Failed", refused.data
    assert refused.data["errors"] == [{"resource": "User", "field": "blog", "code": "invalid"}], refused.data
    taken = expect_error(github.GithubException, lambda: me.edit(email=env("ANVIL_OTHER_USER") + "@example.com"), 422)
    assert taken.data["errors"][0]["code"] == "already_exists", taken.data
    again = g.get_user()
    again.login  # noqa: B018
    assert (again.blog, again.bio) == ("https://ada.example", "Notes on the engine"), "a refused edit changes nothing"


def rate_limit():
    before = g.get_rate_limit()
    assert before.core.limit > 0 and 0 <= before.core.remaining <= before.core.limit, before.core
    assert isinstance(before.core.reset, datetime.datetime)
    assert before.search.limit > 0
    after = g.get_rate_limit()
    assert after.core.remaining == before.core.remaining, "asking for the rate limit does not count against it"


if __name__ == "__main__":
    run(authenticated_user, other_users, notifications, rate_limit, profile_edit)
