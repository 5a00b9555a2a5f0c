using Anvil.Server.Infrastructure;
using Anvil.Server.Infrastructure.Http;
using Microsoft.EntityFrameworkCore;

namespace Anvil.Server.Checks;

/// <summary>One of <c>output.annotations</c> as an integration sends it; null means "not given".</summary>
public sealed record CheckAnnotationInput(string? Path, int? StartLine, int? EndLine, int? StartColumn, int? EndColumn, string? AnnotationLevel,
    string? Message, string? Title, string? RawDetails);

public sealed partial class CheckService
{
    /// <summary>GitHub's limit per create or update request; more are sent by further updates, each appending.</summary>
    public const int MaxAnnotationsPerRequest = 50;
    public const int MaxAnnotationMessageChars = 64 * 1024;
    public const int MaxAnnotationTitleChars = 255;
    public const int MaxAnnotationPathChars = 1024;

    /// <summary>A page of a check run's annotations, in the order they were sent.</summary>
    public async Task<Page<CheckRunAnnotation>> AnnotationsAsync(long repositoryId, long checkRunId, int offset, int limit, CancellationToken ct)
    {
        if (!await db.CheckRuns.AnyAsync(r => r.Id == checkRunId && r.RepositoryId == repositoryId, ct))
        {
            throw NotFound();
        }
        return await db.CheckRunAnnotations.AsNoTracking().Where(a => a.CheckRunId == checkRunId).OrderBy(a => a.Id).ToPageAsync(offset, limit, ct);
    }

    /// <summary>GitHub's rules for annotations, each failure naming the field (<c>output.annotations[2].start_line</c>) in GitHub's 422.</summary>
    private static List<CheckRunAnnotation> ValidateAnnotations(IReadOnlyList<CheckAnnotationInput>? annotations)
    {
        const string resource = "CheckRun";
        if (annotations is null)
        {
            return [];
        }
        if (annotations.Count > MaxAnnotationsPerRequest)
        {
            throw AnvilException.Invalid(resource, "output.annotations",
                $"at most {MaxAnnotationsPerRequest} annotations may be sent per request; send the rest with further updates");
        }
        var result = new List<CheckRunAnnotation>(annotations.Count);
        for (var i = 0; i < annotations.Count; i++)
        {
            var a = annotations[i] ?? throw AnvilException.Invalid(resource, $"output.annotations[{i}]", $"output.annotations[{i}] must be an object");
            var at = $"output.annotations[{i}]";
            string Required(string? value, string field) =>
                string.IsNullOrWhiteSpace(value) ? throw AnvilException.Missing(resource, $"{at}.{field}", $"{at}.{field} is required") : value;
            int RequiredLine(int? value, string field) => value switch
            {
                null => throw AnvilException.Missing(resource, $"{at}.{field}", $"{at}.{field} is required"),
                < 1 => throw AnvilException.Invalid(resource, $"{at}.{field}", $"{at}.{field} must be 1 or more"),
                { } v => v,
            };
            var path = Required(a.Path, "path");
            var level = Required(a.AnnotationLevel, "annotation_level");
            var message = Required(a.Message, "message");
            var startLine = RequiredLine(a.StartLine, "start_line");
            var endLine = RequiredLine(a.EndLine, "end_line");
            if (!AnnotationLevel.All.Contains(level))
            {
                throw AnvilException.Invalid(resource, $"{at}.annotation_level", $"{at}.annotation_level must be one of {string.Join(", ", AnnotationLevel.All)}");
            }
            if (endLine < startLine)
            {
                throw AnvilException.Invalid(resource, $"{at}.end_line", $"{at}.end_line must not be before start_line");
            }
            if ((a.StartColumn is not null || a.EndColumn is not null) && startLine != endLine)
            {
                // GitHub's rule: columns only make sense within one line.
                throw AnvilException.Invalid(resource, $"{at}.start_column", $"{at}: start_column and end_column are only allowed when start_line equals end_line");
            }
            if (a.StartColumn is < 1 || a.EndColumn is < 1 || a.StartColumn is { } sc && a.EndColumn is { } ec && ec < sc)
            {
                throw AnvilException.Invalid(resource, $"{at}.end_column", $"{at}: columns must be 1 or more and end_column not before start_column");
            }
            if (path.Length > MaxAnnotationPathChars || path.StartsWith('/') || path.Contains('\0'))
            {
                throw AnvilException.Invalid(resource, $"{at}.path", $"{at}.path must be a path in the repository, at most {MaxAnnotationPathChars} characters");
            }
            if (message.Length > MaxAnnotationMessageChars || a.RawDetails is { Length: > MaxAnnotationMessageChars })
            {
                throw AnvilException.Invalid(resource, $"{at}.message", $"{at}: message and raw_details must be at most {MaxAnnotationMessageChars} characters");
            }
            if (a.Title is { Length: > MaxAnnotationTitleChars })
            {
                throw AnvilException.Invalid(resource, $"{at}.title", $"{at}.title must be at most {MaxAnnotationTitleChars} characters");
            }
            result.Add(new CheckRunAnnotation
            {
                Path = path, StartLine = startLine, EndLine = endLine, StartColumn = a.StartColumn, EndColumn = a.EndColumn, Level = level,
                Message = message, Title = a.Title, RawDetails = a.RawDetails,
            });
        }
        return result;
    }
}
