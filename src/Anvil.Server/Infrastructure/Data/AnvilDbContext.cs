using Anvil.Server.Auth;
using Anvil.Server.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Anvil.Server.Infrastructure.Data;

/// <summary>
/// The one model. Each database gets a subclass only so that EF keeps a separate migration
/// history per provider (SQLite and PostgreSQL need different DDL).
/// </summary>
public abstract class AnvilDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<User> Users => Set<User>();
    public DbSet<Session> Sessions => Set<Session>();
    public DbSet<EmailToken> EmailTokens => Set<EmailToken>();
    public DbSet<AccessToken> AccessTokens => Set<AccessToken>();
    public DbSet<Repositories.Repository> Repositories => Set<Repositories.Repository>();
    public DbSet<Repositories.Collaborator> Collaborators => Set<Repositories.Collaborator>();
    public DbSet<Repositories.Star> Stars => Set<Repositories.Star>();
    public DbSet<Repositories.RepositoryTopic> RepositoryTopics => Set<Repositories.RepositoryTopic>();
    public DbSet<Notifications.Notification> Notifications => Set<Notifications.Notification>();
    public DbSet<Search.SearchDocument> SearchDocuments => Set<Search.SearchDocument>();
    public DbSet<Checks.CheckSuite> CheckSuites => Set<Checks.CheckSuite>();
    public DbSet<Checks.CheckRun> CheckRuns => Set<Checks.CheckRun>();
    public DbSet<Checks.CheckRunAnnotation> CheckRunAnnotations => Set<Checks.CheckRunAnnotation>();
    public DbSet<Checks.CommitStatus> CommitStatuses => Set<Checks.CommitStatus>();
    public DbSet<Actions.Workflow> Workflows => Set<Actions.Workflow>();
    public DbSet<Actions.WorkflowRun> WorkflowRuns => Set<Actions.WorkflowRun>();
    public DbSet<Actions.WorkflowJob> WorkflowJobs => Set<Actions.WorkflowJob>();
    public DbSet<Actions.JobStep> JobSteps => Set<Actions.JobStep>();
    public DbSet<Actions.JobLogChunk> JobLogChunks => Set<Actions.JobLogChunk>();
    public DbSet<Actions.Runner> Runners => Set<Actions.Runner>();
    public DbSet<Actions.RunnerRegistrationToken> RunnerRegistrationTokens => Set<Actions.RunnerRegistrationToken>();
    public DbSet<Actions.Artifact> Artifacts => Set<Actions.Artifact>();
    public DbSet<Webhooks.Webhook> Webhooks => Set<Webhooks.Webhook>();
    public DbSet<Webhooks.WebhookDelivery> WebhookDeliveries => Set<Webhooks.WebhookDelivery>();
    public DbSet<Webhooks.WebhookAttempt> WebhookAttempts => Set<Webhooks.WebhookAttempt>();
    public DbSet<Discord.DiscordLink> DiscordLinks => Set<Discord.DiscordLink>();
    public DbSet<Discord.DiscordLinkToken> DiscordLinkTokens => Set<Discord.DiscordLinkToken>();
    public DbSet<Issues.Issue> Issues => Set<Issues.Issue>();
    public DbSet<Issues.Label> Labels => Set<Issues.Label>();
    public DbSet<Issues.IssueLabel> IssueLabels => Set<Issues.IssueLabel>();
    public DbSet<Issues.IssueAssignee> IssueAssignees => Set<Issues.IssueAssignee>();
    public DbSet<Issues.IssueComment> IssueComments => Set<Issues.IssueComment>();
    public DbSet<Issues.IssueCounts> IssueCounts => Set<Issues.IssueCounts>();
    public DbSet<Issues.TimelineEvent> TimelineEvents => Set<Issues.TimelineEvent>();
    public DbSet<PullRequests.PullRequest> PullRequests => Set<PullRequests.PullRequest>();
    public DbSet<PullRequests.PullRequestReview> PullRequestReviews => Set<PullRequests.PullRequestReview>();
    public DbSet<PullRequests.PullRequestReviewComment> PullRequestReviewComments => Set<PullRequests.PullRequestReviewComment>();
    public DbSet<PullRequests.ReviewRequest> ReviewRequests => Set<PullRequests.ReviewRequest>();

    protected override void ConfigureConventions(ModelConfigurationBuilder builder)
    {
        // Every timestamp is UTC; SQLite forgets the kind on the way back, so restore it.
        builder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        builder.Properties<DateTime?>().HaveConversion<UtcDateTimeConverter>();
    }

    /// <summary>
    /// Each feature folder holds the IEntityTypeConfiguration of its own entities; they are named here rather than found
    /// with <c>ApplyConfigurationsFromAssembly</c>, whose scan loads every type of the assembly (and the assemblies
    /// those name: the S3 client, HTTP) into memory the server then keeps for its lifetime (issue 21, idle memory).
    /// A test checks that this list names every configuration class.
    /// </summary>
    public static readonly IReadOnlyList<Type> Configurations =
    [
        typeof(UserConfiguration), typeof(SessionConfiguration), typeof(EmailTokenConfiguration),
        typeof(AccessTokenConfiguration), typeof(InvitationConfiguration),
        typeof(Repositories.RepositoryConfiguration), typeof(Repositories.RepositoryRedirectConfiguration),
        typeof(Issues.IssueConfiguration), typeof(Issues.TimelineEventConfiguration),
        typeof(PullRequests.PullRequestConfiguration), typeof(Notifications.NotificationConfiguration),
        typeof(Search.SearchDocumentConfiguration), typeof(Webhooks.WebhookConfiguration),
        typeof(Checks.CheckConfiguration), typeof(Checks.CommitStatusConfiguration),
        typeof(Actions.ActionsConfiguration), typeof(Actions.WorkflowConfiguration),
        typeof(Discord.DiscordConfiguration), typeof(Events.OutboxEventConfiguration),
    ];

    protected override void OnModelCreating(ModelBuilder b)
    {
        var apply = typeof(ModelBuilder).GetMethods().Single(m => m.Name == nameof(ModelBuilder.ApplyConfiguration)
            && m.GetParameters()[0].ParameterType.GetGenericTypeDefinition() == typeof(IEntityTypeConfiguration<>));
        foreach (var type in Configurations)
        {
            var configuration = Activator.CreateInstance(type, nonPublic: true)!;
            foreach (var entity in type.GetInterfaces()
                .Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEntityTypeConfiguration<>)))
            {
                apply.MakeGenericMethod(entity.GenericTypeArguments[0]).Invoke(b, [configuration]);
            }
        }
    }
}

public sealed class SqliteAnvilDbContext(DbContextOptions<SqliteAnvilDbContext> options) : AnvilDbContext(options);

public sealed class PostgresAnvilDbContext(DbContextOptions<PostgresAnvilDbContext> options) : AnvilDbContext(options);

/// <summary>Stores UTC and hands back UTC: SQLite keeps no kind, PostgreSQL's timestamptz insists on UTC.</summary>
internal sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
    v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
    v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
