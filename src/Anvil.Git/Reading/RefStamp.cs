using System.Text;

namespace Anvil.Git.Reading;

/// <summary>
/// What the branches and tags of a bare repository are stored in, summed up: the modification time and size of
/// <c>packed-refs</c> and the modification time of every directory under <c>refs/heads</c> and <c>refs/tags</c>. Git changes
/// a ref by writing a lock file and renaming it over the ref, deletes one by unlinking it, and rewrites <c>packed-refs</c>
/// the same way, so every change to a ref changes a directory's time or <c>packed-refs</c>: a listing kept under this
/// stamp is current while the stamp is.
/// </summary>
/// <remarks>
/// A file system's clock is coarse (a few milliseconds here), so two changes in one tick can leave the same time. As git
/// does with its index ("racy git"), a stamp is given only when every time in it is older than <see cref="Settled"/>: a
/// later change is then stamped later than anything in it, so it cannot look the same.
/// </remarks>
internal sealed record RefStamp(string Key)
{
    public static readonly TimeSpan Settled = TimeSpan.FromSeconds(2);

    /// <summary>The stamp, or null while something in it changed too recently (or cannot be read) to be trusted.</summary>
    public static RefStamp? Of(string gitDir)
    {
        try
        {
            var settledBefore = DateTime.UtcNow - Settled;
            var key = new StringBuilder();
            var packed = new FileInfo(Path.Combine(gitDir, "packed-refs"));
            if (packed.Exists)
            {
                if (packed.LastWriteTimeUtc >= settledBefore)
                {
                    return null;
                }
                key.Append(packed.LastWriteTimeUtc.Ticks).Append(':').Append(packed.Length);
            }
            foreach (var root in new[] { "refs/heads", "refs/tags" })
            {
                var top = new DirectoryInfo(Path.Combine(gitDir, root));
                key.Append('|').Append(root);
                if (!top.Exists)
                {
                    key.Append('-');
                    continue;
                }
                foreach (var dir in top.EnumerateDirectories("*", SearchOption.AllDirectories).Prepend(top))
                {
                    var at = dir.LastWriteTimeUtc;
                    if (at >= settledBefore)
                    {
                        return null;
                    }
                    key.Append(' ').Append(Path.GetRelativePath(top.FullName, dir.FullName)).Append('=').Append(at.Ticks);
                }
            }
            return new RefStamp(key.ToString());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // changing under us: ask git
        }
    }
}
