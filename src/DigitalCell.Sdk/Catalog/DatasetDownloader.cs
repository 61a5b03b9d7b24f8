using DigitalCell.Sdk.IO;
using System.Net;
using System.Net.Http.Headers;

namespace DigitalCell.Sdk.Catalog;

/// <summary>
/// Downloads one file into place safely: HTTPS only (plain HTTP and <c>file:</c> only with
/// <see cref="AllowInsecureMirror"/>, for a local mirror), streamed to a <c>.partial</c> file next to the destination,
/// resumed with an HTTP Range request (guarded by If-Range with the server's ETag, so a changed file restarts from
/// zero), checked against the expected size and SHA-256, and only then renamed to its final name. A checksum
/// mismatch deletes the partial file. A cut connection keeps it, so the next attempt (or the next run) resumes.
/// Every transfer has ceilings: the response headers must arrive within <see cref="ResponseTimeout"/>, the body may not
/// pause longer than <see cref="StallTimeout"/>, and it is abandoned as soon as it grows past the known size (the
/// manifest's, else the server's Content-Length, else <see cref="MaxDownloadSize"/>). A partial file is resumed only
/// when the server that wrote it gave a validator (ETag or Last-Modified); anything else restarts from zero.
/// </summary>
public sealed class DatasetDownloader
{
    private const int BufferSize = 1 << 16;
    private readonly HttpClient _http;

    /// <summary>Creates a downloader over an <see cref="HttpClient"/> the caller owns.</summary>
    public DatasetDownloader(HttpClient http) => _http = http ?? throw new ArgumentNullException(nameof(http));

    private static readonly Lazy<HttpClient> SharedClient = new(() => new HttpClient { Timeout = Timeout.InfiniteTimeSpan });

    /// <summary>
    /// A downloader with a catalog's settings (scheme policy, attempts, timeouts, size ceiling) over its
    /// <see cref="CatalogOptions.HttpClient"/>, else a client shared by the process: the catalog and the model zoo
    /// fetch through the same rules.
    /// </summary>
    public static DatasetDownloader From(CatalogOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new DatasetDownloader(options.HttpClient ?? SharedClient.Value)
        {
            AllowInsecureMirror = options.AllowInsecureMirror,
            MaxAttempts = options.MaxAttempts,
            StallTimeout = options.StallTimeout,
            ResponseTimeout = options.ResponseTimeout,
            MaxDownloadSize = options.MaxDownloadSize,
        };
    }

    /// <summary>Permit <c>http:</c> and <c>file:</c> sources (a local mirror); off by default.</summary>
    public bool AllowInsecureMirror { get; init; }

    /// <summary>How many times one call tries the transfer, resuming after cut connections (default 3).</summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>
    /// How long a transfer may go without receiving a byte before it counts as a cut connection and is resumed
    /// (default 60 s). Large hosts (CELLxGENE's CDN, Zenodo) sometimes stall mid-file without closing the connection.
    /// </summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long a request may wait for the server's response headers, connecting included (default 60 s). A server
    /// that accepts the connection but never answers fails with an error after this long instead of hanging.
    /// </summary>
    public TimeSpan ResponseTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The most bytes a file without a manifest size may have, whatever the server announces (default 20 GiB).</summary>
    public long MaxDownloadSize { get; init; } = CatalogOptions.DefaultMaxDownloadSize;

    /// <summary>The suffix of the in-progress file kept next to the destination for resuming.</summary>
    public const string PartialSuffix = ".partial";

    /// <summary>Downloads <paramref name="source"/> to <paramref name="destination"/>.</summary>
    /// <param name="source">Where the bytes are.</param>
    /// <param name="destination">Final path; written only after verification.</param>
    /// <param name="expectedSha256">Lower-case hex SHA-256 the file must have, or null to accept any (the caller pins it).</param>
    /// <param name="expectedSize">Size in bytes the file must have, or null.</param>
    /// <param name="progress">Receives byte counts as data arrive.</param>
    /// <param name="cancellationToken">Cancels the transfer; the partial file stays for a later resume.</param>
    /// <exception cref="DigitalCellException">Refused scheme, HTTP error status, repeated network failure, or size/checksum mismatch.</exception>
    public async Task<DownloadResult> DownloadAsync(
        Uri source, string destination, string? expectedSha256 = null, long? expectedSize = null,
        IProgress<DownloadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        CheckScheme(source);
        destination = Path.GetFullPath(destination);
        Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        string partial = destination + PartialSuffix;
        string name = Path.GetFileName(destination);
        bool resumed = false;

        if (source.IsFile)
        {
            await CopyLocalAsync(source, partial, name, progress, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            for (int attempt = 1; ; attempt++)
            {
                try
                {
                    resumed |= await TransferAsync(source, partial, name, expectedSize, progress, cancellationToken).ConfigureAwait(false);
                    break;
                }
                catch (Exception e) when (IsNetworkFailure(e) && !cancellationToken.IsCancellationRequested)
                {
                    // No route to the server (DNS, refused connection) will not heal within seconds: fail at once.
                    bool unreachable = e is HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError or HttpRequestError.ConnectionError };
                    if (attempt >= MaxAttempts || unreachable)
                    {
                        long kept = File.Exists(partial) ? new FileInfo(partial).Length : 0;
                        string resume = kept > 0 ? $" ({kept:N0} bytes kept in {partial}; the next fetch resumes from there)" : "";
                        throw new DigitalCellException(source.ToString(), null, $"download failed after {attempt} attempt(s): {e.Message}{resume}", e);
                    }
                }
            }
        }

        return await VerifyAndMoveAsync(source, partial, destination, expectedSha256, expectedSize, resumed, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>True for failures worth retrying with a resume: refused or cut connections, truncated bodies.</summary>
    internal static bool IsNetworkFailure(Exception e) =>
        e is HttpRequestException { StatusCode: null } or IOException && e is not FileNotFoundException and not DirectoryNotFoundException;

    private void CheckScheme(Uri source)
    {
        if (!source.IsAbsoluteUri)
            throw new DigitalCellException(source.ToString(), null, "download location must be an absolute URL");
        if (source.Scheme == Uri.UriSchemeHttps) return;
        if ((source.Scheme == Uri.UriSchemeHttp || source.IsFile) && AllowInsecureMirror) return;
        throw new DigitalCellException(source.ToString(), null, source.Scheme is "http" or "file"
            ? $"refusing a {source.Scheme}: download; only HTTPS is allowed unless a local mirror is explicitly enabled (--allow-insecure-mirror / CatalogOptions.AllowInsecureMirror)"
            : $"unsupported URL scheme '{source.Scheme}'; only HTTPS is allowed");
    }

    /// <summary>One HTTP attempt; returns true when it continued an earlier partial file.</summary>
    private async Task<bool> TransferAsync(Uri source, string partial, string name, long? expectedSize,
        IProgress<DownloadProgress>? progress, CancellationToken ct)
    {
        string validatorFile = partial + ".validator";
        long have = File.Exists(partial) ? new FileInfo(partial).Length : 0;
        // Only bytes this downloader wrote, from a server that named its version, are worth keeping: a partial file
        // without a validator (planted, or left by a server that gave none) or longer than the file restarts from zero.
        if (have > 0 && (!File.Exists(validatorFile) || have > expectedSize))
        {
            DeletePartial(partial);
            have = 0;
        }
        if (have > 0 && have == expectedSize) return true; // already complete; verification decides
        using var response = await SendAsync(source, have > 0 ? (have, await File.ReadAllTextAsync(validatorFile, ct).ConfigureAwait(false)) : null, ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable && have > 0)
        {
            // The server does not recognise the kept bytes as a prefix of its file: start again rather than trust them.
            DeletePartial(partial);
            return await TransferAsync(source, partial, name, expectedSize, progress, ct).ConfigureAwait(false);
        }
        if (!response.IsSuccessStatusCode)
            throw new DigitalCellException(source.ToString(), null, $"server answered HTTP {(int)response.StatusCode} {response.ReasonPhrase}");

        bool append = have > 0 && response.StatusCode == HttpStatusCode.PartialContent
                      && response.Content.Headers.ContentRange?.From == have;
        if (!append) have = 0;
        string? validator = response.Headers.ETag?.ToString()
                            ?? response.Content.Headers.LastModified?.ToString("R");
        if (validator is not null) await File.WriteAllTextAsync(validatorFile, validator, ct).ConfigureAwait(false);
        else File.Delete(validatorFile);

        long? length = response.Content.Headers.ContentLength;
        long? announced = length is null ? null : have + length;
        if (announced > (expectedSize ?? MaxDownloadSize))
        {
            DeletePartial(partial);
            throw new DigitalCellException(source.ToString(), null, expectedSize is not null
                ? $"the server announces {announced:N0} bytes, but the file should have {expectedSize:N0}; nothing was downloaded"
                : $"the server announces {announced:N0} bytes, more than the {MaxDownloadSize:N0}-byte ceiling for files of unknown size " +
                  $"(raise it with --max-download-size or ${CatalogOptions.MaxDownloadSizeEnvironmentVariable})");
        }
        long limit = expectedSize ?? announced ?? MaxDownloadSize;
        await using var body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        long received;
        await using (var file = new FileStream(partial, append ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None, BufferSize, useAsync: true))
            received = await CopyAsync(body, file, name, have, expectedSize ?? announced, progress, ct, StallTimeout, limit).ConfigureAwait(false);
        if (received < 0)
        {
            DeletePartial(partial);
            throw new DigitalCellException(source.ToString(), null, expectedSize is not null || announced is not null
                ? $"the server sent more than the expected {limit:N0} bytes; the download was stopped and deleted"
                : $"the file grew past the {limit:N0}-byte ceiling for files of unknown size; the download was stopped and deleted " +
                  $"(raise it with --max-download-size or ${CatalogOptions.MaxDownloadSizeEnvironmentVariable})");
        }
        if (length is not null && received - have < length)
            throw new IOException($"connection closed after {received:N0} of {announced:N0} bytes");
        return append;
    }

    /// <summary>Sends the request (a range request when resuming) and waits at most <see cref="ResponseTimeout"/> for the headers.</summary>
    private async Task<HttpResponseMessage> SendAsync(Uri source, (long From, string Validator)? resume, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, source);
        if (resume is { } r)
        {
            request.Headers.Range = new RangeHeaderValue(r.From, null);
            // If-Range makes the server send the whole new file (200) instead of a range of a changed one.
            request.Headers.TryAddWithoutValidation("If-Range", r.Validator);
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(ResponseTimeout);
        try
        {
            return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new DigitalCellException(source.ToString(), null,
                $"no answer from the server within {ResponseTimeout.TotalSeconds:0.#} s (connected, but no response headers arrived)", new TimeoutException(e.Message, e));
        }
    }

    private static async Task CopyLocalAsync(Uri source, string partial, string name, IProgress<DownloadProgress>? progress, CancellationToken ct)
    {
        string path = source.LocalPath;
        if (!File.Exists(path)) throw new DigitalCellException(path, null, "local mirror file does not exist");
        await using var input = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, useAsync: true);
        await using var output = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, BufferSize, useAsync: true);
        await CopyAsync(input, output, name, 0, input.Length, progress, ct).ConfigureAwait(false);
    }

    /// <summary>Copies until the input ends; returns the byte count, or -1 as soon as it would pass <paramref name="limit"/>.</summary>
    private static async Task<long> CopyAsync(Stream input, Stream output, string name, long start, long? total,
        IProgress<DownloadProgress>? progress, CancellationToken ct, TimeSpan? stallTimeout = null, long limit = long.MaxValue)
    {
        byte[] buffer = new byte[BufferSize];
        long received = start;
        progress?.Report(new DownloadProgress(name, received, total));
        using var stall = CancellationTokenSource.CreateLinkedTokenSource(ct);
        while (true)
        {
            if (stallTimeout is { } pause) stall.CancelAfter(pause);
            int n;
            try
            {
                n = await input.ReadAsync(buffer, stall.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                throw new IOException($"no data for {stallTimeout!.Value.TotalSeconds:0.#} s after {received:N0} bytes (stalled connection)");
            }
            if (n == 0) break;
            if (received + n > limit) return -1;
            await output.WriteAsync(buffer.AsMemory(0, n), ct).ConfigureAwait(false);
            received += n;
            progress?.Report(new DownloadProgress(name, received, total));
        }
        return received;
    }

    private static async Task<DownloadResult> VerifyAndMoveAsync(Uri source, string partial, string destination,
        string? expectedSha256, long? expectedSize, bool resumed, CancellationToken ct)
    {
        long size = new FileInfo(partial).Length;
        if (expectedSize is not null && size != expectedSize)
        {
            DeletePartial(partial);
            throw new DigitalCellException(source.ToString(), null,
                $"size mismatch: expected {expectedSize:N0} bytes, received {size:N0}; the partial download was deleted");
        }
        string actual = await Sha256File.ComputeAsync(partial, ct).ConfigureAwait(false);
        if (expectedSha256 is not null && !actual.Equals(expectedSha256, StringComparison.OrdinalIgnoreCase))
        {
            DeletePartial(partial);
            throw new DigitalCellException(source.ToString(), null,
                $"sha256 mismatch: expected {expectedSha256}, actual {actual}; the downloaded file was deleted");
        }
        File.Move(partial, destination, overwrite: true);
        File.Delete(partial + ".validator");
        return new DownloadResult(destination, actual, size, resumed, source);
    }

    private static void DeletePartial(string partial)
    {
        File.Delete(partial);
        File.Delete(partial + ".validator");
    }
}
