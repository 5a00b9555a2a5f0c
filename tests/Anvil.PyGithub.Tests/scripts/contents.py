"""Contents and git data: files read, written and deleted through the API, compare, refs, trees, blobs, commits, tags."""
import base64

import github
from github import InputGitAuthor, InputGitTreeElement

from harness import client, env, expect_error, run

g = client(env("ANVIL_TOKEN"))
repo = g.get_repo(env("ANVIL_REPO"))


def read_contents():
    readme = repo.get_contents("README.md")
    assert readme.type == "file" and readme.path == "README.md" and readme.name == "README.md", readme
    assert readme.encoding == "base64" and readme.decoded_content == b"# pushed\n", readme.content
    assert readme.size == 9 and len(readme.sha) == 40, readme.size
    assert readme.html_url and readme.download_url, readme.download_url
    root = repo.get_contents("")
    assert sorted(c.name for c in root) == ["README.md", "docs", "src"], [c.name for c in root]
    assert {c.name: c.type for c in root}["src"] == "dir"
    src = repo.get_contents("src", ref="feature")
    assert sorted(c.path for c in src) == ["src/app.py", "src/feature.py"], [c.path for c in src]
    assert [c.path for c in repo.get_dir_contents("docs")] == ["docs/guide.md"]
    at_main = repo.get_contents("src/feature.py", ref="feature")
    assert at_main.decoded_content == b"print('feature')\n"
    expect_error(github.UnknownObjectException, lambda: repo.get_contents("src/feature.py"), 404)
    readme = repo.get_readme()
    assert readme.path == "README.md" and readme.decoded_content == b"# pushed\n"


def write_contents():
    created = repo.create_file("notes/todo.txt", "Add todo", "one\n", branch="feature",
                               author=InputGitAuthor("Py Author", "py@example.com"))
    content, commit = created["content"], created["commit"]
    assert content.path == "notes/todo.txt" and len(content.sha) == 40, content
    assert repo.get_branch("feature").commit.sha == commit.sha
    made = repo.get_commit(commit.sha)
    assert made.commit.message == "Add todo" and made.commit.author.name == "Py Author", made.commit.author
    updated = repo.update_file("notes/todo.txt", "Update todo", "one\ntwo\n", content.sha, branch="feature")
    assert updated["commit"].parents[0].sha == commit.sha
    assert repo.get_contents("notes/todo.txt", ref="feature").decoded_content == b"one\ntwo\n"
    stale = expect_error(github.GithubException,
                         lambda: repo.update_file("notes/todo.txt", "stale", "x", content.sha, branch="feature"), 409)
    assert "message" in stale.data, stale.data
    deleted = repo.delete_file("notes/todo.txt", "Remove todo", updated["content"].sha, branch="feature")
    assert deleted["content"] is github.GithubObject.NotSet, deleted
    assert repo.get_commit(deleted["commit"].sha).commit.message == "Remove todo"
    expect_error(github.UnknownObjectException, lambda: repo.get_contents("notes/todo.txt", ref="feature"), 404)


def compare():
    comparison = repo.compare("main", "feature")
    assert comparison.status == "ahead" and comparison.ahead_by >= 1 and comparison.behind_by == 0, comparison.status
    assert comparison.total_commits == comparison.ahead_by
    assert comparison.commits[0].commit.message == "Add feature", comparison.commits[0].commit.message
    assert "src/feature.py" in [f.filename for f in comparison.files]
    assert comparison.merge_base_commit.sha == repo.get_branch("main").commit.sha
    back = repo.compare("feature", "main")
    assert back.status == "behind" and back.behind_by == comparison.ahead_by


def refs():
    main = repo.get_git_ref("heads/main")
    assert main.ref == "refs/heads/main" and main.object.type == "commit" and len(main.object.sha) == 40, main.ref
    names = [r.ref for r in repo.get_git_refs()]
    assert "refs/heads/main" in names and "refs/heads/feature" in names, names
    assert [r.ref for r in repo.get_git_matching_refs("heads/feat")] == ["refs/heads/feature"]
    made = repo.create_git_ref("refs/heads/scratch", main.object.sha)
    assert made.ref == "refs/heads/scratch" and made.object.sha == main.object.sha
    feature_sha = repo.get_git_ref("heads/feature").object.sha
    made.edit(feature_sha)
    assert repo.get_git_ref("heads/scratch").object.sha == feature_sha
    expect_error(github.GithubException, lambda: made.edit(main.object.sha), 422)
    made.edit(main.object.sha, force=True)
    assert repo.get_git_ref("heads/scratch").object.sha == main.object.sha
    made.delete()
    expect_error(github.UnknownObjectException, lambda: repo.get_git_ref("heads/scratch"), 404)
    exists = expect_error(github.GithubException, lambda: repo.create_git_ref("refs/heads/main", main.object.sha), 422)
    assert exists.data["message"], exists.data


def trees_blobs_commits_tags():
    head = repo.get_git_commit(repo.get_branch("main").commit.sha)
    assert head.message.rstrip("\n") == "Add app" and head.author.name == "Ada Author", (head.message, head.author.raw_data)
    assert head.committer.name == "Cid Committer" and len(head.parents) == 1
    tree = repo.get_git_tree(head.tree.sha)
    assert sorted(e.path for e in tree.tree) == ["README.md", "docs", "src"], tree.tree
    deep = repo.get_git_tree(head.sha, recursive=True)
    assert "src/app.py" in [e.path for e in deep.tree if e.type == "blob"]
    blob_entry = next(e for e in tree.tree if e.path == "README.md")
    blob = repo.get_git_blob(blob_entry.sha)
    assert blob.encoding == "base64" and base64.b64decode(blob.content) == b"# pushed\n" and blob.size == 9
    new_blob = repo.create_git_blob("made by the API\n", "utf-8")
    assert repo.get_git_blob(new_blob.sha).size == 16
    new_tree = repo.create_git_tree([InputGitTreeElement("api.txt", "100644", "blob", sha=new_blob.sha)], tree)
    assert "api.txt" in [e.path for e in new_tree.tree] and "README.md" in [e.path for e in new_tree.tree]
    me = InputGitAuthor("Tree Maker", "tree@example.com", "2024-01-02T03:04:05Z")
    commit = repo.create_git_commit("Commit through the API", new_tree, [head], author=me, committer=me)
    assert commit.message.rstrip("\n") == "Commit through the API" and commit.parents[0].sha == head.sha, commit.parents
    assert commit.author.name == "Tree Maker" and commit.tree.sha == new_tree.sha
    repo.get_git_ref("heads/main").edit(commit.sha)
    assert repo.get_contents("api.txt").decoded_content == b"made by the API\n"
    tag = repo.create_git_tag("v2.0", "Release two", commit.sha, "commit", tagger=me)
    assert tag.tag == "v2.0" and tag.message.strip() == "Release two" and tag.object.sha == commit.sha, tag.message
    repo.create_git_ref("refs/tags/v2.0", tag.sha)
    got = repo.get_git_tag(tag.sha)
    assert got.tagger.name == "Tree Maker" and got.object.type == "commit"
    assert "v2.0" in [t.name for t in repo.get_tags()]


if __name__ == "__main__":
    run(read_contents, write_contents, compare, refs, trees_blobs_commits_tags)
