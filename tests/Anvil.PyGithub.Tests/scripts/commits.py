"""Commits (filters, pagination, one commit), commit statuses and the combined status, check runs and check suites."""
import datetime

import github

from harness import client, env, expect_error, run

g = client(env("ANVIL_TOKEN"))
paged = client(env("ANVIL_TOKEN"), per_page=1)
repo = g.get_repo(env("ANVIL_REPO"))
messages = ["Add app", "Add guide", "Add readme"]


def list_commits():
    commits = list(repo.get_commits())
    assert [c.commit.message for c in commits] == messages, [c.commit.message for c in commits]
    assert repo.get_commits().totalCount == 3
    one_per_page = paged.get_repo(env("ANVIL_REPO")).get_commits()
    assert one_per_page.totalCount == 3, "totalCount reads the Link header's last page"
    assert [c.commit.message for c in one_per_page] == messages
    assert one_per_page[2].commit.message == "Add readme"
    assert one_per_page.get_page(1)[0].commit.message == "Add guide"
    assert [c.commit.message for c in repo.get_commits(sha="feature")][0] == "Add feature"
    assert [c.commit.message for c in repo.get_commits(path="docs")] == ["Add guide"]
    assert [c.commit.message for c in repo.get_commits(author="bea@example.com")] == ["Add guide"]
    oldest = commits[-1].commit.author.date
    newest = commits[0].commit.author.date
    assert [c.commit.message for c in repo.get_commits(since=newest)] == ["Add app"]
    assert [c.commit.message for c in repo.get_commits(until=oldest)] == ["Add readme"]
    assert repo.get_commits(since=newest + datetime.timedelta(days=1)).totalCount == 0


def one_commit():
    sha = repo.get_branch("main").commit.sha
    commit = repo.get_commit(sha)
    assert commit.sha == sha and commit.commit.message == "Add app", commit.commit.message
    assert commit.commit.author.name == "Ada Author" and commit.commit.committer.name == "Cid Committer"
    assert [f.filename for f in commit.files] == ["src/app.py"] and commit.files[0].status == "added"
    assert commit.files[0].additions == 1 and commit.stats.additions == 1 and commit.stats.total == 1
    assert commit.html_url.endswith("/commit/" + sha), commit.html_url
    assert len(commit.parents) == 1 and commit.parents[0].sha == repo.get_commits()[1].sha
    assert repo.get_commit("main").sha == sha, "a branch name resolves"
    assert repo.get_commit(sha[:7]).sha == sha, "a short sha resolves"
    expect_error(github.UnknownObjectException, lambda: repo.get_commit("0" * 40), 404)


def statuses():
    commit = repo.get_commit("main")
    made = commit.create_status("pending", target_url="https://ci.example.com/1", description="building", context="ci/build")
    assert made.state == "pending" and made.context == "ci/build" and made.id > 0, made.state
    assert made.creator.login == env("ANVIL_USER")
    commit.create_status("success", description="built", context="ci/build")
    commit.create_status("failure", context="ci/lint")
    listed = list(commit.get_statuses())
    assert [s.state for s in listed] == ["failure", "success", "pending"], [s.state for s in listed]
    combined = commit.get_combined_status()
    assert combined.state == "failure" and combined.total_count == 2 and combined.sha == commit.sha, combined.state
    assert sorted((s.context, s.state) for s in combined.statuses) == [("ci/build", "success"), ("ci/lint", "failure")]
    bad = expect_error(github.GithubException, lambda: commit.create_status("sunny"), 422)
    assert bad.data["message"] == "Validation Failed" and bad.data["errors"][0]["field"] == "state", bad.data


def check_runs_and_suites():
    sha = repo.get_branch("main").commit.sha
    run_ = repo.create_check_run("lint", sha, status="in_progress", external_id="lint-1",
                                 output={"title": "Linting", "summary": "running"})
    assert run_.name == "lint" and run_.head_sha == sha and run_.status == "in_progress", run_.status
    assert run_.output.title == "Linting" and run_.external_id == "lint-1"
    run_.edit(status="completed", conclusion="success", output={"title": "Lint", "summary": "all good"})
    assert run_.status == "completed" and run_.conclusion == "success" and run_.completed_at is not None
    got = repo.get_check_run(run_.id)
    assert got.conclusion == "success" and got.output.summary == "all good", got.output.summary
    repo.create_check_run("test", sha, status="completed", conclusion="failure")
    commit = repo.get_commit(sha)
    runs = commit.get_check_runs()
    assert runs.totalCount == 2 and sorted(r.name for r in runs) == ["lint", "test"]
    assert [r.name for r in commit.get_check_runs(check_name="test")] == ["test"]
    assert [r.name for r in commit.get_check_runs(status="completed")] != []
    assert repo.get_commit("main").get_check_runs().totalCount == 2, "check runs by branch name"
    suites = commit.get_check_suites()
    assert suites.totalCount >= 1, suites.totalCount
    suite = suites[0]
    assert suite.head_sha == sha and suite.status == "completed" and suite.conclusion == "failure", suite.conclusion
    assert repo.get_check_suite(suite.id).id == suite.id
    assert sorted(r.name for r in suite.get_check_runs()) == ["lint", "test"]
    assert run_.check_suite_id == suite.id
    bad = expect_error(github.GithubException, lambda: repo.create_check_run("", sha), 422)
    assert bad.data["errors"], bad.data


if __name__ == "__main__":
    run(list_commits, one_commit, statuses, check_runs_and_suites)
