using System.Text.Json;
using System.Text.Json.Nodes;
using Anvil.Server.Infrastructure;
using Anvil.Server.Infrastructure.Data;
using Anvil.Server.Infrastructure.Storage;
using Microsoft.EntityFrameworkCore;

namespace Anvil.Server.Users;

/// <summary>
/// A change to a profile: each field null to keep it. <see cref="TwitterUsername"/> and <see cref="Hireable"/> are GitHub's
/// (v1 only), so they are not read from a sigmagit body.
/// </summary>
public sealed record ProfileUpdate(string? Name, string? Email, string? Bio, string? Location, string? Website, string? Company, string? Pronouns)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public string? TwitterUsername { get; init; }

    [System.Text.Json.Serialization.JsonIgnore]
    public bool? Hireable { get; init; }
}

public sealed class UserService(AnvilDbContext db, IBlobStore blobs, TimeProvider clock)
{
    public const long MaxAvatarBytes = 5 * 1024 * 1024;

    public Task<User?> FindByUsernameAsync(string username, CancellationToken ct)
    {
        if (username.Length > NameRules.MaxUsernameLength)
        {
            return Task.FromResult<User?>(null);
        }
        var normalized = NameRules.Normalize(username);
        return db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.NormalizedUsername == normalized, ct);
    }

    public async Task<User> GetByUsernameAsync(string username, CancellationToken ct) =>
        await FindByUsernameAsync(username, ct) ?? throw AnvilException.NotFound("user not found");

    /// <summary>
    /// The one set of profile rules, for the settings page, sigmagit's settings and GitHub's <c>PATCH /user</c>. A refused
    /// field names GitHub's field (v1 answers it in <c>errors</c>); nothing is saved unless every field passes.
    /// </summary>
    public async Task<User> UpdateProfileAsync(long userId, ProfileUpdate update, CancellationToken ct)
    {
        var user = await db.Users.FirstAsync(u => u.Id == userId, ct);
        if (update.Name is not null)
        {
            user.Name = Bounded(update.Name.Trim(), 100, "name") is { Length: > 0 } n ? n : throw AnvilException.Invalid(Resource, "name", "name cannot be empty");
        }
        if (update.Bio is not null)
        {
            user.Bio = Bounded(update.Bio, 500, "bio");
        }
        if (update.Location is not null)
        {
            user.Location = Bounded(update.Location.Trim(), 100, "location");
        }
        if (update.Company is not null)
        {
            user.Company = Bounded(update.Company.Trim(), 100, "company");
        }
        if (update.Pronouns is not null)
        {
            user.Pronouns = Bounded(update.Pronouns.Trim(), 40, "pronouns");
        }
        if (update.Website is not null)
        {
            var site = Bounded(update.Website.Trim(), 255, "blog", "website");
            if (site.Length > 0 && !(Uri.TryCreate(site, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
            {
                throw AnvilException.Invalid(Resource, "blog", "website must be an http or https URL");
            }
            user.Website = site;
        }
        if (update.TwitterUsername is not null)
        {
            var handle = update.TwitterUsername.Trim().TrimStart('@');
            user.TwitterUsername = handle.Length == 0 || NameRules.IsTwitterUsername(handle) ? handle
                : throw AnvilException.Invalid(Resource, "twitter_username", "twitter_username must be 1 to 15 letters, digits or underscores");
        }
        if (update.Hireable is { } hireable)
        {
            user.Hireable = hireable;
        }
        if (update.Email is not null && !string.Equals(update.Email.Trim(), user.Email, StringComparison.Ordinal))
        {
            if (NameRules.EmailProblem(update.Email) is { } problem)
            {
                throw AnvilException.Invalid(Resource, "email", problem);
            }
            var normalized = NameRules.Normalize(update.Email);
            if (await db.Users.AnyAsync(u => u.NormalizedEmail == normalized && u.Id != userId, ct))
            {
                throw EmailTaken();
            }
            user.Email = update.Email.Trim();
            user.NormalizedEmail = normalized;
            user.EmailVerified = false;
            user.EmailVerifiedAt = null;
        }
        user.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            throw EmailTaken();
        }
        return user;
    }

    /// <summary>GitHub's resource name for a user in a validation error.</summary>
    private const string Resource = "User";

    // 409 on sigmagit as before; on v1 GitHub's 422 already_exists.
    private static AnvilException EmailTaken() => AnvilException.Taken(Resource, "email", "email is already registered");

    /// <summary>Known preferences and the JSON kinds they take; anything else is refused so typos are not silently kept.</summary>
    private static readonly Dictionary<string, Func<JsonNode?, bool>> PreferenceRules = new()
    {
        ["theme"] = v => v is JsonValue j && j.TryGetValue<string>(out var s) && s is "light" or "dark" or "system",
        ["emailNotifications"] = v => v is JsonValue j && j.TryGetValue<bool>(out _),
        ["language"] = v => v is JsonValue j && j.TryGetValue<string>(out var s) && s.Length is > 0 and <= 16,
        ["showEmail"] = v => v is JsonValue j && j.TryGetValue<bool>(out _),
        ["defaultRepositoryVisibility"] = v => v is JsonValue j && j.TryGetValue<string>(out var s) && s is "public" or "private",
    };

    public static JsonObject ReadPreferences(User user) => JsonNode.Parse(user.PreferencesJson) as JsonObject ?? new JsonObject();

    public async Task<JsonObject> UpdatePreferencesAsync(long userId, JsonObject changes, CancellationToken ct)
    {
        foreach (var (key, value) in changes)
        {
            if (!PreferenceRules.TryGetValue(key, out var valid))
            {
                throw AnvilException.BadRequest($"unknown preference '{key}'; known: {string.Join(", ", PreferenceRules.Keys)}");
            }
            if (!valid(value))
            {
                throw AnvilException.BadRequest($"preference '{key}' has an invalid value");
            }
        }
        var user = await db.Users.FirstAsync(u => u.Id == userId, ct);
        var prefs = ReadPreferences(user);
        foreach (var (key, value) in changes)
        {
            prefs[key] = value?.DeepClone();
        }
        user.PreferencesJson = prefs.ToJsonString();
        user.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        return prefs;
    }

    /// <summary>Stores a new avatar after checking by content that it is an image.</summary>
    public async Task<User> SetAvatarAsync(long userId, Stream content, long length, CancellationToken ct)
    {
        if (length > MaxAvatarBytes)
        {
            throw new AnvilException(FailureKind.PayloadTooLarge, "avatar must be at most 5 MB");
        }
        using var buffer = new MemoryStream();
        await content.CopyToAsync(buffer, ct);
        if (buffer.Length > MaxAvatarBytes)
        {
            throw new AnvilException(FailureKind.PayloadTooLarge, "avatar must be at most 5 MB");
        }
        var type = ImageSniffer.ContentTypeOf(buffer.GetBuffer().AsSpan(0, (int)Math.Min(buffer.Length, 16)))
            ?? throw AnvilException.BadRequest("avatar must be a PNG, JPEG, GIF or WebP image");
        var user = await db.Users.FirstAsync(u => u.Id == userId, ct);
        var key = $"avatars/{userId}/{user.AvatarVersion + 1}";
        buffer.Position = 0;
        await blobs.PutAsync(key, buffer, type, ct);
        return await ReplaceAvatarAsync(user, key, type, ct);
    }

    public async Task<User> RemoveAvatarAsync(long userId, CancellationToken ct) =>
        await ReplaceAvatarAsync(await db.Users.FirstAsync(u => u.Id == userId, ct), null, null, ct);

    /// <summary>Points the user at the new avatar (a new version, so caches of the old one miss), then drops the old blob.</summary>
    private async Task<User> ReplaceAvatarAsync(User user, string? key, string? contentType, CancellationToken ct)
    {
        var oldKey = user.AvatarKey;
        user.AvatarKey = key;
        user.AvatarContentType = contentType;
        user.AvatarVersion++;
        user.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        if (oldKey is not null)
        {
            await blobs.DeleteAsync(oldKey, ct);
        }
        return user;
    }

    public Task<Stream?> OpenAvatarAsync(User user, CancellationToken ct) =>
        user.AvatarKey is null ? Task.FromResult<Stream?>(null) : blobs.OpenReadAsync(user.AvatarKey, ct);

    /// <summary>The avatar of someone who never uploaded one: their initial on a colour derived from their id.</summary>
    public static string DefaultAvatarSvg(User user)
    {
        var hue = (int)(user.Id * 137 % 360);
        var initial = char.ToUpperInvariant(user.Username[0]);
        return $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"128\" height=\"128\" viewBox=\"0 0 128 128\">" +
               $"<rect width=\"128\" height=\"128\" fill=\"hsl({hue},55%,55%)\"/>" +
               $"<text x=\"64\" y=\"84\" font-family=\"sans-serif\" font-size=\"64\" text-anchor=\"middle\" fill=\"#fff\">{initial}</text></svg>";
    }

    /// <param name="field">GitHub's name of the field; <paramref name="said"/> the name the message uses, where it differs.</param>
    private static string Bounded(string value, int max, string field, string? said = null) =>
        value.Length <= max ? value : throw AnvilException.Invalid(Resource, field, $"{said ?? field} must be at most {max} characters");
}
