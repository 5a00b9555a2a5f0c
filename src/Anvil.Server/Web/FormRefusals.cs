using Anvil.Web.Ports;
using Anvil.Server.Infrastructure;

namespace Anvil.Server.Web;

/// <summary>Which failures of a service a page's form shows beside the form (the rest become the error page).</summary>
public static class FormRefusals
{
    /// <summary>What a person typed was refused: bad or missing input, a name taken, a file too large.</summary>
    public static bool IsInputRefusal(this AnvilException e) =>
        e.Kind is FailureKind.BadRequest or FailureKind.Validation or FailureKind.Conflict or FailureKind.AlreadyExists or FailureKind.PayloadTooLarge;

    /// <summary>
    /// Runs a change a form asked for; what the person asked wrongly, may not do, or cannot do in this state becomes the
    /// sentence the page shows (a missing or private thing still becomes the 404 page).
    /// </summary>
    public static async Task<FormResult> AttemptAsync(Func<Task> change)
    {
        try
        {
            await change();
            return FormResult.Done;
        }
        catch (AnvilException e) when (e.IsInputRefusal() || e.Kind is FailureKind.Forbidden or FailureKind.Unmergeable or FailureKind.NotAllowed)
        {
            return new FormResult(WebAccounts.Sentence(e.Message));
        }
    }
}
