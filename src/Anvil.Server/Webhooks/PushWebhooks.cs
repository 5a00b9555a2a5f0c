using System.Text;
using System.Text.Json.Nodes;
using Anvil.Git;
using Anvil.Server.Infrastructure.Events;
using Anvil.Server.Repositories;

namespace Anvil.Server.Webhooks;

/// <summary><c>push</c> for every changed ref, plus <c>create</c>/<c>delete</c> for created and deleted branches and tags.</summary>
public sealed class PushWebhooks(WebhookQueue queue, WebhookPayloads payloads, RepositoryStore store) : IDomainEventHandler<RepositoryPushed>
{
    /// <summary>GitHub lists at most this many commits in a push payload.</summary>
    public const int MaxCommits = 20;

    public async Task HandleAsync(RepositoryPushed evt, CancellationToken ct)
    {
        var repo = evt.Repository;
        if (!await queue.HasListenersAsync(repo, ["push", "create", "delete"], ct))
        {
            return; // reading the pushed commits costs git processes; nobody would see them
        }
        var gitDir = store.Open(repo).GitDir;
        var baseUrl = payloads.BaseUrl;
        var repoUrl = $"{baseUrl}/{repo.Owner.Username}/{repo.Name}";
        foreach (var change in evt.Changes)
        {
            var commits = change.IsDelete ? [] : await PushCommits.ListAsync(gitDir, change, MaxCommits, ct);
            var head = change.IsDelete ? null : commits.LastOrDefault(c => c.Id == change.NewOid) ?? await PushCommits.OneAsync(gitDir, change.NewOid, ct);
            var forced = !change.IsCreate && !change.IsDelete && !await Merger.IsAncestorAsync(gitDir, change.OldOid, change.NewOid, ct);
            var push = new JsonObject
            {
                ["ref"] = change.RefName,
                ["before"] = change.OldOid,
                ["after"] = change.NewOid,
                ["created"] = change.IsCreate,
                ["deleted"] = change.IsDelete,
                ["forced"] = forced,
                ["base_ref"] = null,
                ["compare"] = change.IsCreate ? $"{repoUrl}/commit/{change.NewOid[..12]}" : $"{repoUrl}/compare/{change.OldOid[..12]}...{change.NewOid[..12]}",
                ["commits"] = new JsonArray(commits.Select(c => (JsonNode)c.ToJson(repoUrl)).ToArray()),
                ["head_commit"] = head?.ToJson(repoUrl),
                ["pusher"] = new JsonObject { ["name"] = evt.Pusher.Username, ["email"] = evt.Pusher.Email },
            };
            await queue.DispatchAsync(repo, "push", await payloads.BuildAsync(repo, evt.Pusher, push, ct), ct);

            var (kind, name) = RefNames.BranchOf(change.RefName) is { } branch ? ("branch", branch)
                : RefNames.TagOf(change.RefName) is { } tag ? ("tag", tag) : (null, null);
            if (kind is null || (!change.IsCreate && !change.IsDelete))
            {
                continue;
            }
            var refEvent = new JsonObject
            {
                ["ref"] = name,
                ["ref_type"] = kind,
            };
            if (change.IsCreate)
            {
                refEvent["master_branch"] = repo.DefaultBranch;
                refEvent["description"] = repo.Description.Length == 0 ? null : repo.Description;
            }
            refEvent["pusher_type"] = "user";
            await queue.DispatchAsync(repo, change.IsCreate ? "create" : "delete", await payloads.BuildAsync(repo, evt.Pusher, refEvent, ct), ct);
        }
    }

}

/// <summary>A commit as a push payload lists it.</summary>
public sealed record PushCommit(string Id, string TreeId, string Message, string Timestamp, string AuthorName, string AuthorEmail,
    string CommitterName, string CommitterEmail, List<string> Added, List<string> Removed, List<string> Modified)
{
    public JsonObject ToJson(string repoUrl) => new()
    {
        ["id"] = Id,
        ["tree_id"] = TreeId,
        ["distinct"] = true,
        ["message"] = Message,
        ["timestamp"] = Timestamp,
        ["url"] = $"{repoUrl}/commit/{Id}",
        ["author"] = new JsonObject { ["name"] = AuthorName, ["email"] = AuthorEmail },
        ["committer"] = new JsonObject { ["name"] = CommitterName, ["email"] = CommitterEmail },
        ["added"] = new JsonArray(Added.Select(p => (JsonNode)p).ToArray()),
        ["removed"] = new JsonArray(Removed.Select(p => (JsonNode)p).ToArray()),
        ["modified"] = new JsonArray(Modified.Select(p => (JsonNode)p).ToArray()),
    };
}

/// <summary>What a ref change brought in, read with the git CLI.</summary>
public static class PushCommits
{
    private const string Format = "%H%x00%T%x00%aI%x00%an%x00%ae%x00%cn%x00%ce%x00%B%x1e";

    /// <summary>
    /// The commits <paramref name="change"/> added, oldest first (at most <paramref name="max"/>, the newest ones):
    /// <c>old..new</c> for an update; for a new ref, what no other branch already had.
    /// </summary>
    public static async Task<List<PushCommit>> ListAsync(string gitDir, RefChange change, int max, CancellationToken ct)
    {
        var result = await GitCli.RunAsync(gitDir, ["log", $"--max-count={max}", "--format=" + Format, .. Range(change), "--"], ct: ct);
        if (!result.Success)
        {
            return [];
        }
        var commits = Parse(result.StdoutText);
        commits.Reverse();
        await FillChangesAsync(gitDir, commits, ct);
        return commits;
    }

    /// <summary>
    /// The revisions <c>git log</c> takes for what <paramref name="change"/> brought in: <c>old..new</c> for an update; for a
    /// new ref, what no other branch already had.
    /// </summary>
    public static List<string> Range(RefChange change) => change.IsCreate
        ? [change.NewOid, "--not", .. ExcludeSelf(change.RefName), "--branches"]
        : [$"{change.OldOid}..{change.NewOid}"];

    private static IEnumerable<string> ExcludeSelf(string refName) =>
        RefNames.BranchOf(refName) is { } branch ? ["--exclude=" + branch] : [];

    public static async Task<PushCommit?> OneAsync(string gitDir, string oid, CancellationToken ct)
    {
        var result = await GitCli.RunAsync(gitDir, ["log", "--max-count=1", "--format=" + Format, oid, "--"], ct: ct);
        if (!result.Success || Parse(result.StdoutText) is not [var commit])
        {
            return null; // e.g. a tag pointing at a tree or blob
        }
        await FillChangesAsync(gitDir, [commit], ct);
        return commit;
    }

    private static List<PushCommit> Parse(string text) =>
        text.Split('\x1e').Select(r => r.TrimStart('\n')).Where(r => r.Length > 0).Select(record =>
        {
            var f = record.Split('\0');
            return new PushCommit(f[0], f[1], f[7].TrimEnd('\n'), f[2], f[3], f[4], f[5], f[6], [], [], []);
        }).ToList();

    /// <summary>The paths each commit added, removed and modified, from one <c>git diff-tree --stdin</c> for all of them.</summary>
    private static async Task FillChangesAsync(string gitDir, IReadOnlyList<PushCommit> commits, CancellationToken ct)
    {
        if (commits.Count == 0)
        {
            return;
        }
        var ids = Encoding.ASCII.GetBytes(string.Concat(commits.Select(c => c.Id + "\n")));
        var result = await GitCli.RunAsync(gitDir, ["diff-tree", "--stdin", "--name-status", "--no-renames", "-r", "-z", "--root"], ids, ct: ct);
        if (!result.Success)
        {
            return;
        }
        var byId = commits.ToDictionary(c => c.Id);
        // "<commit id>\0" opens each commit's part, then "<status>\0<path>\0" pairs. A status is one letter, so
        // any longer field outside a pair is the next commit id (a path that looks like one is read as a path).
        PushCommit? current = null;
        var fields = Encoding.UTF8.GetString(result.Stdout).Split('\0', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < fields.Length; i++)
        {
            if (fields[i].Length != 1)
            {
                current = byId.GetValueOrDefault(fields[i].Trim());
                continue;
            }
            if (current is null || i + 1 >= fields.Length)
            {
                continue;
            }
            (fields[i][0] switch
            {
                'A' => current.Added,
                'D' => current.Removed,
                _ => current.Modified,
            }).Add(fields[++i]);
        }
    }
}
