using System.Buffers;
using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;

namespace Anvil.Server.Infrastructure.Http;

// The typed answers of ApiJson. A handler that returns one declares, through its own return type,
// the status and body type it answers with: the OpenAPI document reads that declaration, so it
// cannot drift from what the handler really writes. (The surface's naming is applied to the
// schema by OpenApiSurfaceSchemas, from the route's path, as ApiJson applies it on the wire.)

/// <summary>A JSON body of type <typeparamref name="T"/> in the request's surface shape, with <paramref name="status"/>.</summary>
public abstract class JsonAnswer<T>(HttpContext ctx, T value, int status) : IResult
{
    public T Value => value;

    public Task ExecuteAsync(HttpContext httpContext) => ApiJson.WriteAsync(ctx, value, status);

    /// <summary>What each answer type tells OpenAPI: its status and <typeparamref name="T"/> as the JSON body.</summary>
    protected static void Declare(EndpointBuilder builder, int answerStatus) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(answerStatus, typeof(T), ["application/json"]));
}

/// <summary>200 and a JSON body of type <typeparamref name="T"/>.</summary>
public sealed class JsonOk<T>(HttpContext ctx, T value) : JsonAnswer<T>(ctx, value, Status), IEndpointMetadataProvider
{
    private const int Status = StatusCodes.Status200OK;

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Declare(builder, Status);
}

/// <summary>A <typeparamref name="T"/> already serialized, as UTF-8, in the shape of the surface it is answered on.</summary>
public readonly record struct Utf8Json<T>(byte[] Bytes);

/// <summary>
/// 200 and a JSON array of items serialized beforehand (<see cref="Utf8Json{T}"/>: kept, so each is serialized once
/// however often it is answered), declared to OpenAPI as the list of <typeparamref name="T"/> it is.
/// </summary>
public sealed class JsonItemsOk<T>(IReadOnlyList<Utf8Json<T>> items) : IResult, IEndpointMetadataProvider
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = 2 + Math.Max(0, items.Count - 1) + items.Sum(i => (long)i.Bytes.Length);
        var body = response.BodyWriter;
        body.Write("["u8);
        for (var i = 0; i < items.Count; i++)
        {
            if (i > 0)
            {
                body.Write(","u8);
            }
            body.Write(items[i].Bytes);
        }
        body.Write("]"u8);
        await body.FlushAsync(httpContext.RequestAborted);
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(List<T>), ["application/json"]));
}

/// <summary>201 and the created resource, of type <typeparamref name="T"/>.</summary>
public sealed class JsonCreated<T>(HttpContext ctx, T value) : JsonAnswer<T>(ctx, value, Status), IEndpointMetadataProvider
{
    private const int Status = StatusCodes.Status201Created;

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Declare(builder, Status);
}

/// <summary>202 and a JSON body of type <typeparamref name="T"/>.</summary>
public sealed class JsonAccepted<T>(HttpContext ctx, T value) : JsonAnswer<T>(ctx, value, Status), IEndpointMetadataProvider
{
    private const int Status = StatusCodes.Status202Accepted;

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Declare(builder, Status);
}

/// <summary>205 and no body.</summary>
public sealed class ResetContent : IResult, IEndpointMetadataProvider
{
    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = StatusCodes.Status205ResetContent;
        return Task.CompletedTask;
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status205ResetContent, typeof(void)));
}

/// <summary>
/// A handler parameter standing for the request's JSON body of type <typeparamref name="T"/>. Binding
/// reads nothing (so route filters — authentication — still run before the body is looked at); the
/// handler reads it with <see cref="ReadAsync"/>, which is <see cref="ApiJson.ReadBodyAsync{T}"/>. Being
/// a parameter, it declares the request body type to OpenAPI from the same type the handler reads.
/// </summary>
public sealed class JsonBody<T>(HttpRequest request) : IBindableFromHttpContext<JsonBody<T>>, IEndpointParameterMetadataProvider
    where T : class
{
    /// <summary>The body; an empty or malformed body is a 400.</summary>
    public Task<T> ReadAsync() => request.ReadBodyAsync<T>();

    public static ValueTask<JsonBody<T>?> BindAsync(HttpContext context, ParameterInfo parameter) =>
        ValueTask.FromResult<JsonBody<T>?>(new JsonBody<T>(context.Request));

    public static void PopulateMetadata(ParameterInfo parameter, EndpointBuilder builder) => BodyMetadata.Declare<T>(builder, isOptional: false);
}

/// <summary>Like <see cref="JsonBody{T}"/> for a body the client may leave out.</summary>
public sealed class OptionalJsonBody<T>(HttpRequest request) : IBindableFromHttpContext<OptionalJsonBody<T>>, IEndpointParameterMetadataProvider
    where T : class
{
    /// <summary>The body, or <paramref name="empty"/> when none was sent (<see cref="ApiJson.ReadOptionalBodyAsync{T}"/>).</summary>
    public Task<T?> ReadAsync(T? empty) => request.ReadOptionalBodyAsync(empty);

    public static ValueTask<OptionalJsonBody<T>?> BindAsync(HttpContext context, ParameterInfo parameter) =>
        ValueTask.FromResult<OptionalJsonBody<T>?>(new OptionalJsonBody<T>(context.Request));

    public static void PopulateMetadata(ParameterInfo parameter, EndpointBuilder builder) => BodyMetadata.Declare<T>(builder, isOptional: true);
}

internal static class BodyMetadata
{
    // No content types on purpose: routing turns content types in accepts-metadata into a 415 for any
    // other Content-Type, and Anvil reads JSON whatever the header says (curl -d sends form encoding).
    // The OpenAPI document still says application/json (OpenApiSurfaceSchemas).
    public static void Declare<T>(EndpointBuilder builder, bool isOptional) =>
        builder.Metadata.Add(new AcceptsMetadata([], typeof(T), isOptional));
}
