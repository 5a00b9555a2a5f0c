using System.Text.Json.Nodes;
using Anvil.Server.Infrastructure.Events;
using Anvil.Server.PullRequests;
using Anvil.Server.Repositories;
using Anvil.Server.Users;

namespace Anvil.Server.Webhooks;

/// <summary>
/// <c>pull_request</c> (opened, edited, closed, reopened, synchronize, converted_to_draft, ready_for_review; a merge is
/// <c>closed</c> with <c>merged: true</c>), <c>pull_request_review</c> and <c>pull_request_review_comment</c>, in GitHub's payloads.
/// </summary>
public sealed class PullRequestEventHooks(WebhookQueue queue, WebhookPayloads payloads, PullRequestService pulls, PullRequestReviews reviews, RepositoryViews views)
    : IDomainEventHandler<PullRequestOpened>, IDomainEventHandler<PullRequestEdited>, IDomainEventHandler<PullRequestClosed>,
      IDomainEventHandler<PullRequestReopened>, IDomainEventHandler<PullRequestSynchronized>, IDomainEventHandler<PullRequestDraftChanged>,
      IDomainEventHandler<PullRequestMerged>, IDomainEventHandler<PullRequestReviewSubmitted>, IDomainEventHandler<PullRequestReviewDismissed>,
      IDomainEventHandler<PullRequestReviewCommented>
{
    public Task HandleAsync(PullRequestOpened evt, CancellationToken ct) => SendAsync(evt.Repository, evt.PullRequest, evt.Actor, "opened", null, ct);

    public Task HandleAsync(PullRequestEdited evt, CancellationToken ct)
    {
        var changes = new JsonObject();
        if (evt.PreviousTitle is not null)
        {
            changes["title"] = new JsonObject { ["from"] = evt.PreviousTitle };
        }
        if (evt.PreviousBody is not null)
        {
            changes["body"] = new JsonObject { ["from"] = evt.PreviousBody };
        }
        if (evt.PreviousBaseBranch is not null)
        {
            changes["base"] = new JsonObject
            {
                ["ref"] = new JsonObject { ["from"] = evt.PreviousBaseBranch },
                ["sha"] = new JsonObject { ["from"] = evt.PreviousBaseOid },
            };
        }
        return SendAsync(evt.Repository, evt.PullRequest, evt.Actor, "edited", new JsonObject { ["changes"] = changes }, ct);
    }

    public Task HandleAsync(PullRequestClosed evt, CancellationToken ct) => SendAsync(evt.Repository, evt.PullRequest, evt.Actor, "closed", null, ct);

    public Task HandleAsync(PullRequestReopened evt, CancellationToken ct) => SendAsync(evt.Repository, evt.PullRequest, evt.Actor, "reopened", null, ct);

    public Task HandleAsync(PullRequestSynchronized evt, CancellationToken ct) =>
        SendAsync(evt.Repository, evt.PullRequest, evt.Actor, "synchronize", new JsonObject { ["before"] = evt.BeforeOid, ["after"] = evt.AfterOid }, ct);

    public Task HandleAsync(PullRequestDraftChanged evt, CancellationToken ct) =>
        SendAsync(evt.Repository, evt.PullRequest, evt.Actor, evt.IsDraft ? "converted_to_draft" : "ready_for_review", null, ct);

    public Task HandleAsync(PullRequestMerged evt, CancellationToken ct) => SendAsync(evt.Repository, evt.PullRequest, evt.Actor, "closed", null, ct);

    public Task HandleAsync(PullRequestReviewSubmitted evt, CancellationToken ct) =>
        SendReviewAsync(evt.Repository, evt.PullRequest, evt.Review, evt.Actor, "submitted", ct);

    public Task HandleAsync(PullRequestReviewDismissed evt, CancellationToken ct) =>
        SendReviewAsync(evt.Repository, evt.PullRequest, evt.Review, evt.Actor, "dismissed", ct);

    private async Task SendReviewAsync(Repository repo, PullRequest pullRequest, PullRequestReview review, User actor, string action, CancellationToken ct)
    {
        var pr = await pulls.GetByIdAsync(repo, pullRequest.Id, ct);
        var fields = new JsonObject
        {
            ["action"] = action,
            ["review"] = WebhookPayloads.Node(review.ToV1(pr, await reviews.AssociationAsync(repo, review.AuthorId, ct), payloads.BaseUrl)),
            ["pull_request"] = await PullRequestAsync(pr, ct),
        };
        await queue.DispatchAsync(repo, "pull_request_review", await payloads.BuildAsync(repo, actor, fields, ct), ct);
    }

    public async Task HandleAsync(PullRequestReviewCommented evt, CancellationToken ct)
    {
        var pr = await pulls.GetByIdAsync(evt.Repository, evt.PullRequest.Id, ct);
        var fields = new JsonObject
        {
            ["action"] = "created",
            ["comment"] = WebhookPayloads.Node(evt.Comment.ToV1(pr, await reviews.AssociationAsync(evt.Repository, evt.Comment.AuthorId, ct), payloads.BaseUrl)),
            ["pull_request"] = await PullRequestAsync(pr, ct),
        };
        await queue.DispatchAsync(evt.Repository, "pull_request_review_comment", await payloads.BuildAsync(evt.Repository, evt.Actor, fields, ct), ct);
    }

    /// <summary>
    /// A change made to the issue half of a pull request (labels, assignees, lock) is a <c>pull_request</c> event on
    /// GitHub, with the same action and fields as the <c>issues</c> event would carry.
    /// </summary>
    public async Task SendForIssueAsync(Repository repo, long issueId, User actor, string action, JsonObject extra, CancellationToken ct) =>
        await SendAsync(repo, await pulls.GetByIssueIdAsync(repo, issueId, ct), actor, action, extra, ct);

    private Task SendAsync(Repository repo, PullRequest pullRequest, User actor, string action, JsonObject? extra, CancellationToken ct) =>
        SendAsync(repo, pullRequest.Id, actor, action, extra, ct);

    private async Task SendAsync(Repository repo, long pullRequestId, User actor, string action, JsonObject? extra, CancellationToken ct)
    {
        var pr = await pulls.GetByIdAsync(repo, pullRequestId, ct);
        var fields = new JsonObject { ["action"] = action, ["number"] = pr.Issue.Number };
        foreach (var (key, value) in extra ?? [])
        {
            fields[key] = value?.DeepClone();
        }
        fields["pull_request"] = await PullRequestAsync(pr, ct);
        await queue.DispatchAsync(repo, "pull_request", await payloads.BuildAsync(repo, actor, fields, ct), ct);
    }

    private async Task<JsonObject> PullRequestAsync(PullRequestDetails pr, CancellationToken ct)
    {
        var repos = await PullRequestViews.ReposOf([pr], views, ct);
        var node = WebhookPayloads.Node(pr.ToV1(payloads.BaseUrl, repos, 0));
        // The actor's permissions belong to an API response, not to a message sent to third parties.
        foreach (var side in new[] { "head", "base" })
        {
            (node[side]?["repo"] as JsonObject)?.Remove("permissions");
        }
        return node;
    }
}
