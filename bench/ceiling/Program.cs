// One route answering a small JSON document, with nothing else in the pipeline: the most requests per second
// ASP.NET Core can serve on this machine, the ceiling Anvil's API rows are compared against.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var app = builder.Build();
app.MapGet("/", () => Results.Json(new Ceiling(1, "ceiling", "public")));
app.Run();

internal sealed record Ceiling(long Id, string Name, string Visibility);
