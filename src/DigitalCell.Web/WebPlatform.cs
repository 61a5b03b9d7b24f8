using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.RateLimiting;
using DigitalCell.Sdk;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DigitalCell.Web;

/// <summary>
/// The digital-cell web platform (<c>dcell serve</c>): builds the ASP.NET Core application — API, OpenAPI document,
/// pages, request policy — and starts loading data and fitting models in the background (health answers 503 until ready).
/// </summary>
public static class WebPlatform
{
    /// <summary>The API's JSON conventions: snake_case names, unknown request fields refused, nulls kept.</summary>
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        NumberHandling = JsonNumberHandling.Strict,
        // Answers are application/json with nosniff, so quotes and '+' need no \u escapes: messages stay readable.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>
    /// Builds the application. <paramref name="configure"/> runs on the builder last (the tests swap Kestrel for the
    /// in-memory test server there).
    /// </summary>
    /// <exception cref="DigitalCellException">A non-loopback host without an API key, or an invalid port.</exception>
    public static WebApplication Build(WebPlatformOptions options, WebPlatformSources sources, Action<WebApplicationBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(sources);
        var address = CheckBinding(options);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = typeof(WebPlatform).Assembly.GetName().Name });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => { o.IncludeScopes = true; o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
        builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.None);
        // One line per request from the platform (with its request id) instead of ASP.NET Core's five.
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(address, options.Port);
            k.Limits.MaxRequestBodySize = options.MaxRequestBytes;
            k.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
            k.AddServerHeader = false;
        });
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = Json.PropertyNamingPolicy;
            o.SerializerOptions.UnmappedMemberHandling = Json.UnmappedMemberHandling;
            o.SerializerOptions.Encoder = Json.Encoder;
        });
        builder.Services.AddOpenApi("v1");
        builder.Services.AddRequestTimeouts(o => o.DefaultPolicy = new RequestTimeoutPolicy { Timeout = options.RequestTimeout, TimeoutStatusCode = StatusCodes.Status504GatewayTimeout });
        builder.Services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddConcurrencyLimiter(ApiEndpoints.ModelCalls, c =>
            {
                c.PermitLimit = Math.Max(1, options.ConcurrentPredictions);
                c.QueueLimit = Math.Max(0, options.QueuedPredictions);
                c.QueueProcessingOrder = QueueProcessingOrder.OldestFirst;
            });
        });
        configure?.Invoke(builder);

        var app = builder.Build();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("dcell.serve");
        var state = new PlatformState();
        var predictor = new Predictor(state, options);
        app.Use((http, next) => RequestSafety.Handle(http, () => next(http), options, logger));
        app.UseRouting();
        app.UseRequestTimeouts();
        app.UseRateLimiter();
        app.MapOpenApi("/openapi/{documentName}.json");
        ApiEndpoints.Map(app, state, predictor, new Screener(state, options), options);
        StaticAssets.Map(app);
        app.Lifetime.ApplicationStarted.Register(() =>
            _ = Task.Run(() => state.StartAsync(sources, options, logger, app.Lifetime.ApplicationStopping)));
        return app;
    }

    /// <summary>The address to listen on; a non-loopback one only with an API key.</summary>
    private static IPAddress CheckBinding(WebPlatformOptions options)
    {
        if (options.Port is < 0 or > 65535) throw new DigitalCellException($"--port {options.Port}: use 0–65535.");
        IPAddress address = options.Host switch
        {
            "localhost" => IPAddress.Loopback,
            "*" or "0.0.0.0" => IPAddress.Any,
            _ => IPAddress.TryParse(options.Host, out var parsed) ? parsed
                : throw new DigitalCellException($"--host '{options.Host}': give an IP address (127.0.0.1, ::1, 0.0.0.0) or localhost."),
        };
        if (!IPAddress.IsLoopback(address) && string.IsNullOrEmpty(options.ApiKey))
            throw new DigitalCellException($"--host {options.Host} is reachable from other machines: pass --api-key KEY (or DCELL_API_KEY) so that only holders of the key can use the API.");
        return address;
    }
}
