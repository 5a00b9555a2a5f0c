"""Actions: a workflow pushed through the contents API starts a run; runs listed (filters, totalCount), read, cancelled
and re-run; self-hosted runners listed."""
import time
import uuid

import github

from harness import client, env, expect_error, run

g = client(env("ANVIL_TOKEN"))
other = client(env("ANVIL_OTHER_TOKEN"))
me = g.get_user()
repo = me.create_repo("actions-" + uuid.uuid4().hex[:6])
# No runner has this label, so the run waits queued for as long as the script needs it.
workflow = "name: CI\non: push\njobs:\n  build:\n    runs-on: [self-hosted, pygithub-none]\n    steps: [{run: echo hi}]\n"
state = {}


def runs_for(sha, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        found = [r for r in repo.get_workflow_runs() if r.head_sha == sha]
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"no workflow run for {sha}")


def a_push_starts_a_run():
    made = repo.create_file(".anvil/workflows/ci.yml", "Add CI", workflow)
    sha = made["commit"].sha
    found = runs_for(sha)
    assert len(found) == 1, found
    one = found[0]
    assert one.head_branch == "main" and one.event == "push" , (one.head_branch, one.event)
    assert one.status in ("queued", "waiting", "pending"), one.status
    assert one.conclusion is None
    assert one.html_url and one.jobs_url.endswith(f"/runs/{one.id}/jobs"), one.jobs_url
    assert one.cancel_url.endswith("/cancel") and one.rerun_url.endswith("/rerun"), one.rerun_url
    state["run"] = one
    state["sha"] = sha


def list_and_get():
    one = state["run"]
    runs = repo.get_workflow_runs()
    assert runs.totalCount == 1 and runs[0].id == one.id
    assert [r.id for r in repo.get_workflow_runs(branch="main")] == [one.id]
    assert [r.id for r in repo.get_workflow_runs(branch="nope")] == []
    assert [r.id for r in repo.get_workflow_runs(event="push")] == [one.id]
    assert [r.id for r in repo.get_workflow_runs(event="pull_request")] == []
    assert [r.id for r in repo.get_workflow_runs(actor=g.get_user(me.login))] == [one.id]
    got = repo.get_workflow_run(one.id)
    assert got.head_sha == state["sha"] and got.run_number == one.run_number and got.created_at is not None
    expect_error(github.UnknownObjectException, lambda: repo.get_workflow_run(999999), 404)


def cancel_and_rerun():
    one = repo.get_workflow_run(state["run"].id)
    assert one.cancel() is True
    for _ in range(300):
        cancelled = repo.get_workflow_run(one.id)
        if cancelled.status == "completed":
            break
        time.sleep(0.2)
    assert cancelled.status == "completed" and cancelled.conclusion == "cancelled", (cancelled.status, cancelled.conclusion)
    assert cancelled.rerun() is True
    again = repo.get_workflow_run(one.id)
    assert again.status != "completed" or again.conclusion != "cancelled", again.status
    assert other.get_repo(repo.full_name).get_workflow_run(one.id).cancel() is False, "a reader cannot cancel"
    assert repo.get_workflow_run(one.id).cancel() is True


def runners():
    assert repo.get_self_hosted_runners().totalCount == 0
    expect_error(github.GithubException, lambda: other.get_repo(repo.full_name).get_self_hosted_runners().totalCount)


if __name__ == "__main__":
    run(a_push_starts_a_run, list_and_get, cancel_and_rerun, runners)
