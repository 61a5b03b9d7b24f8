using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace DigitalCell.Web;

/// <summary>
/// The middleware every request passes: a request id (ASP.NET Core's, in every log line's scope; echoed in <c>X-Request-Id</c> and in error bodies),
/// security headers, the API key for <c>/api/v1</c>, and the error policy — refusals become their 4xx with a JSON body,
/// a cancelled or timed-out request 504, and only a bug 500 (logged with the request id, no detail sent).
/// </summary>
internal static class RequestSafety
{
    /// <summary>
    /// Scripts only from this origin (no inline script, no eval: the page uses SVG plotly traces, not WebGL ones);
    /// styles allow inline because plotly.js sets element styles; nothing may frame the page.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; " +
        "font-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>The header that carries the API key.</summary>
    public const string ApiKeyHeader = "X-Api-Key";

    /// <summary>Runs <paramref name="next"/> under the platform's request policy.</summary>
    public static async Task Handle(HttpContext http, Func<Task> next, WebPlatformOptions options, ILogger logger)
    {
        var clock = Stopwatch.StartNew();
        string id = http.TraceIdentifier;
        var headers = http.Response.Headers;
        headers["X-Request-Id"] = id;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        try
        {
            if (options.ApiKey is string key && http.Request.Path.StartsWithSegments("/api/v1") && !http.Request.Path.StartsWithSegments("/api/v1/health")
                && !KeyMatches(http.Request.Headers[ApiKeyHeader].ToString(), key))
                throw new ApiProblem(401, $"This server needs an API key: send it in the {ApiKeyHeader} header.");
            await next();
        }
        catch (ApiProblem problem)
        {
            await WriteError(http, problem.Status, problem.Message, problem.Field, problem.Suggestions);
        }
        catch (BadHttpRequestException e)
        {
            // Kestrel's own limits (body size, malformed framing) and binding failures.
            await WriteError(http, e.StatusCode, e.Message, null, []);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // The request timed out (the timeout middleware cancels RequestAborted) or the client went away.
            await WriteError(http, StatusCodes.Status504GatewayTimeout, $"The request took longer than {options.RequestTimeout.TotalSeconds:0} s and was stopped.", null, []);
        }
        catch (Sdk.DigitalCellException e)
        {
            // The SDK refused the request's combination (e.g. a model that cannot predict a context): the request's fault.
            await WriteError(http, StatusCodes.Status422UnprocessableEntity, e.Message, null, []);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Unhandled error for {Method} {Path}", http.Request.Method, http.Request.Path.Value);
            await WriteError(http, StatusCodes.Status500InternalServerError, "Internal error; the server log has the details under this request id.", null, []);
        }
        finally
        {
            // Health is polled by probes and by the page while starting: logged only at debug level.
            logger.Log(http.Request.Path.StartsWithSegments("/api/v1/health") ? LogLevel.Debug : LogLevel.Information,
                "{Method} {Path} → {Status} in {Milliseconds:0.0} ms", http.Request.Method, http.Request.Path.Value, http.Response.StatusCode, clock.Elapsed.TotalMilliseconds);
        }
    }

    private static bool KeyMatches(string given, string key) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    private static async Task WriteError(HttpContext http, int status, string message, string? field, IReadOnlyList<string> suggestions)
    {
        if (http.Response.HasStarted) return;
        http.Response.Clear();
        foreach (var (name, value) in new[] { ("X-Request-Id", http.TraceIdentifier), ("Content-Security-Policy", ContentSecurityPolicy), ("X-Content-Type-Options", "nosniff"), ("X-Frame-Options", "DENY") })
            http.Response.Headers[name] = value;
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json; charset=utf-8";
        await http.Response.WriteAsync(JsonSerializer.Serialize(new ErrorBody(message, field, suggestions, http.TraceIdentifier), WebPlatform.Json), CancellationToken.None);
    }
}
