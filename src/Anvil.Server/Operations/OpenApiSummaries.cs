namespace Anvil.Server.Operations;

/// <summary>
/// A one-line summary for every operation of the OpenAPI document. Collections and their items read the same on every
/// route (<c>GET …/issues</c> is "List issues", <c>PATCH …/issues/{number}</c> "Update an issue"), so those are
/// worded from the path; what is not plain CRUD is named below. A test fails when an operation has no summary.
/// </summary>
public static class OpenApiSummaries
{
    /// <summary>Path segments as a reader names them: singular, plural.</summary>
    private static readonly Dictionary<string, (string One, string Many)> Nouns = new()
    {
        ["repos"] = ("repository", "repositories"), ["repositories"] = ("repository", "repositories"),
        ["issues"] = ("issue", "issues"), ["pulls"] = ("pull request", "pull requests"), ["comments"] = ("comment", "comments"),
        ["labels"] = ("label", "labels"), ["hooks"] = ("webhook", "webhooks"), ["deliveries"] = ("webhook delivery", "webhook deliveries"),
        ["check-runs"] = ("check run", "check runs"), ["check-suites"] = ("check suite", "check suites"),
        ["runs"] = ("workflow run", "workflow runs"), ["jobs"] = ("job", "jobs"), ["artifacts"] = ("artifact", "artifacts"),
        ["runners"] = ("runner", "runners"), ["branches"] = ("branch", "branches"), ["commits"] = ("commit", "commits"),
        ["contents"] = ("file or directory", "contents of the root directory"), ["notifications"] = ("notification", "notifications"),
        ["threads"] = ("notification thread", "notification threads"), ["tokens"] = ("access token", "your access tokens"),
        ["stargazers"] = ("stargazer", "stargazers"), ["forks"] = ("fork", "forks"), ["collaborators"] = ("collaborator", "collaborators"),
        ["reviews"] = ("review", "reviews"), ["review-comments"] = ("review comment", "review comments"), ["users"] = ("user", "users"),
        ["stars"] = ("stargazer", "stargazers"), ["files"] = ("changed file", "changed files"),
    };

    /// <summary>Operations that are not the plain CRUD of a collection, keyed by method and path.</summary>
    private static readonly Dictionary<string, string> Named = new()
    {
        ["GET /health"] = "Health check",
        ["GET /api/v1/repos/{owner}/{name}/issues/events"] = "List issue events for a repository",
        ["GET /api/v1/repos/{owner}/{name}/issues/events/{id}"] = "Get an issue event",
        ["GET /api/v1/repos/{owner}/{name}/issues/{number}/events"] = "List issue events",
        ["GET /api/v1/repos/{owner}/{name}/issues/{number}/timeline"] = "List timeline events for an issue",
        ["GET /api/v1/issues"] = "List issues and pull requests you are involved in, across repositories",
        ["GET /api/v1/user/issues"] = "List issues and pull requests in your repositories or that involve you",
        ["GET /api/v1/repos/{owner}/{name}/issues/comments"] = "List issue comments for a repository",
        ["GET /api/v1/repos/{owner}/{name}/pulls/{number}/requested_reviewers"] = "List requested reviewers for a pull request",
        ["POST /api/v1/repos/{owner}/{name}/pulls/{number}/requested_reviewers"] = "Request reviewers for a pull request",
        ["DELETE /api/v1/repos/{owner}/{name}/pulls/{number}/requested_reviewers"] = "Remove requested reviewers from a pull request",
        ["DELETE /api/v1/repos/{owner}/{name}/pulls/{number}/reviews/{id}"] = "Delete a pending review for a pull request",
        ["POST /api/v1/repos/{owner}/{name}/pulls/{number}/reviews/{id}/events"] = "Submit a pending review for a pull request",
        ["GET /api/v1/repos/{owner}/{name}/pulls/{number}/reviews/{id}/comments"] = "List comments for a pull request review",
        ["PUT /api/v1/repos/{owner}/{name}/pulls/{number}/reviews/{id}/dismissals"] = "Dismiss a review for a pull request",
        ["POST /api/v1/repos/{owner}/{name}/pulls/{number}/comments/{commentId}/replies"] = "Create a reply for a review comment",
        ["GET /api/v1/repos/{owner}/{name}/pulls/comments/{id}"] = "Get a review comment for a pull request",
        ["PATCH /api/v1/repos/{owner}/{name}/pulls/comments/{id}"] = "Update a review comment for a pull request",
        ["DELETE /api/v1/repos/{owner}/{name}/pulls/comments/{id}"] = "Delete a review comment for a pull request",
        ["GET /api/v1/repos/{owner}/{name}/topics"] = "Get all repository topics",
        ["PUT /api/v1/repos/{owner}/{name}/topics"] = "Replace all repository topics",
        ["GET /api/v1/repos/{owner}/{name}/assignees"] = "List available assignees",
        ["GET /api/v1/repos/{owner}/{name}/assignees/{username}"] = "Check whether a user can be assigned",
        ["POST /api/v1/repos/{owner}/{name}/issues/{number}/assignees"] = "Add assignees to an issue",
        ["DELETE /api/v1/repos/{owner}/{name}/issues/{number}/assignees"] = "Remove assignees from an issue",
        ["GET /{owner}/{repo}/pull/{number}.{format}"] = "Get a pull request's change as diff or patch text",
        ["GET /{owner}/{repo}/commit/{sha}.{format}"] = "Get a commit's change as diff or patch text",
        ["GET /{owner}/{repo}/actions/workflows/{file}/badge.svg"] = "Get a workflow's status badge (SVG)",
        ["GET /ws"] = "Open the live notification WebSocket",
        ["GET /{owner}/{repo}/info/refs"] = "Git: advertise refs (smart HTTP)",
        ["POST /{owner}/{repo}/git-upload-pack"] = "Git: fetch or clone (upload-pack)",
        ["POST /{owner}/{repo}/git-receive-pack"] = "Git: push (receive-pack)",
        ["GET /api/v1/meta"] = "Get the server's version and capabilities",
        ["POST /auth/sign-up"] = "Sign up", ["POST /api/auth/sign-up/email"] = "Sign up",
        ["POST /auth/sign-in"] = "Sign in", ["POST /api/auth/sign-in/email"] = "Sign in",
        ["POST /auth/sign-out"] = "Sign out", ["POST /api/auth/sign-out"] = "Sign out",
        ["GET /api/auth/get-session"] = "Get the current session",
        ["GET /api/auth/verify-email"] = "Verify an email address (the mailed link)",
        ["POST /api/auth/send-verification-email"] = "Send the verification mail again",
        ["POST /api/auth/forgot-password"] = "Mail a password-reset link",
        ["POST /api/auth/reset-password"] = "Reset the password with a mailed token",
        ["GET /api/users/me/settings"] = "Get your settings", ["GET /api/settings"] = "Get your settings",
        ["PATCH /api/users/me/settings"] = "Update your profile settings", ["PATCH /api/settings"] = "Update your profile settings",
        ["POST /api/users/me/settings/preferences"] = "Update your preferences", ["POST /api/settings/preferences"] = "Update your preferences",
        ["PATCH /api/users/me/avatar"] = "Upload your avatar", ["PATCH /api/settings/avatar"] = "Upload your avatar",
        ["DELETE /api/users/me/avatar"] = "Remove your avatar", ["DELETE /api/settings/avatar"] = "Remove your avatar",
        ["GET /api/users/me"] = "Get the signed-in user", ["GET /api/v1/user"] = "Get the signed-in user",
        ["PATCH /api/v1/user"] = "Update the signed-in user's profile",
        ["GET /api/users/me/summary"] = "Get a summary of your account",
        ["GET /api/users/{username}/profile"] = "Get a user's profile",
        ["GET /api/users/{username}/avatar"] = "Get a user's avatar image",
        ["GET /api/users/{username}/repositories"] = "List a user's repositories",
        ["GET /api/v1/users/{username}/repos"] = "List a user's repositories",
        ["POST /api/v1/user/repos"] = "Create a repository", ["GET /api/v1/user/repos"] = "List your repositories",
        ["GET /api/v1/user/starred"] = "List repositories you starred",
        ["GET /api/v1/user/starred/{owner}/{name}"] = "Check whether you starred a repository",
        ["PUT /api/v1/user/starred/{owner}/{name}"] = "Star a repository",
        ["DELETE /api/v1/user/starred/{owner}/{name}"] = "Unstar a repository",
        ["POST /api/repositories/{owner}/{name}/star"] = "Star a repository",
        ["DELETE /api/repositories/{owner}/{name}/star"] = "Unstar a repository",
        ["POST /api/repositories/{owner}/{name}/fork"] = "Fork a repository",
        ["POST /api/v1/repos/{owner}/{name}/forks"] = "Fork a repository",
        ["PUT /api/v1/repos/{owner}/{name}/collaborators/{username}"] = "Add a collaborator or change their permission",
        ["GET /api/v1/repos/{owner}/{name}/collaborators/{username}"] = "Check whether a user is a collaborator",
        ["GET /api/v1/repos/{owner}/{name}/collaborators/{username}/permission"] = "Get a collaborator's permission",
        ["GET /api/v1/rate_limit"] = "Get your rate limit status (not counted against it)",
        ["GET /api/v1/repos/{owner}/{name}/languages"] = "List a repository's languages (bytes of code each)",
        ["GET /api/v1/repos/{owner}/{name}/tags"] = "List tags",
        ["GET /api/v1/repos/{owner}/{name}/readme"] = "Get the README",
        ["GET /api/v1/repos/{owner}/{name}/compare/{basehead}"] = "Compare two commits (BASE...HEAD)",
        ["GET /api/v1/repos/{owner}/{name}/readme/{dir}"] = "Get a directory's README",
        ["GET /api/search"] = "Search repositories, issues, pull requests or users",
        ["GET /api/v1/repositories/{id}"] = "Get a repository by id", ["GET /api/v1/repos/{owner}/{name}/pulls/comments"] = "List review comments in a repository", ["GET /api/v1/search/repositories"] = "Search repositories", ["GET /api/v1/search/users"] = "Search users",
        ["GET /api/v1/search/issues"] = "Search issues and pull requests",
        ["GET /api/notifications/unread-count"] = "Count unread notifications",
        ["PATCH /api/notifications/{id}/read"] = "Mark a notification read",
        ["POST /api/notifications/mark-all-read"] = "Mark all notifications read",
        ["PUT /api/v1/notifications"] = "Mark notifications read",
        ["PATCH /api/v1/notifications/threads/{id}"] = "Mark a notification thread read",
        ["GET /api/v1/repos/{owner}/{name}/commits/{sha}/check-runs"] = "List check runs for a commit",
        ["GET /api/v1/repos/{owner}/{name}/check-runs/{id}/annotations"] = "List check run annotations",
        ["POST /api/v1/repos/{owner}/{name}/check-suites/{id}/rerequest"] = "Rerequest a check suite (re-runs an Actions suite's workflow runs)",
        ["GET /api/v1/repos/{owner}/{name}/commits/{sha}/check-suites"] = "List check suites for a commit",
        ["POST /api/v1/repos/{owner}/{name}/statuses/{sha}"] = "Create a commit status",
        ["GET /api/v1/repos/{owner}/{name}/commits/{ref}/statuses"] = "List commit statuses for a reference",
        ["GET /api/v1/repos/{owner}/{name}/statuses/{ref}"] = "List commit statuses for a reference (GitHub's older path)",
        ["GET /api/v1/repos/{owner}/{name}/commits/{ref}/status"] = "Get the combined status for a reference",
        ["GET /api/v1/repos/{owner}/{name}/git/ref/{ref}"] = "Get a reference",
        ["GET /api/v1/repos/{owner}/{name}/git/matching-refs/{ref}"] = "List matching references",
        ["GET /api/v1/repos/{owner}/{name}/git/refs"] = "List all references",
        ["GET /api/v1/repos/{owner}/{name}/git/refs/{ref}"] = "Get a reference, or list the references under a namespace",
        ["POST /api/v1/repos/{owner}/{name}/git/refs"] = "Create a reference",
        ["PATCH /api/v1/repos/{owner}/{name}/git/refs/{ref}"] = "Update a reference (force to move it backwards)",
        ["DELETE /api/v1/repos/{owner}/{name}/git/refs/{ref}"] = "Delete a reference",
        ["GET /api/v1/repos/{owner}/{name}/git/blobs/{sha}"] = "Get a blob",
        ["POST /api/v1/repos/{owner}/{name}/git/blobs"] = "Create a blob",
        ["GET /api/v1/repos/{owner}/{name}/git/trees/{sha}"] = "Get a tree (recursive on request)",
        ["POST /api/v1/repos/{owner}/{name}/git/trees"] = "Create a tree",
        ["GET /api/v1/repos/{owner}/{name}/git/commits/{sha}"] = "Get a commit object",
        ["POST /api/v1/repos/{owner}/{name}/git/commits"] = "Create a commit object",
        ["GET /api/v1/repos/{owner}/{name}/git/tags/{sha}"] = "Get an annotated tag object",
        ["POST /api/v1/repos/{owner}/{name}/git/tags"] = "Create an annotated tag object",
        ["GET /api/v1/repos/{owner}/{name}/actions/runs/{id}/jobs"] = "List the jobs of a workflow run",
        ["GET /api/v1/repos/{owner}/{name}/actions/jobs/{id}/logs"] = "Download a job's log",
        ["GET /api/v1/repos/{owner}/{name}/actions/runs/{id}/artifacts"] = "List the artifacts of a workflow run",
        ["GET /api/v1/repos/{owner}/{name}/actions/artifacts/{id}/zip"] = "Download an artifact",
        ["POST /api/v1/repos/{owner}/{name}/actions/runs/{id}/cancel"] = "Cancel a workflow run",
        ["POST /api/v1/repos/{owner}/{name}/actions/runs/{id}/rerun"] = "Re-run a workflow run",
        ["POST /api/v1/repos/{owner}/{name}/actions/workflows/{workflow_id}/dispatches"] = "Run a workflow (workflow_dispatch)",
        ["GET /api/v1/repos/{owner}/{name}/actions/workflows"] = "List repository workflows",
        ["GET /api/v1/repos/{owner}/{name}/actions/workflows/{workflow_id}"] = "Get a workflow (by id or file name)",
        ["GET /api/v1/repos/{owner}/{name}/actions/workflows/{workflow_id}/runs"] = "List workflow runs for a workflow",
        ["POST /api/v1/repos/{owner}/{name}/actions/runners/registration-token"] = "Create a runner registration token",
        ["POST /api/v1/runners/register"] = "Runner: register with a registration token",
        ["POST /api/v1/runners/heartbeat"] = "Runner: wait for a job (long poll)",
        ["POST /api/v1/jobs/{id}/logs"] = "Runner: append to a job's log",
        ["POST /api/v1/jobs/{id}/artifacts"] = "Runner: upload an artifact",
        ["POST /api/v1/jobs/{id}/steps/{step}/status"] = "Runner: report a step's status",
        ["POST /api/v1/jobs/{id}/status"] = "Runner: report a job's status",
        ["POST /api/v1/jobs/{id}/cancel-check"] = "Runner: ask whether a job was cancelled",
        ["POST /api/v1/repos/{owner}/{name}/hooks/{id}/pings"] = "Ping a webhook",
        ["GET /api/v1/repos/{owner}/{name}/hooks/{id}/config"] = "Get a webhook configuration for a repository",
        ["PATCH /api/v1/repos/{owner}/{name}/hooks/{id}/config"] = "Update a webhook configuration for a repository",
        ["POST /api/v1/repos/{owner}/{name}/hooks/{id}/deliveries/{deliveryId}/attempts"] = "Redeliver a webhook delivery",
        ["POST /api/discord/link/generate"] = "Discord bot: create a link token for a Discord user",
        ["POST /api/discord/link/verify"] = "Link your account to a Discord user with a link token",
        ["POST /api/discord/link/unlink"] = "Remove a Discord link",
        ["GET /api/discord/link/status/{discordId}"] = "Get a Discord user's link",
        ["POST /api/webhooks/discord"] = "Discord: inbound interactions",
        ["GET /api/webhooks/discord/test"] = "Send a test announcement to the Discord channel",
        ["GET /api/repositories/{owner}/{name}/commits/{oid}/diff"] = "Get a commit's diff",
        ["GET /api/repositories/{owner}/{name}/tree"] = "List a directory",
        ["GET /api/repositories/{owner}/{name}/file"] = "Get a file",
        ["GET /api/v1/repos/{owner}/{name}/contents/{path}"] = "Get a file or directory",
        ["PUT /api/v1/repos/{owner}/{name}/contents/{path}"] = "Create or update a file (one commit)",
        ["DELETE /api/v1/repos/{owner}/{name}/contents/{path}"] = "Delete a file (one commit)",
        ["GET /api/v1/repos/{owner}/{name}/tarball"] = "Redirect to a tarball of the default branch",
        ["GET /api/v1/repos/{owner}/{name}/tarball/{ref}"] = "Redirect to a tarball of a ref",
        ["GET /api/v1/repos/{owner}/{name}/zipball"] = "Redirect to a zip archive of the default branch",
        ["GET /api/v1/repos/{owner}/{name}/zipball/{ref}"] = "Redirect to a zip archive of a ref",
        ["GET /api/v1/repos/{owner}/{name}/legacy.tar.gz/{commit}"] = "Download the tarball a tarball link points to (signed for a private repository)",
        ["GET /api/v1/repos/{owner}/{name}/legacy.zip/{commit}"] = "Download the zip archive a zipball link points to (signed for a private repository)",
        ["PUT /api/v1/repos/{owner}/{name}/issues/{number}/lock"] = "Lock an issue",
        ["DELETE /api/v1/repos/{owner}/{name}/issues/{number}/lock"] = "Unlock an issue",
        ["GET /api/v1/repos/{owner}/{name}/labels/{label}"] = "Get a label",
        ["POST /api/v1/repos/{owner}/{name}/labels/{label}"] = "Update a label",
        ["GET /api/v1/repos/{owner}/{name}/issues/{number}/labels"] = "List an issue's labels",
        ["POST /api/v1/repos/{owner}/{name}/issues/{number}/labels"] = "Add labels to an issue",
        ["PUT /api/v1/repos/{owner}/{name}/issues/{number}/labels"] = "Replace an issue's labels",
        ["DELETE /api/v1/repos/{owner}/{name}/issues/{number}/labels"] = "Remove all labels from an issue",
        ["DELETE /api/v1/repos/{owner}/{name}/issues/{number}/labels/{label}"] = "Remove a label from an issue",
        ["GET /api/repositories/{owner}/{name}/pulls/{number}/diff"] = "Get a pull request's diff",
        ["GET /api/v1/repos/{owner}/{name}/pulls/{number}/merge"] = "Check whether a pull request was merged",
        ["PUT /api/v1/repos/{owner}/{name}/pulls/{number}/merge"] = "Merge a pull request",
        ["PUT /api/v1/repos/{owner}/{name}/pulls/{number}/update-branch"] = "Update a pull request branch",
        ["POST /api/repositories/{owner}/{name}/pulls/{number}/merge"] = "Merge a pull request",
    };

    /// <summary>The summary of <paramref name="method"/> <paramref name="path"/>, or null when neither rule nor table has one.</summary>
    public static string? For(string method, string path)
    {
        // As the document shows it: no route constraints ({id:long} is {id}) or catch-all stars ({*dir} is {dir}), no trailing slash.
        path = System.Text.RegularExpressions.Regex.Replace(path, @"\{\*{0,2}([^}:]+)(:[^}]*)?\}", "{$1}").TrimEnd('/');
        if (Named.TryGetValue($"{method} {path}", out var named))
        {
            return named;
        }
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var item = segments.Length > 0 && segments[^1].StartsWith('{');
        var literals = segments.Where(s => !s.StartsWith('{')).ToList();
        if (literals.Count == 0 || !Nouns.TryGetValue(literals[^1], out var noun))
        {
            return null;
        }
        // A nested collection says whose it is: "List comments on a pull request".
        var owner = literals.Count >= 2 && literals[^2] is not ("repos" or "repositories" or "api" or "v1" or "notifications") && Nouns.TryGetValue(literals[^2], out var o)
            ? o.One : null;
        var of = owner is null ? "" : $" of {Article(owner)} {owner}";
        return (method, item) switch
        {
            ("GET", true) => $"Get {Article(noun.One)} {noun.One}{of}",
            ("GET", false) => $"List {noun.Many}{of}",
            ("POST", false) => $"Create {Article(noun.One)} {noun.One}{of}",
            ("PATCH", true) or ("PUT", true) => $"Update {Article(noun.One)} {noun.One}{of}",
            ("DELETE", true) => $"Delete {Article(noun.One)} {noun.One}{of}",
            _ => null,
        };
    }

    private static string Article(string noun) => noun[0] is 'a' or 'e' or 'i' or 'o' or 'u' ? "an" : "a";
}
