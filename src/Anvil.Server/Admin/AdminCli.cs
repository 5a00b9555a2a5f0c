using Anvil.Server.Auth;
using Anvil.Server.Infrastructure;
using Anvil.Server.Infrastructure.Data;
using Anvil.Server.Operations;
using Anvil.Server.Repositories;
using Anvil.Server.Users;
using Microsoft.EntityFrameworkCore;

namespace Anvil.Server.Admin;

/// <summary>
/// <c>Anvil.Server admin …</c>: operator commands run against the same database and rules as the
/// server, without starting it.
/// </summary>
public static class AdminCli
{
    private const string Usage = """
        usage: admin <command>
          create-user --username U --email E --password P [--name N] [--admin]
          user list
          user promote|demote USERNAME   grant or take back site administration
          user disable|enable USERNAME   a disabled user cannot sign in, push or use tokens
          user delete USERNAME           the account and its repositories; what it wrote elsewhere stays, by "ghost"
          invite create [--expires-days D]   a single-use sign-up link (for ANVIL_SIGNUP=invite; default 7 days)
          token create --user U --name N --scopes s1,s2 [--expires-days D]
          token list --user U
          token revoke --user U --id ID
          runners token [--repo OWNER/NAME]      registration token (instance-wide without --repo)
          runners list [--repo OWNER/NAME]
          runners remove --id ID [--repo OWNER/NAME]
          backup create FILE             one archive (.tar.gz) of the database, repositories, blobs and key, taken live
          backup restore FILE            into an empty data directory (and an empty database with DATABASE_URL)
          repos fsck OWNER/NAME          check every object (git fsck); exit 1 if any is broken
          repos gc OWNER/NAME            pack objects and prune garbage (git gc)
        """;

    public static async Task<int> RunAsync(string[] args, IDictionary<string, string?>? configOverrides = null, TextWriter? output = null)
    {
        var stdout = output ?? Console.Out;
        var config = new ConfigurationBuilder().AddEnvironmentVariables();
        if (configOverrides is not null)
        {
            config.AddInMemoryCollection(configOverrides);
        }
        var options = AnvilOptions.FromConfiguration(config.Build());
        // A backup reads the database as it is and a restore needs it empty: neither may migrate it first.
        if (args is ["backup", var action and ("create" or "restore"), var file])
        {
            try
            {
                var backup = new Backup(options, stdout);
                await (action == "create" ? backup.CreateAsync(Path.GetFullPath(file), default) : backup.RestoreAsync(Path.GetFullPath(file), default));
                return 0;
            }
            catch (AnvilException e)
            {
                await Console.Error.WriteLineAsync($"error: {e.Message}");
                return 1;
            }
        }
        var services = new ServiceCollection().AddLogging();
        AnvilApp.AddAnvilServices(services, options);
        await using var provider = services.BuildServiceProvider();
        await DatabaseSetup.MigrateAsync(provider);
        await using var scope = provider.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        try
        {
            switch (args)
            {
                case ["create-user", .. var rest]:
                {
                    var o = Flags(rest);
                    var user = await sp.GetRequiredService<AccountService>().CreateUserAsync(
                        new SignUpRequest(o.Get("email"), o.Get("username"), o.Get("password"), o.Get("name")), isAdmin: o.Has("admin"));
                    await stdout.WriteLineAsync($"created user {user.Username} (id {user.Id}){(user.IsAdmin ? " as admin" : "")}");
                    return 0;
                }
                case ["user", "list"]:
                {
                    foreach (var u in await sp.GetRequiredService<UserAdministration>().ListAsync(default))
                    {
                        var flags = string.Join(',', new[] { u.IsAdmin ? "admin" : null, u.DisabledAt is not null ? "disabled" : null }.OfType<string>());
                        await stdout.WriteLineAsync($"{u.Id}\t{u.Username}\t{u.Email}\t{(flags.Length > 0 ? flags : "-")}\t{u.CreatedAt:O}");
                    }
                    return 0;
                }
                case ["user", var change and ("promote" or "demote"), var username]:
                {
                    var user = await sp.GetRequiredService<UserAdministration>().SetAdminAsync(username, change == "promote", default);
                    await stdout.WriteLineAsync($"{user.Username} is {(user.IsAdmin ? "an administrator" : "no longer an administrator")}");
                    return 0;
                }
                case ["user", var change and ("disable" or "enable"), var username]:
                {
                    var user = await sp.GetRequiredService<UserAdministration>().SetDisabledAsync(username, change == "disable", default);
                    await stdout.WriteLineAsync($"{user.Username} is {(user.DisabledAt is null ? "enabled" : "disabled")}");
                    return 0;
                }
                case ["user", "delete", var username]:
                {
                    await sp.GetRequiredService<UserAdministration>().DeleteAsync(username, default);
                    await stdout.WriteLineAsync($"{username} is deleted");
                    return 0;
                }
                case ["invite", "create", .. var rest]:
                {
                    var o = Flags(rest);
                    int? days = o.Get("expires-days") is { } d ? int.Parse(d) : null;
                    var invitation = await sp.GetRequiredService<InvitationService>().CreateAsync(null, days, options.PublicUrl ?? AnvilApp.DefaultUrl, default);
                    await stdout.WriteLineAsync(invitation.Url);
                    await Console.Error.WriteLineAsync($"expires {invitation.ExpiresAt:O}");
                    return 0;
                }
                case ["token", "create", .. var rest]:
                {
                    var o = Flags(rest);
                    var user = await FindUserAsync(sp, o.Require("user"));
                    var scopes = o.Require("scopes").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    int? days = o.Get("expires-days") is { } d ? int.Parse(d) : null;
                    var created = await sp.GetRequiredService<AccessTokenService>().CreateAsync(user.Id, o.Require("name"), scopes, days, default);
                    await stdout.WriteLineAsync(created.Plaintext);
                    return 0;
                }
                case ["token", "list", .. var rest]:
                {
                    var user = await FindUserAsync(sp, Flags(rest).Require("user"));
                    foreach (var t in await sp.GetRequiredService<AccessTokenService>().ListAsync(user.Id, default))
                    {
                        await stdout.WriteLineAsync($"{t.Id}\t{t.Name}\t{t.Scopes}\t{(t.ExpiresAt is { } e ? e.ToString("O") : "never")}");
                    }
                    return 0;
                }
                case ["token", "revoke", .. var rest]:
                {
                    var o = Flags(rest);
                    var user = await FindUserAsync(sp, o.Require("user"));
                    await sp.GetRequiredService<AccessTokenService>().RevokeAsync(user.Id, long.Parse(o.Require("id")), default);
                    await stdout.WriteLineAsync("revoked");
                    return 0;
                }
                case ["runners", "token", .. var rest]:
                {
                    var repoId = await FindRepositoryIdAsync(sp, Flags(rest).Get("repo"));
                    var (token, expires) = await sp.GetRequiredService<Actions.RunnerService>().CreateRegistrationTokenAsync(repoId, default);
                    await stdout.WriteLineAsync(token);
                    await Console.Error.WriteLineAsync($"expires {expires:O}");
                    return 0;
                }
                case ["runners", "list", .. var rest]:
                {
                    var repoId = await FindRepositoryIdAsync(sp, Flags(rest).Get("repo"));
                    foreach (var r in await sp.GetRequiredService<Actions.RunnerService>().ListAsync(repoId, default))
                    {
                        await stdout.WriteLineAsync($"{r.Id}\t{r.Name}\t{r.Labels.Replace(' ', ',')}\t{r.LastSeenAt:O}");
                    }
                    return 0;
                }
                case ["runners", "remove", .. var rest]:
                {
                    var o = Flags(rest);
                    var repoId = await FindRepositoryIdAsync(sp, o.Get("repo"));
                    if (!await sp.GetRequiredService<Actions.RunnerService>().RemoveAsync(long.Parse(o.Require("id")), repoId, default))
                    {
                        throw AnvilException.NotFound("no such runner");
                    }
                    await stdout.WriteLineAsync("removed");
                    return 0;
                }
                case ["repos", "fsck", var fullName]:
                {
                    var repo = await FindRepositoryAsync(sp, fullName);
                    var report = await sp.GetRequiredService<RepositoryMaintenance>().FsckAsync(repo, default);
                    if (report.Output.Length > 0)
                    {
                        await stdout.WriteLineAsync(report.Output);
                    }
                    await stdout.WriteLineAsync(report.Healthy ? $"{fullName}: ok" : $"{fullName}: broken");
                    return report.Healthy ? 0 : 1;
                }
                case ["repos", "gc", var fullName]:
                {
                    var repo = await FindRepositoryAsync(sp, fullName);
                    await sp.GetRequiredService<RepositoryMaintenance>().GcAsync(repo, default);
                    await stdout.WriteLineAsync($"{fullName}: gc done");
                    return 0;
                }
                default:
                    await Console.Error.WriteLineAsync(Usage);
                    return 2;
            }
        }
        catch (AnvilException e)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}");
            return 1;
        }
        catch (Anvil.Git.GitCommandException e)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}");
            return 1;
        }
        catch (FormatException e)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}");
            return 2;
        }
    }

    private static async Task<User> FindUserAsync(IServiceProvider sp, string username) =>
        await sp.GetRequiredService<UserService>().FindByUsernameAsync(username, default)
        ?? throw AnvilException.NotFound($"no user named '{username}'");

    private static async Task<Repository> FindRepositoryAsync(IServiceProvider sp, string fullName)
    {
        var parts = fullName.Split('/');
        if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
        {
            throw new FormatException($"expected OWNER/NAME, got '{fullName}'");
        }
        return await sp.GetRequiredService<RepositoryAccess>().FindAsOperatorAsync(parts[0], parts[1], default)
            ?? throw AnvilException.NotFound($"no repository named '{fullName}'");
    }

    private static async Task<long?> FindRepositoryIdAsync(IServiceProvider sp, string? fullName) =>
        fullName is null ? null : (await FindRepositoryAsync(sp, fullName)).Id;

    private sealed class FlagSet(Dictionary<string, string?> values)
    {
        public string? Get(string name) => values.GetValueOrDefault(name);
        public bool Has(string name) => values.ContainsKey(name);
        public string Require(string name) => Get(name) ?? throw new FormatException($"--{name} is required");
    }

    private static FlagSet Flags(string[] args)
    {
        var values = new Dictionary<string, string?>();
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new FormatException($"unexpected argument '{args[i]}'");
            }
            var name = args[i][2..];
            var hasValue = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal);
            values[name] = hasValue ? args[++i] : null;
        }
        return new FlagSet(values);
    }
}
