"""Search: repositories, issues and pull requests (qualifiers, @me, is:merged, sort and order), users, total counts.

PyGithub 1.55 makes search items lazy objects that refetch their url on any raw_data read, so GitHub's `score` and the
pull request items' head/base are not visible through it (Anvil serves them; the Octokit tests read them)."""
import uuid

import github

from harness import client, env, expect_error, run, settled

g = client(env("ANVIL_TOKEN"))
other = client(env("ANVIL_OTHER_TOKEN"))
me = g.get_user()
word = "zq" + uuid.uuid4().hex[:8]
repo = me.create_repo(f"{word}-tool", description=f"A {word} tool")
hidden = me.create_repo(f"{word}-secret", private=True)
state = {}


def seed():
    repo.create_file("a.txt", "Add a", "a\n")
    repo.create_git_ref("refs/heads/merged", repo.get_branch("main").commit.sha)
    repo.create_file("b.txt", "Add b", "b\n", branch="merged")
    repo.create_git_ref("refs/heads/open", repo.get_branch("main").commit.sha)
    repo.create_file("c.txt", "Add c", "c\n", branch="open")
    repo.add_to_collaborators(env("ANVIL_OTHER_USER"), "push")
    repo.create_issue(f"{word} crash on start", body="boom", assignees=[me.login])
    other.get_repo(repo.full_name).create_issue(f"{word} docs request", body="please")
    merged = repo.create_pull(title=f"{word} merged change", body="", base="main", head="merged")
    settled(repo, merged.number)
    merged.merge()
    repo.create_pull(title=f"{word} open change", body="", base="main", head="open")


def repositories():
    found = g.search_repositories(word)
    assert found.totalCount == 2 and sorted(r.name for r in found) == sorted([repo.name, hidden.name]), [r.name for r in found]
    assert [r.name for r in other.search_repositories(word)] == [repo.name], "a private repository stays hidden"
    assert [r.name for r in g.search_repositories(word, sort="updated", order="desc")][0] in (repo.name, hidden.name)
    assert [r.name for r in g.search_repositories(word, user=me.login)] != []


def issues_and_pulls():
    titles = lambda results: sorted(i.title for i in results)  # noqa: E731
    everything = g.search_issues(f"{word} repo:{repo.full_name}")
    assert everything.totalCount == 4, [i.title for i in everything]
    assert titles(g.search_issues(f"{word} is:issue")) == [f"{word} crash on start", f"{word} docs request"]
    assert titles(g.search_issues(word, type="pr")) == [f"{word} merged change", f"{word} open change"]
    assert titles(g.search_issues(f"{word} is:pr is:merged")) == [f"{word} merged change"]
    assert titles(g.search_issues(f"{word} is:pr is:unmerged")) == [f"{word} open change"]
    assert titles(g.search_issues(f"{word} is:closed")) == [f"{word} merged change"]
    assert titles(other.search_issues(f"{word} author:@me")) == [f"{word} docs request"]
    assert titles(g.search_issues(f"{word} assignee:@me")) == [f"{word} crash on start"]
    assert titles(g.search_issues(word, author=env("ANVIL_OTHER_USER"))) == [f"{word} docs request"]
    pull_item = next(i for i in g.search_issues(f"{word} is:pr is:open"))
    assert pull_item.pull_request is not None and pull_item.state == "open"
    assert pull_item.as_pull_request().head.ref == "open"
    assert sorted(i.number for i in g.search_issues(word)) == [1, 2, 3, 4]


def sorted_results():
    other.get_user().add_to_starred(other.get_repo(repo.full_name))
    names = lambda results: [r.name for r in results]  # noqa: E731
    assert names(g.search_repositories(word, sort="stars", order="asc")) == [hidden.name, repo.name]
    assert names(g.search_repositories(word, sort="stars", order="desc")) == [repo.name, hidden.name]
    assert names(g.search_repositories(word, sort="stars")) == [repo.name, hidden.name], "order is desc by default"
    assert g.search_repositories(word, sort="stars", order="asc").totalCount == 2
    docs = next(i for i in g.search_issues(f"{word} is:issue") if i.title == f"{word} docs request")
    docs.create_comment("first")
    docs.create_comment("second")
    numbers = lambda results: [i.number for i in results]  # noqa: E731
    assert numbers(g.search_issues(f"{word} is:issue", sort="comments", order="desc")) == [docs.number, 1]
    assert numbers(g.search_issues(f"{word} is:issue", sort="comments", order="asc")) == [1, docs.number]
    assert numbers(g.search_issues(word, sort="created", order="asc")) == [1, 2, 3, 4]
    assert numbers(g.search_issues(word, sort="created", order="desc")) == [4, 3, 2, 1]
    # Paged one at a time, a sorted search still lists each match once.
    assert numbers(client(env("ANVIL_TOKEN"), per_page=1).search_issues(word, sort="created", order="asc")) == [1, 2, 3, 4]


def users():
    found = list(g.search_users(env("ANVIL_OTHER_USER")))
    assert [u.login for u in found] == [env("ANVIL_OTHER_USER")], [u.login for u in found]
    assert g.search_users(env("ANVIL_OTHER_USER")).totalCount == 1
    assert g.search_users("nobody-" + word).totalCount == 0


def bad_queries():
    bad = expect_error(github.GithubException, lambda: list(g.search_issues(" ")), 422)
    assert bad.data["message"] == "Validation Failed", bad.data


if __name__ == "__main__":
    run(seed, repositories, issues_and_pulls, sorted_results, users, bad_queries)
