"""Webhooks (create with a real receiver, list, get, edit, ping, deliveries arriving signed, delete) and collaborators
(add, check, permission, list, remove)."""
import hashlib
import hmac
import http.server
import json
import queue
import threading
import time
import uuid

import github

from harness import client, env, expect_error, run

g = client(env("ANVIL_TOKEN"))
other = client(env("ANVIL_OTHER_TOKEN"))
me = g.get_user()
repo = me.create_repo("hooks-" + uuid.uuid4().hex[:6])
secret = "s3cret-" + uuid.uuid4().hex[:6]
received = queue.Queue()


class Receiver(http.server.BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 — http.server's name
        body = self.rfile.read(int(self.headers["Content-Length"]))
        received.put((dict(self.headers), body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


receiver = http.server.HTTPServer(("127.0.0.1", 0), Receiver)
threading.Thread(target=receiver.serve_forever, daemon=True).start()
hook_url = f"http://127.0.0.1:{receiver.server_port}/hook"
state = {}


def next_delivery(event, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            headers, body = received.get(timeout=max(0.1, deadline - time.time()))
        except queue.Empty:
            break
        headers = {k.lower(): v for k, v in headers.items()}
        if headers.get("x-github-event") == event:
            return headers, body
    raise AssertionError(f"no {event} delivery arrived")


def hooks():
    hook = repo.create_hook("web", {"url": hook_url, "content_type": "json", "secret": secret}, ["issues"], active=True)
    assert hook.id > 0 and hook.active is True and hook.events == ["issues"] and hook.name == "web", hook.events
    assert hook.config["url"] == hook_url and hook.config["content_type"] == "json", hook.config
    assert hook.config.get("secret") != secret, "the secret is never shown back"
    assert hook.url.endswith(f"/hooks/{hook.id}") and hook.ping_url.endswith(f"/hooks/{hook.id}/pings"), hook.ping_url
    state["hook"] = hook
    assert [h.id for h in repo.get_hooks()] == [hook.id]
    assert repo.get_hook(hook.id).config["url"] == hook_url
    headers, body = next_delivery("ping")
    assert json.loads(body)["hook_id"] == hook.id, body


def deliveries_are_signed():
    repo.create_issue("Hooked", body="fires a delivery")
    headers, body = next_delivery("issues")
    payload = json.loads(body)
    assert payload["action"] == "opened" and payload["issue"]["title"] == "Hooked", payload.get("action")
    assert payload["repository"]["full_name"] == repo.full_name
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    assert headers["x-hub-signature-256"] == expected, headers
    assert headers.get("x-github-delivery"), headers


def edit_ping_delete():
    hook = state["hook"]
    hook.edit("web", {"url": hook_url, "content_type": "json", "secret": secret}, events=["issues", "push"], active=True)
    assert sorted(repo.get_hook(hook.id).events) == ["issues", "push"]
    hook.ping()
    next_delivery("ping")
    hook.edit("web", {"url": hook_url, "content_type": "json"}, active=False)
    assert repo.get_hook(hook.id).active is False
    bad = expect_error(github.GithubException,
                       lambda: repo.create_hook("web", {"url": "not a url"}, ["push"]), 422)
    assert bad.data["message"] == "Validation Failed", bad.data
    refused = expect_error(github.GithubException, lambda: other.get_repo(repo.full_name).get_hooks().totalCount, 403)
    assert refused.data["message"], "a reader of a public repository may not see its hooks"
    hook.delete()
    expect_error(github.UnknownObjectException, lambda: repo.get_hook(hook.id), 404)
    assert repo.get_hooks().totalCount == 0


def collaborators():
    them = env("ANVIL_OTHER_USER")
    assert repo.has_in_collaborators(them) is False
    assert repo.get_collaborator_permission(them) == "read", "anyone may read a public repository"
    repo.add_to_collaborators(them, "push")
    assert repo.has_in_collaborators(them) is True
    assert repo.get_collaborator_permission(them) == "write"
    assert repo.get_collaborator_permission(me.login) == "admin"
    listed = {u.login: u for u in repo.get_collaborators()}
    assert them in listed, listed
    assert listed[them].permissions.push is True and listed[them].permissions.admin is False
    theirs = other.get_repo(repo.full_name)
    assert theirs.permissions.push is True
    theirs.create_file("from-them.txt", "A collaborator writes", "hi\n")
    repo.add_to_collaborators(them, "pull")
    assert repo.get_collaborator_permission(them) == "read"
    expect_error(github.GithubException, lambda: theirs.create_file("again.txt", "refused", "no\n"), 403)
    repo.remove_from_collaborators(them)
    assert repo.has_in_collaborators(them) is False
    expect_error(github.GithubException, lambda: repo.add_to_collaborators("no-such-" + uuid.uuid4().hex[:6]), 404)


if __name__ == "__main__":
    run(hooks, deliveries_are_signed, edit_ping_delete, collaborators)
