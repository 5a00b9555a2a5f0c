"""PyGithub calls on the routes merged last (issue 24): workflows (list, get, their runs, dispatch), workflow run fields
(workflow_id, a per-workflow run_number), check run annotations, check suite rerequest, `_links` on contents, review
dismissals, review comment replies, mergeable_state behind the base, update-branch, the `status` webhook, and the workflow badge."""
import http.server
import json
import queue
import threading
import time
import urllib.request
import uuid

from harness import client, env, run, settled

g = client(env("ANVIL_TOKEN"))
other = client(env("ANVIL_OTHER_TOKEN"))
me = g.get_user()
repo = me.create_repo("ci-reviews-" + uuid.uuid4().hex[:6])
repo.add_to_collaborators(env("ANVIL_OTHER_USER"), "push")
workflow = ("name: CI\non: [push, workflow_dispatch]\njobs:\n  build:\n    runs-on: [self-hosted, pygithub-none]\n"
            "    steps: [{run: echo hi}]\n")


def workflows_and_run_fields():
    sha = repo.create_file(".anvil/workflows/ci.yml", "Add CI", workflow)["commit"].sha
    flows = list(repo.get_workflows())
    assert [w.path for w in flows] == [".anvil/workflows/ci.yml"] and flows[0].name == "CI", flows
    flow = repo.get_workflow("ci.yml")
    assert flow.id == flows[0].id and flow.state == "active" and repo.get_workflow(flow.id).path == flow.path
    for _ in range(300):
        runs = list(flow.get_runs())
        if runs:
            break
        time.sleep(0.2)
    assert runs[0].head_sha == sha and runs[0].workflow_id == flow.id, runs[0].raw_data.get("workflow_id")
    assert runs[0].run_number == 1 and runs[0].repository.full_name == repo.full_name
    assert flow.create_dispatch("main") is True
    for _ in range(300):
        if flow.get_runs().totalCount == 2:
            break
        time.sleep(0.2)
    assert [r.run_number for r in flow.get_runs()] == [2, 1]
    # The workflow's badge_url is an SVG naming it and its latest run's state on the default branch (queued here).
    with urllib.request.urlopen(flow.badge_url, timeout=120) as badge:
        assert badge.headers["Content-Type"].startswith("image/svg+xml"), badge.headers["Content-Type"]
        assert b"<title>CI: in progress</title>" in badge.read()


def annotations_and_rerequest():
    sha = repo.get_branch("main").commit.sha
    check = repo.create_check_run("lint", sha, status="completed", conclusion="failure", output={
        "title": "Lint", "summary": "1 problem",
        "annotations": [{"path": "README.md", "start_line": 1, "end_line": 1, "annotation_level": "warning",
                         "message": "Trailing space"}]})
    assert check.output.annotations_count == 1
    notes = list(check.get_annotations())
    assert [(a.path, a.annotation_level, a.message) for a in notes] == [("README.md", "warning", "Trailing space")]
    suite = repo.get_check_suite(check.check_suite_id)
    assert suite.rerequest() is True


def contents_links():
    repo.create_file("README.md", "Add readme", "# ci and reviews\n")
    readme = repo.get_contents("README.md")
    assert readme.raw_data["_links"]["self"] == readme.url and readme.raw_data["_links"]["html"] == readme.html_url


def reviews_replies_update_branch():
    repo.create_git_ref("refs/heads/topic", repo.get_branch("main").commit.sha)
    repo.create_file("topic.txt", "Add topic", "topic\n", branch="topic")
    pr = repo.create_pull(title="Topic", body="", base="main", head="topic")
    theirs = other.get_repo(repo.full_name).get_pull(pr.number)
    review = theirs.create_review(body="Needs work", event="REQUEST_CHANGES",
                                  comments=[{"path": "topic.txt", "line": 1, "body": "Why?"}])
    first = list(pr.get_review_comments())[0]
    reply = pr.create_review_comment_reply(first.id, "Because")
    assert reply.in_reply_to_id == first.id and reply.body == "Because"
    pr.get_review(review.id).dismiss("Addressed")
    assert pr.get_review(review.id).state == "DISMISSED"
    repo.create_file("main.txt", "Move main", "main\n")
    # GitHub says "behind" only under branch protection that requires an up-to-date head, and Anvil has none; what it
    # does say is "unstable": the CI workflow's run on the head is queued (no runner has its labels), and GitHub
    # answers "unstable" for a mergeable pull request whose (non-required) checks are pending.
    behind = settled(repo, pr.number)
    checks = [(c.name, c.status) for c in repo.get_commit(behind.head.sha).get_check_runs()]
    assert behind.mergeable and behind.mergeable_state == "unstable" and checks == [("build", "queued")], (
        behind.mergeable_state, checks)
    assert pr.update_branch() is True
    # 202 Accepted, as GitHub: the head moves at once, the pull request's counts follow it, so a client polls.
    deadline = time.time() + 60
    while (updated := repo.get_pull(pr.number)).commits != 2 and time.time() < deadline:
        time.sleep(0.2)
    assert updated.commits == 2, updated.commits
    assert repo.get_branch("topic").commit.parents[1].sha == repo.get_branch("main").commit.sha


def status_webhook():
    received = queue.Queue()

    class Receiver(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            received.put((self.headers["X-GitHub-Event"], self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    repo.create_hook("web", {"url": f"http://127.0.0.1:{server.server_port}/", "content_type": "json"}, ["status"])
    head = repo.get_commit("main")
    status = head.create_status("success", target_url="https://ci.example.com/1", description="Passed", context="ci/status")
    deadline = time.time() + 60
    while time.time() < deadline:
        event, body = received.get(timeout=max(0.1, deadline - time.time()))
        if event == "status":
            payload = json.loads(body)
            assert (payload["id"], payload["sha"], payload["state"], payload["context"]) == (status.id, head.sha, "success", "ci/status")
            assert payload["commit"]["sha"] == head.sha and "main" in [b["name"] for b in payload["branches"]], payload
            assert payload["repository"]["full_name"] == repo.full_name and payload["sender"]["login"] == me.login
            return
    raise AssertionError("no status delivery")


if __name__ == "__main__":
    run(workflows_and_run_fields, annotations_and_rerequest, contents_links, reviews_replies_update_branch, status_webhook)
