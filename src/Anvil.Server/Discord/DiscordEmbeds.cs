using System.Text.Json.Nodes;

namespace Anvil.Server.Discord;

/// <summary>
/// Discord messages (<c>{username, embeds:[…]}</c>) built from GitHub-shaped webhook payloads, so
/// every event that has a payload can be announced by adding one case here.
/// </summary>
public static class DiscordEmbeds
{
    private const int Green = 0x2EA043, Blue = 0x1F6FEB, Gold = 0xE3B341, Purple = 0x8957E5, Grey = 0x6E7781;
    private const int MaxDescription = 2000;

    public static JsonObject? ForEvent(string eventName, JsonObject payload)
    {
        var repo = payload["repository"]?["full_name"]?.GetValue<string>() ?? "";
        var repoUrl = payload["repository"]?["html_url"]?.GetValue<string>();
        var sender = payload["sender"]?["login"]?.GetValue<string>() ?? "";
        var avatar = payload["sender"]?["avatar_url"]?.GetValue<string>();
        switch (eventName)
        {
            case "push" when payload["deleted"]?.GetValue<bool>() != true:
            {
                var branch = payload["ref"]!.GetValue<string>().Split('/', 3)[^1];
                var commits = payload["commits"]!.AsArray();
                var lines = commits.Select(c => $"`{c!["id"]!.GetValue<string>()[..7]}` {FirstLine(c["message"]!.GetValue<string>())}");
                return Message(Embed($"[{repo}:{branch}] {commits.Count} new commit{(commits.Count == 1 ? "" : "s")}",
                    payload["compare"]?.GetValue<string>(), string.Join('\n', lines), Blue, sender, avatar));
            }
            case "star" when payload["action"]?.GetValue<string>() == "created":
                return Message(Embed($"[{repo}] New star", repoUrl, $"{sender} starred {repo}", Gold, sender, avatar));
            case "fork":
                var forkee = payload["forkee"]?["full_name"]?.GetValue<string>();
                return Message(Embed($"[{repo}] Fork created: {forkee}", payload["forkee"]?["html_url"]?.GetValue<string>(),
                    $"{sender} forked {repo}", Purple, sender, avatar));
            case "issues":
            case "pull_request":
            {
                var item = payload[eventName == "issues" ? "issue" : "pull_request"];
                var action = payload["action"]?.GetValue<string>();
                return Message(Embed($"[{repo}] {(eventName == "issues" ? "Issue" : "Pull request")} {action}: #{item?["number"]} {item?["title"]}",
                    item?["html_url"]?.GetValue<string>(), item?["body"]?.GetValue<string>() ?? "", Green, sender, avatar));
            }
            default:
                return null;
        }
    }

    /// <summary>A message from an external service (<c>POST /api/webhooks/discord</c>).</summary>
    public static JsonObject Inbound(string type, string owner, string name, JsonObject? data)
    {
        var title = data?["title"] is JsonValue t && t.TryGetValue<string>(out var s) ? s : $"{type} event";
        var description = data?["message"] is JsonValue m && m.TryGetValue<string>(out var d) ? d
            : data?["description"] is JsonValue m2 && m2.TryGetValue<string>(out var d2) ? d2 : "";
        var url = data?["url"] is JsonValue u && u.TryGetValue<string>(out var us) && Uri.TryCreate(us, UriKind.Absolute, out var parsed)
            && parsed.Scheme is "http" or "https" ? us : null;
        var author = data?["author"] is JsonValue a && a.TryGetValue<string>(out var au) ? au : null;
        return Message(Embed($"[{owner}/{name}] {title}", url, description, Grey, author, null));
    }

    public static JsonObject Test(string instanceName) =>
        Message(Embed("Anvil webhook test", null, $"Discord notifications from {instanceName} are working.", Green, null, null));

    private static JsonObject Message(JsonObject embed) => new()
    {
        ["username"] = "Anvil",
        ["embeds"] = new JsonArray(embed),
    };

    private static JsonObject Embed(string title, string? url, string description, int color, string? author, string? avatar)
    {
        var embed = new JsonObject
        {
            ["title"] = Truncate(title, 256),
            ["description"] = Truncate(description, MaxDescription),
            ["color"] = color,
            ["timestamp"] = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"),
        };
        if (url is not null)
        {
            embed["url"] = url;
        }
        if (!string.IsNullOrEmpty(author))
        {
            embed["author"] = new JsonObject { ["name"] = Truncate(author, 256), ["icon_url"] = avatar };
        }
        return embed;
    }

    private static string FirstLine(string message) => Truncate(message.Split('\n', 2)[0], 80);

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";
}
