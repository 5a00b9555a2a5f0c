"""Issues (filters, edit, assignees, locks), labels, comments, issue events and the timeline, the user's issue lists."""
import datetime
import uuid

import github

from harness import client, env, expect_error, run

g = client(env("ANVIL_TOKEN"))
other = client(env("ANVIL_OTHER_TOKEN"))
me = g.get_user()
repo = me.create_repo("issues-" + uuid.uuid4().hex[:6])
repo.add_to_collaborators(env("ANVIL_OTHER_USER"), "push")
state = {}


def labels():
    defaults = [label.name for label in repo.get_labels()]
    assert "bug" in defaults and "documentation" in defaults, defaults
    taken = expect_error(github.GithubException, lambda: repo.create_label("bug", "000000"), 422)
    assert taken.data["errors"][0]["code"] == "already_exists", taken.data
    crash = repo.create_label("crash", "d73a4a", "It falls over")
    assert crash.name == "crash" and crash.color == "d73a4a" and crash.description == "It falls over", crash.color
    repo.create_label("tidy", "0075ca")
    repo.create_label("later", "ffffff")
    assert {"crash", "tidy", "later"} <= {label.name for label in repo.get_labels()}
    tidy = repo.get_label("tidy")
    tidy.edit("cleanup", "0e8a16", "Tidying up")
    assert repo.get_label("cleanup").color == "0e8a16" and repo.get_label("cleanup").description == "Tidying up"
    expect_error(github.UnknownObjectException, lambda: repo.get_label("tidy"), 404)
    repo.get_label("later").delete()
    assert repo.get_labels().totalCount == len(defaults) + 2


def create_and_edit():
    first = repo.create_issue("First bug", body="It breaks", labels=["bug"], assignees=[env("ANVIL_OTHER_USER")])
    assert first.number == 1 and first.state == "open" and first.title == "First bug", first.number
    assert first.user.login == me.login and [a.login for a in first.assignees] == [env("ANVIL_OTHER_USER")]
    assert [label.name for label in first.labels] == ["bug"]
    assert first.html_url.endswith(f"/{repo.full_name}/issues/1"), first.html_url
    state["first"] = first
    second = other.get_repo(repo.full_name).create_issue("Docs are thin", body=f"ping @{me.login}")
    state["second"] = second
    got = repo.get_issue(1)
    assert got.body == "It breaks" and got.comments == 0 and got.pull_request is None
    got.edit(title="First bug, renamed", body="It breaks badly")
    assert repo.get_issue(1).title == "First bug, renamed"
    second_here = repo.get_issue(second.number)
    second_here.edit(state="closed")
    assert second_here.state == "closed" and second_here.closed_at is not None
    assert second_here.closed_by.login == me.login
    second_here.edit(state="open")
    expect_error(github.UnknownObjectException, lambda: repo.get_issue(999), 404)


def list_with_filters():
    numbers = lambda issues: [i.number for i in issues]  # noqa: E731
    assert numbers(repo.get_issues()) == [2, 1]
    assert numbers(repo.get_issues(direction="asc")) == [1, 2]
    assert numbers(repo.get_issues(sort="created", direction="desc")) == [2, 1]
    assert numbers(repo.get_issues(creator=env("ANVIL_OTHER_USER"))) == [2]
    assert numbers(repo.get_issues(assignee=env("ANVIL_OTHER_USER"))) == [1]
    assert numbers(repo.get_issues(assignee="none")) == [2]
    assert numbers(repo.get_issues(mentioned=g.get_user(me.login))) == [2]
    assert numbers(repo.get_issues(labels=["bug"])) == [1]
    assert numbers(repo.get_issues(state="closed")) == []
    assert numbers(repo.get_issues(state="all")) == [2, 1]
    later = datetime.datetime.utcnow() + datetime.timedelta(hours=1)
    assert numbers(repo.get_issues(since=later)) == []
    assert repo.get_issues().totalCount == 2


def issue_labels_and_assignees():
    issue = repo.get_issue(2)
    issue.add_to_labels("documentation")
    assert [label.name for label in issue.get_labels()] == ["documentation"]
    issue.set_labels("bug", "documentation")
    assert sorted(label.name for label in issue.get_labels()) == ["bug", "documentation"]
    issue.remove_from_labels("bug")
    assert [label.name for label in repo.get_issue(2).labels] == ["documentation"]
    issue.delete_labels()
    assert issue.get_labels().totalCount == 0
    assert repo.has_in_assignees(env("ANVIL_OTHER_USER"))
    assert sorted(a.login for a in repo.get_assignees()) == sorted([me.login, env("ANVIL_OTHER_USER")])
    issue.add_to_assignees(me.login)
    assert [a.login for a in repo.get_issue(2).assignees] == [me.login]
    issue.remove_from_assignees(me.login)
    assert repo.get_issue(2).assignees == []


def comments():
    issue = repo.get_issue(1)
    comment = issue.create_comment("Seen it too")
    assert comment.body == "Seen it too" and comment.user.login == me.login and comment.id > 0
    assert comment.html_url and "#issuecomment-" in comment.html_url, comment.html_url
    other.get_repo(repo.full_name).get_issue(1).create_comment("Me as well")
    assert [c.body for c in issue.get_comments()] == ["Seen it too", "Me as well"]
    assert issue.get_comment(comment.id).body == "Seen it too"
    comment.edit("Seen it twice")
    assert issue.get_comment(comment.id).body == "Seen it twice"
    assert [c.body for c in repo.get_issues_comments()] == ["Seen it twice", "Me as well"]
    assert [c.body for c in repo.get_issues_comments(sort="created", direction="desc")] == ["Me as well", "Seen it twice"]
    comment.delete()
    assert [c.body for c in issue.get_comments()] == ["Me as well"]
    assert repo.get_issue(1).comments == 1


def locks_events_and_timeline():
    issue = repo.get_issue(1)
    issue.lock("off-topic")
    locked = repo.get_issue(1)
    assert locked.locked is True and locked.active_lock_reason == "off-topic", locked.active_lock_reason
    issue.unlock()
    assert repo.get_issue(1).locked is False
    events = list(issue.get_events())
    kinds = [e.event for e in events]
    for kind in ("labeled", "assigned", "renamed", "locked", "unlocked"):
        assert kind in kinds, kinds
    assert events[0].actor.login == me.login
    all_events = list(repo.get_issues_events())
    assert "closed" in [e.event for e in all_events] and "reopened" in [e.event for e in all_events]
    assert repo.get_issues_event(events[0].id).event == events[0].event
    timeline = [t.event for t in issue.get_timeline()]
    assert "commented" in timeline and "locked" in timeline, timeline


def users_issue_lists():
    here = lambda issues: [i.number for i in issues if i.url.startswith(repo.url + "/")]  # noqa: E731
    them = other.get_user()
    assert 1 in here(them.get_issues()), "assigned to them: GET /issues"
    assert here(them.get_user_issues(filter="created")) == [2]
    assert here(them.get_user_issues(filter="assigned")) == [1]
    assert sorted(here(them.get_user_issues(filter="all", state="all"))) == [1, 2]
    assert here(me.get_user_issues(filter="mentioned")) == [2]
    assert here(me.get_issues(filter="created", state="all")) == [1]


if __name__ == "__main__":
    run(labels, create_and_edit, list_with_filters, issue_labels_and_assignees, comments, locks_events_and_timeline,
        users_issue_lists)
