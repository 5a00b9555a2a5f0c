using Anvil.Server.Infrastructure;

namespace Anvil.Server.Web;

/// <summary>Which failures of a service a page's form shows beside the form (the rest become the error page).</summary>
public static class FormRefusals
{
    /// <summary>What a person typed was refused: bad or missing input, a name taken, a file too large.</summary>
    public static bool IsInputRefusal(this AnvilException e) =>
        e.Kind is FailureKind.BadRequest or FailureKind.Validation or FailureKind.Conflict or FailureKind.AlreadyExists or FailureKind.PayloadTooLarge;
}
