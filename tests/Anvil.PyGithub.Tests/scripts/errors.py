"""Errors as PyGithub raises them: BadCredentialsException (401), UnknownObjectException (404, also for a private
repository one cannot read), GithubException with status and GitHub's message/errors/documentation_url (401 without
credentials, 403 for a missing scope or role, 422 with errors, 409, 405)."""
import uuid

import github

from harness import client, env, expect_error, run, settled

g = client(env("ANVIL_TOKEN"))
other = client(env("ANVIL_OTHER_TOKEN"))
anonymous = client()
me = g.get_user()
public = me.create_repo("errors-" + uuid.uuid4().hex[:6])
private = me.create_repo("errors-private-" + uuid.uuid4().hex[:6], private=True)


def bad_credentials():
    bad = client("shp_" + "x" * 40)
    err = expect_error(github.BadCredentialsException, lambda: bad.get_user().login, 401)
    assert err.data["message"] == "Bad credentials", err.data
    assert err.data["documentation_url"].startswith("http"), err.data
    expect_error(github.BadCredentialsException, lambda: bad.get_repo(public.full_name), 401)


def requires_authentication():
    err = expect_error(github.GithubException, lambda: anonymous.get_user().login, 401)
    assert err.data["message"] == "Requires authentication", err.data
    assert anonymous.get_repo(public.full_name).name == public.name, "public reads need no credentials"
    expect_error(github.GithubException, lambda: anonymous.get_repo(public.full_name).create_issue("anon"), 401)


def not_found():
    err = expect_error(github.UnknownObjectException, lambda: g.get_repo(f"{me.login}/no-such-repo"), 404)
    assert err.data["message"] == "Not Found" and err.data["documentation_url"], err.data
    for who in (other, anonymous):
        expect_error(github.UnknownObjectException, lambda: who.get_repo(private.full_name), 404)
        expect_error(github.UnknownObjectException, lambda: who.get_repo(private.full_name, lazy=True).get_issues()[0], 404)
        expect_error(github.UnknownObjectException,
                     lambda: who.get_repo(private.full_name, lazy=True).get_contents("README.md"), 404)
    expect_error(github.UnknownObjectException, lambda: g.get_user("no-such-" + uuid.uuid4().hex[:6]).id, 404)
    expect_error(github.UnknownObjectException, lambda: public.get_issue(12345), 404)


def forbidden():
    read_only = client(env("ANVIL_READ_ONLY_TOKEN"))
    err = expect_error(github.GithubException, lambda: read_only.get_user().create_repo("scopeless"), 403)
    assert err.data["message"], err.data
    theirs = other.get_repo(public.full_name)
    expect_error(github.GithubException, lambda: theirs.create_label("nope", "ffffff"), 403)
    expect_error(github.GithubException, lambda: theirs.delete(), 403)
    assert g.get_repo(public.full_name).name == public.name, "nothing changed"


def validation_failed():
    err = expect_error(github.GithubException, lambda: me.create_repo(public.name), 422)
    assert err.data["message"] == "Validation Failed", err.data
    assert err.data["errors"] == [{"resource": "Repository", "field": "name", "code": "already_exists"}], err.data["errors"]
    bad_name = expect_error(github.GithubException, lambda: me.create_repo("bad name!"), 422)
    assert bad_name.data["errors"][0]["resource"] == "Repository" and bad_name.data["errors"][0]["message"], bad_name.data
    no_title = expect_error(github.GithubException, lambda: public.create_issue(""), 422)
    assert no_title.data["message"] == "Validation Failed" and no_title.data["errors"], no_title.data
    bad_color = expect_error(github.GithubException, lambda: public.create_label("x", "not-a-colour"), 422)
    assert bad_color.data["errors"][0]["resource"] == "Label" and "color" in bad_color.data["errors"][0]["message"], bad_color.data
    assert [i.number for i in public.get_issues(state="all")] == [], "nothing half-written"


def conflicts_and_refusals():
    public.create_file("f.txt", "Add f", "f\n")
    stale = expect_error(github.GithubException,
                         lambda: public.update_file("f.txt", "stale", "g\n", "0" * 40), 409)
    assert stale.data["message"], stale.data
    assert public.get_contents("f.txt").decoded_content == b"f\n"
    head = public.get_branch("main").commit.sha
    public.create_git_ref("refs/heads/clash", head)
    public.update_file("f.txt", "main side", "main\n", public.get_contents("f.txt").sha)
    public.update_file("f.txt", "clash side", "clash\n", public.get_contents("f.txt", ref="clash").sha, branch="clash")
    pr = public.create_pull(title="Clash", body="", base="main", head="clash")
    pr = settled(public, pr.number)
    assert pr.mergeable is False and pr.mergeable_state == "dirty", (pr.mergeable, pr.mergeable_state)
    refused = expect_error(github.GithubException, lambda: pr.merge(), 405)
    assert refused.data["message"], refused.data
    assert public.get_pull(pr.number).merged is False


if __name__ == "__main__":
    run(bad_credentials, requires_authentication, not_found, forbidden, validation_failed, conflicts_and_refusals)
