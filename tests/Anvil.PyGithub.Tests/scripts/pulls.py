"""Pull requests: create, list with filters, edit, commits and files, reviews and review comments, requested reviewers,
labels and assignees through the issue, merging (and GitHub's 405 and 409 refusals)."""
import datetime
import uuid

import github

from harness import client, env, expect_error, run, settled

g = client(env("ANVIL_TOKEN"))
other = client(env("ANVIL_OTHER_TOKEN"))
me = g.get_user()
repo = me.create_repo("pulls-" + uuid.uuid4().hex[:6])
repo.add_to_collaborators(env("ANVIL_OTHER_USER"), "push")
state = {}


def seed():
    repo.create_file("app.txt", "Add app", "one\ntwo\nthree\n")
    base = repo.get_branch("main").commit.sha
    repo.create_git_ref("refs/heads/topic", base)
    repo.create_file("topic.txt", "Add topic", "topic\n", branch="topic")
    repo.update_file("app.txt", "Change app", "one\n2\nthree\n", repo.get_contents("app.txt", ref="topic").sha,
                     branch="topic")
    repo.create_git_ref("refs/heads/other", base)
    repo.create_file("other.txt", "Add other", "other\n", branch="other")


def create_and_read():
    pr = repo.create_pull(title="Topic work", body="Adds a topic", base="main", head="topic")
    assert pr.number == 1 and pr.state == "open" and pr.title == "Topic work" and pr.body == "Adds a topic"
    assert pr.head.ref == "topic" and pr.base.ref == "main" and pr.head.sha == repo.get_branch("topic").commit.sha
    assert pr.head.repo.full_name == repo.full_name and pr.user.login == me.login
    assert pr.html_url.endswith(f"/{repo.full_name}/pull/1"), pr.html_url
    assert pr.diff_url.endswith("/pull/1.diff") and pr.patch_url.endswith("/pull/1.patch"), pr.diff_url
    got = settled(repo, 1)
    assert got.merged is False and got.mergeable is True, got.mergeable
    assert got.mergeable_state in ("clean", "unstable"), got.mergeable_state
    assert got.commits == 2 and got.changed_files == 2 and got.additions == 2 and got.deletions == 1
    assert got.draft is False
    second = repo.create_pull(title="Other work", body="", base="main", head="other", draft=True)
    assert second.draft is True
    state["other"] = second
    expect_error(github.UnknownObjectException, lambda: repo.get_pull(99), 404)
    dup = expect_error(github.GithubException, lambda: repo.create_pull(title="again", body="", base="main", head="topic"), 422)
    assert dup.data["message"] == "Validation Failed", dup.data


def list_and_edit():
    numbers = lambda pulls: [p.number for p in pulls]  # noqa: E731
    assert numbers(repo.get_pulls()) == [2, 1]
    assert numbers(repo.get_pulls(sort="created", direction="asc")) == [1, 2]
    assert numbers(repo.get_pulls(head=f"{me.login}:topic")) == [1]
    assert numbers(repo.get_pulls(base="main")) == [2, 1]
    assert numbers(repo.get_pulls(base="topic")) == []
    assert repo.get_pulls(state="all").totalCount == 2
    other_pr = repo.get_pull(2)
    other_pr.edit(title="Other work, renamed", state="closed")
    assert other_pr.state == "closed" and other_pr.title == "Other work, renamed"
    assert numbers(repo.get_pulls(state="closed")) == [2]
    other_pr.edit(state="open")
    assert repo.get_pull(2).state == "open"


def commits_and_files():
    pr = repo.get_pull(1)
    assert [c.commit.message for c in pr.get_commits()] == ["Add topic", "Change app"]
    files = {f.filename: f for f in pr.get_files()}
    assert sorted(files) == ["app.txt", "topic.txt"], files
    assert files["topic.txt"].status == "added" and files["app.txt"].status == "modified"
    assert "+2" in files["app.txt"].patch and "-two" in files["app.txt"].patch, files["app.txt"].patch


def conversation_and_issue_side():
    pr = repo.get_pull(1)
    comment = pr.create_issue_comment("Looks promising")
    assert comment.body == "Looks promising"
    assert [c.body for c in pr.get_issue_comments()] == ["Looks promising"]
    assert pr.get_issue_comment(comment.id).id == comment.id
    issue = pr.as_issue()
    assert issue.number == 1 and issue.pull_request is not None
    pr.add_to_labels("enhancement")
    assert [label.name for label in pr.get_labels()] == ["enhancement"]
    pr.add_to_assignees(me.login)
    assert [a.login for a in repo.get_pull(1).assignees] == [me.login]
    pr.remove_from_labels("enhancement")
    assert pr.get_labels().totalCount == 0
    assert "commented" in [e.event for e in pr.get_issue_events()] or pr.get_issue_events().totalCount >= 1


def reviews_and_review_comments():
    pr = repo.get_pull(1)
    head = repo.get_commit(pr.head.sha)
    theirs = other.get_repo(repo.full_name).get_pull(1)
    review = theirs.create_review(head, "Some notes", "COMMENT",
                                  comments=[{"path": "app.txt", "line": 2, "side": "RIGHT", "body": "Why 2?"}])
    assert review.state == "COMMENTED" and review.body == "Some notes" and review.user.login == env("ANVIL_OTHER_USER")
    assert review.commit_id == head.sha
    approved = theirs.create_review(body="Fine by me", event="APPROVE")
    assert approved.state == "APPROVED"
    assert [r.state for r in pr.get_reviews()] == ["COMMENTED", "APPROVED"]
    assert pr.get_review(review.id).body == "Some notes"
    line_comments = list(pr.get_single_review_comments(review.id))
    assert [c.body for c in line_comments] == ["Why 2?"] and line_comments[0].path == "app.txt"
    # PyGithub 1.55's create_review_comment sends only the deprecated diff "position", which Anvil does not take: a
    # one-comment review is what makes a single line comment here.
    theirs.create_review(head, "", "COMMENT", comments=[{"path": "topic.txt", "line": 1, "body": "Nice name"}])
    single = next(c for c in theirs.get_review_comments() if c.body == "Nice name")
    assert single.path == "topic.txt" and single.raw_data["line"] == 1 and single.commit_id == head.sha, single.raw_data
    assert sorted(c.body for c in pr.get_review_comments()) == ["Nice name", "Why 2?"]
    assert pr.get_review_comment(single.id).body == "Nice name"
    single.edit("Nice name indeed")
    assert pr.get_review_comment(single.id).body == "Nice name indeed"
    # The repository's review comments at once (GET /pulls/comments), sorted and paginated through Link.
    everywhere = repo.get_pulls_review_comments(sort="created", direction="desc")
    assert [c.body for c in everywhere] == ["Nice name indeed", "Why 2?"] and everywhere.totalCount == 2
    assert list(everywhere)[0].pull_request_url.endswith(f"/pulls/{pr.number}")
    paged = client(env("ANVIL_TOKEN"), per_page=1).get_repo(repo.full_name).get_pulls_review_comments()
    assert [c.body for c in paged] == ["Why 2?", "Nice name indeed"] and paged.totalCount == 2
    assert repo.get_pulls_review_comments(since=single.updated_at - datetime.timedelta(minutes=5)).totalCount == 2
    assert list(repo.get_pulls_review_comments(since=single.updated_at + datetime.timedelta(seconds=2))) == []
    bad = expect_error(github.GithubException, lambda: list(repo.get_pulls_review_comments(sort="bogus")), 422)
    assert bad.data["message"] == "Validation Failed", bad.data
    single.delete()
    assert [c.body for c in pr.get_comments()] == ["Why 2?"]


def requested_reviewers():
    pr = repo.get_pull(2)
    pr.create_review_request(reviewers=[env("ANVIL_OTHER_USER")])
    users, teams = pr.get_review_requests()
    assert [u.login for u in users] == [env("ANVIL_OTHER_USER")] and list(teams) == []
    assert [u["login"] for u in repo.get_pull(2).raw_data["requested_reviewers"]] == [env("ANVIL_OTHER_USER")]
    pr.delete_review_request(reviewers=[env("ANVIL_OTHER_USER")])
    assert list(pr.get_review_requests()[0]) == []


def merging():
    pr = repo.get_pull(1)
    assert pr.is_merged() is False
    stale = expect_error(github.GithubException, lambda: pr.merge(sha=repo.get_branch("main").commit.sha), 409)
    assert "message" in stale.data, stale.data
    status = pr.merge(commit_message="Merged by PyGithub", merge_method="squash")
    assert status.merged is True and len(status.sha) == 40, status.message
    assert pr.is_merged() is True
    merged = repo.get_pull(1)
    assert merged.merged and merged.state == "closed" and merged.merged_by.login == me.login and merged.merge_commit_sha
    assert repo.get_contents("topic.txt").decoded_content == b"topic\n"
    again = expect_error(github.GithubException, lambda: pr.merge(), 405)
    assert again.data["message"], again.data


if __name__ == "__main__":
    run(seed, create_and_read, list_and_edit, commits_and_files, conversation_and_issue_side,
        reviews_and_review_comments, requested_reviewers, merging)
