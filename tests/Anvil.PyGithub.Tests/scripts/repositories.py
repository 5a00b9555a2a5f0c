"""Repositories: create, read, edit, list with filters, topics, languages, branches, stars, forks, archive links, archive, delete."""
import io
import tarfile
import uuid
import zipfile

import github
import requests

from harness import client, env, expect_error, run

g = client(env("ANVIL_TOKEN"))
other = client(env("ANVIL_OTHER_TOKEN"))
me = g.get_user()
name = "pyg-" + uuid.uuid4().hex[:8]


def authenticated_user():
    assert me.login == env("ANVIL_USER"), me.login
    assert me.id > 0
    assert me.html_url.endswith("/" + env("ANVIL_USER")), me.html_url
    assert g.get_user(env("ANVIL_OTHER_USER")).login == env("ANVIL_OTHER_USER")


def create_and_get():
    repo = me.create_repo(name, description="made by PyGithub", private=False, has_issues=True)
    assert repo.name == name and repo.full_name == f"{me.login}/{name}", repo.full_name
    assert repo.owner.login == me.login
    assert repo.description == "made by PyGithub"
    assert repo.private is False
    assert repo.default_branch == "main", repo.default_branch
    got = g.get_repo(f"{me.login}/{name}")
    assert got.id == repo.id
    assert got.clone_url.endswith(f"/{me.login}/{name}.git"), got.clone_url
    assert got.html_url.endswith(f"/{me.login}/{name}"), got.html_url
    assert got.ssh_url is None, got.ssh_url
    for template in ("hooks_url", "issues_url", "pulls_url", "commits_url", "contents_url", "forks_url"):
        assert getattr(got, template), template
    assert got.subscribers_count >= 0 and got.network_count >= 0
    assert got.archived is False
    assert got.permissions.admin and got.permissions.push and got.permissions.pull
    assert me.get_repo(name).id == repo.id
    # By id (GET /repositories/{id}), and a private repository by id is not found to someone who cannot read it.
    assert g.get_repo(repo.id).full_name == repo.full_name and other.get_repo(repo.id).id == repo.id
    hidden = me.create_repo(name + "-hidden", private=True)
    assert g.get_repo(hidden.id).private is True
    expect_error(github.UnknownObjectException, lambda: other.get_repo(hidden.id), 404)
    expect_error(github.UnknownObjectException, lambda: g.get_repo(999_999_999), 404)
    err = expect_error(github.GithubException, lambda: me.create_repo(name), 422)
    assert err.data["message"] == "Validation Failed", err.data
    assert err.data["errors"][0]["code"] == "already_exists", err.data


def edit():
    repo = g.get_repo(f"{me.login}/{name}")
    repo.edit(description="edited", has_wiki=False)
    assert repo.description == "edited" and repo.has_wiki is False, repo.description
    assert g.get_repo(f"{me.login}/{name}").description == "edited"


def list_with_filters():
    private_name = name + "-private"
    me.create_repo(private_name, private=True)
    mine = [r.name for r in me.get_repos()]
    assert name in mine and private_name in mine, mine
    public = [r.name for r in me.get_repos(visibility="public")]
    assert name in public and private_name not in public, public
    private = [r.name for r in me.get_repos(visibility="private")]
    assert private_name in private and name not in private, private
    owned = [r.name for r in me.get_repos(affiliation="owner", sort="created", direction="asc")]
    assert owned.index(name) < owned.index(private_name), owned
    newest_first = [r.name for r in me.get_repos(type="owner", sort="created", direction="desc")]
    assert newest_first.index(private_name) < newest_first.index(name), newest_first
    theirs = [r.name for r in other.get_user(me.login).get_repos()]
    assert name in theirs and private_name not in theirs, theirs
    expect_error(github.UnknownObjectException, lambda: other.get_repo(f"{me.login}/{private_name}"), 404)


def topics_and_languages():
    repo = g.get_repo(f"{me.login}/{name}")
    repo.replace_topics(["python", "forge"])
    assert sorted(repo.get_topics()) == ["forge", "python"], repo.get_topics()
    repo.create_file("main.py", "add code", "print('hi')\n")
    languages = repo.get_languages()
    assert "Python" in languages and languages["Python"] > 0, languages


def branches_and_tags():
    repo = g.get_repo(f"{me.login}/{name}")
    head = repo.get_branch("main")
    assert head.name == "main" and len(head.commit.sha) == 40, head.commit.sha
    assert head.commit.commit.message == "add code", head.commit.commit.message
    assert head.protected is False
    repo.create_git_ref("refs/heads/dev", head.commit.sha)
    assert sorted(b.name for b in repo.get_branches()) == ["dev", "main"]
    assert repo.get_branches().totalCount == 2
    repo.create_git_ref("refs/tags/v1.0", head.commit.sha)
    tags = list(repo.get_tags())
    assert [t.name for t in tags] == ["v1.0"] and tags[0].commit.sha == head.commit.sha, tags
    expect_error(github.GithubException, lambda: repo.get_branch("nope"), 404)


def stars():
    repo = other.get_repo(f"{me.login}/{name}")
    them = other.get_user()
    assert not them.has_in_starred(repo)
    them.add_to_starred(repo)
    assert them.has_in_starred(repo)
    assert f"{me.login}/{name}" in [r.full_name for r in them.get_starred()]
    assert env("ANVIL_OTHER_USER") in [u.login for u in repo.get_stargazers()]
    assert g.get_repo(f"{me.login}/{name}").stargazers_count == 1
    them.remove_from_starred(repo)
    assert not them.has_in_starred(repo)


def forks():
    repo = other.get_repo(f"{me.login}/{name}")
    fork = repo.create_fork()
    assert fork.fork is True and fork.owner.login == env("ANVIL_OTHER_USER"), fork.full_name
    assert fork.parent.full_name == f"{me.login}/{name}", fork.parent
    assert [f.full_name for f in g.get_repo(f"{me.login}/{name}").get_forks()] == [fork.full_name]


def readme_and_archives():
    repo = g.get_repo(f"{me.login}/{name}")
    repo.create_file("README.md", "readme", "# Hello\n")
    readme = repo.get_readme()
    assert readme.path == "README.md" and readme.decoded_content == b"# Hello\n", readme.path
    assert repo.get_readme(ref="main").path == "README.md"
    # A public repository's archive link needs no token; whoever follows it gets the archive.
    public_link = repo.get_archive_link("tarball")
    assert "/legacy.tar.gz/" in public_link and "token=" not in public_link, public_link
    assert requests.get(public_link, timeout=120).status_code == 200


def private_archive_links():
    """A private repository's links carry a short-lived signed token: clients drop Authorization when they follow a redirect."""
    vault = me.create_repo(name + "-vault", private=True, auto_init=True)
    sha = vault.get_branch("main").commit.sha
    link = vault.get_archive_link("tarball", "main")
    assert f"/legacy.tar.gz/{sha}?token=" in link, link
    got = requests.get(link, timeout=120)  # no credentials at all
    assert got.status_code == 200 and got.headers["content-type"] == "application/x-gzip", got.status_code
    names = tarfile.open(fileobj=io.BytesIO(got.content), mode="r:gz").getnames()
    folder = f"{me.login}-{vault.name}-{sha[:7]}"
    assert folder + "/README.md" in names and all(n.startswith(folder) for n in names), names
    zip_link = vault.get_archive_link("zipball")
    entries = zipfile.ZipFile(io.BytesIO(requests.get(zip_link, timeout=120).content)).namelist()
    assert folder + "/README.md" in entries, entries
    # Without its token, with a forged one, or with the other format's, the URL shows nothing.
    assert requests.get(link.split("?")[0], timeout=120).status_code == 404
    forged = link[:-1] + ("0" if link[-1] != "0" else "1")
    assert requests.get(forged, timeout=120).status_code == 404
    assert requests.get(zip_link.replace("/legacy.zip/", "/legacy.tar.gz/"), timeout=120).status_code == 404
    # Someone who cannot read the repository gets no link at all.
    stranger_view = other.get_repo(vault.full_name, lazy=True)
    expect_error(github.UnknownObjectException, lambda: stranger_view.get_archive_link("tarball", "main"), 404)


def archive_and_delete():
    repo = g.get_repo(f"{me.login}/{name}")
    repo.edit(archived=True)
    assert g.get_repo(f"{me.login}/{name}").archived is True
    assert repo.get_contents("main.py").decoded_content == b"print('hi')\n"
    expect_error(github.GithubException, lambda: repo.create_file("x.txt", "refused", "x"), 403)
    doomed = g.get_repo(f"{me.login}/{name}-private")
    doomed.delete()
    expect_error(github.UnknownObjectException, lambda: g.get_repo(f"{me.login}/{name}-private"), 404)


if __name__ == "__main__":
    run(authenticated_user, create_and_get, edit, list_with_filters, topics_and_languages, branches_and_tags, stars,
        forks, readme_and_archives, private_archive_links, archive_and_delete)
