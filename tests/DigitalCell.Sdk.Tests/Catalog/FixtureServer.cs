using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace DigitalCell.Sdk.Tests.Catalog;

/// <summary>One request as the fixture server saw it (header names lower-cased).</summary>
internal sealed record FixtureRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers);

/// <summary>
/// A real HTTP/1.1 server on 127.0.0.1 inside the test process, serving fixture bytes with full control over the
/// wire: ranges, ETags, connections cut mid-body, slow bodies. Built on a raw socket rather than Kestrel or
/// HttpListener because those cannot send a body shorter than its Content-Length, which is exactly the failure
/// the downloader must survive. Each response closes its connection. Given a certificate it speaks HTTPS (a loopback
/// stand-in for a public source; clients trust it through <c>SSL_CERT_FILE</c>).
/// </summary>
internal sealed class FixtureServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly ConcurrentDictionary<string, Func<FixtureRequest, Stream, CancellationToken, Task>> _routes = new();

    private readonly X509Certificate2? _certificate;

    public FixtureServer(X509Certificate2? certificate = null)
    {
        _certificate = certificate;
        _listener.Start();
        _loop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>Every request received, in order.</summary>
    public ConcurrentQueue<FixtureRequest> Requests { get; } = new();

    public Uri BaseUri => new($"{(_certificate is null ? "http" : "https")}://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");

    public Uri Url(string path) => new(BaseUri, path.TrimStart('/'));

    /// <summary>Serves <paramref name="handler"/> at <paramref name="path"/>; unknown paths get 404.</summary>
    public void Route(string path, Func<FixtureRequest, Stream, CancellationToken, Task> handler) => _routes["/" + path.TrimStart('/')] = handler;

    /// <summary>Serves a file with Range/If-Range support; the options, given the 1-based call number, cut or slow the body.</summary>
    public void File(string path, byte[] content, string etag = "\"v1\"", Func<int, int?>? cutAfterBytes = null, Func<int, TimeSpan?>? chunkDelay = null, bool honourRange = true)
    {
        int calls = 0;
        Route(path, (request, stream, ct) =>
        {
            int call = Interlocked.Increment(ref calls);
            return WriteFileAsync(stream, request, content, etag, cutAfterBytes?.Invoke(call), chunkDelay?.Invoke(call), honourRange, ct);
        });
    }

    /// <summary>Reads the request at <paramref name="path"/> and never answers (the connection stays open until the server stops).</summary>
    public void Silent(string path) => Route(path, (_, _, ct) => Task.Delay(Timeout.Infinite, ct));

    /// <summary>
    /// Answers 200 at <paramref name="path"/> and sends bytes until the client hangs up, announcing
    /// <paramref name="contentLength"/> (or no length: the body ends when the connection closes). <see cref="BytesSent"/> counts them.
    /// </summary>
    public void Endless(string path, long? contentLength = null) => Route(path, async (_, stream, ct) =>
    {
        var headers = new List<string> { "Content-Type: application/octet-stream", "ETag: \"endless\"" };
        if (contentLength is not null) headers.Add($"Content-Length: {contentLength}");
        await WriteHeadAsync(stream, "HTTP/1.1 200 OK", headers, ct);
        byte[] chunk = new byte[65_536];
        while (Interlocked.Read(ref _bytesSent) < (contentLength ?? long.MaxValue))
        {
            await stream.WriteAsync(chunk, ct);
            Interlocked.Add(ref _bytesSent, chunk.Length);
        }
    });

    private long _bytesSent;

    /// <summary>Bytes an <see cref="Endless"/> route managed to write before the client hung up.</summary>
    public long BytesSent => Interlocked.Read(ref _bytesSent);

    public static async Task WriteStatusAsync(Stream stream, int code, string reason, CancellationToken ct)
    {
        byte[] body = Encoding.ASCII.GetBytes(reason);
        await WriteHeadAsync(stream, $"HTTP/1.1 {code} {reason}", [$"Content-Length: {body.Length}", "Content-Type: text/plain"], ct);
        await stream.WriteAsync(body, ct);
    }

    private static async Task WriteFileAsync(Stream stream, FixtureRequest request, byte[] content, string etag,
        int? cutAfter, TimeSpan? chunkDelay, bool honourRange, CancellationToken ct)
    {
        long start = 0;
        string? range = request.Headers.GetValueOrDefault("range");
        bool ranged = honourRange && range is not null
                      && (!request.Headers.TryGetValue("if-range", out string? ifRange) || ifRange == etag);
        if (ranged)
        {
            start = long.Parse(range!["bytes=".Length..].TrimEnd('-'));
            if (start >= content.Length)
            {
                await WriteHeadAsync(stream, "HTTP/1.1 416 Range Not Satisfiable", [$"Content-Range: bytes */{content.Length}", "Content-Length: 0"], ct);
                return;
            }
        }
        long length = content.Length - start;
        var headers = new List<string> { $"Content-Length: {length}", $"ETag: {etag}", "Accept-Ranges: bytes", "Content-Type: application/octet-stream" };
        if (ranged) headers.Add($"Content-Range: bytes {start}-{content.Length - 1}/{content.Length}");
        await WriteHeadAsync(stream, ranged ? "HTTP/1.1 206 Partial Content" : "HTTP/1.1 200 OK", headers, ct);
        int toSend = (int)Math.Min(length, cutAfter ?? long.MaxValue);
        const int chunk = 4096;
        for (int sent = 0; sent < toSend; sent += chunk)
        {
            await stream.WriteAsync(content.AsMemory((int)start + sent, Math.Min(chunk, toSend - sent)), ct);
            await stream.FlushAsync(ct);
            if (chunkDelay is { } delay) await Task.Delay(delay, ct);
        }
    }

    private static async Task WriteHeadAsync(Stream stream, string statusLine, IEnumerable<string> headers, CancellationToken ct)
    {
        string head = statusLine + "\r\n" + string.Join("", headers.Select(h => h + "\r\n")) + "Connection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), ct);
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                Stream stream = client.GetStream();
                if (_certificate is not null)
                {
                    var tls = new SslStream(stream);
                    await tls.AuthenticateAsServerAsync(_certificate);
                    stream = tls;
                }
                var request = await ReadRequestAsync(stream, _stop.Token);
                if (request is null) return;
                Requests.Enqueue(request);
                if (_routes.TryGetValue(request.Path, out var handler)) await handler(request, stream, _stop.Token);
                else await WriteStatusAsync(stream, 404, "Not Found", _stop.Token);
                await stream.FlushAsync(_stop.Token);
                client.Client.Shutdown(SocketShutdown.Send);
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException or System.Security.Authentication.AuthenticationException)
            {
                // The client went away (e.g. a cancelled download): nothing to serve.
            }
        }
    }

    private static async Task<FixtureRequest?> ReadRequestAsync(Stream stream, CancellationToken ct)
    {
        var buffer = new List<byte>();
        byte[] one = new byte[1];
        while (!(buffer.Count >= 4 && buffer[^4] == '\r' && buffer[^3] == '\n' && buffer[^2] == '\r' && buffer[^1] == '\n'))
        {
            if (await stream.ReadAsync(one, ct) == 0) return null;
            buffer.Add(one[0]);
        }
        string[] lines = Encoding.ASCII.GetString(buffer.ToArray()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        string[] requestLine = lines[0].Split(' ');
        var headers = lines.Skip(1)
            .Select(l => l.Split(':', 2))
            .ToDictionary(p => p[0].Trim().ToLowerInvariant(), p => p[1].Trim());
        string path = Uri.UnescapeDataString(requestLine[1].Split('?')[0]);
        return new FixtureRequest(requestLine[0], path, headers);
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }
        _stop.Dispose();
    }
}
