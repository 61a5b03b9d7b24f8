using DigitalCell.Sdk.Catalog;
using DigitalCell.Sdk.Tests.TestSupport;
using static DigitalCell.Sdk.Tests.Catalog.CatalogTestSupport;

namespace DigitalCell.Sdk.Tests.Catalog;

public class DatasetDownloaderTests
{
    private static readonly HttpClient Http = new();
    private string _dir = null!;

    [SetUp]
    public void SetUp() => _dir = RepoPaths.NewTempDirectory();

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private static DatasetDownloader LocalMirrorDownloader(int attempts = 3) => new(Http) { AllowInsecureMirror = true, MaxAttempts = attempts };

    /// <summary>Records every report synchronously (Progress&lt;T&gt; would post them to the thread pool, out of order).</summary>
    private sealed class Recorder : IProgress<DownloadProgress>
    {
        public List<DownloadProgress> Reports { get; } = [];
        public Action<DownloadProgress>? OnReport { get; init; }

        public void Report(DownloadProgress value)
        {
            lock (Reports) Reports.Add(value);
            OnReport?.Invoke(value);
        }
    }

    [Test]
    public async Task Downloads_verifies_and_renames_into_place()
    {
        byte[] content = FixtureBytes(300_000);
        await using var server = new FixtureServer();
        server.File("cells.h5ad", content);
        string destination = Path.Combine(_dir, "cells.h5ad");
        var progress = new Recorder();

        var result = await LocalMirrorDownloader().DownloadAsync(server.Url("cells.h5ad"), destination, Sha256Hex(content), content.Length, progress);

        Assert.That(File.ReadAllBytes(destination), Is.EqualTo(content));
        Assert.That(result.Sha256, Is.EqualTo(Sha256Hex(content)));
        Assert.That(result.Resumed, Is.False);
        Assert.That(File.Exists(destination + DatasetDownloader.PartialSuffix), Is.False, "the temporary file is renamed, not left behind");
        Assert.That(progress.Reports[^1].BytesReceived, Is.EqualTo(content.Length));
        Assert.That(progress.Reports[^1].TotalBytes, Is.EqualTo(content.Length));
        Assert.That(progress.Reports.Select(r => r.BytesReceived), Is.Ordered);
    }

    [Test]
    public async Task Resumes_with_a_range_request_after_a_cut_connection()
    {
        byte[] content = FixtureBytes(200_000, seed: 2);
        await using var server = new FixtureServer();
        const int cut = 81_920;
        server.File("cut.bin", content, cutAfterBytes: call => call == 1 ? cut : null);
        string destination = Path.Combine(_dir, "cut.bin");

        var result = await LocalMirrorDownloader().DownloadAsync(server.Url("cut.bin"), destination, Sha256Hex(content));

        Assert.That(File.ReadAllBytes(destination), Is.EqualTo(content));
        Assert.That(result.Resumed, Is.True);
        var requests = server.Requests.ToArray();
        Assert.That(requests, Has.Length.EqualTo(2));
        Assert.That(requests[0].Headers.ContainsKey("range"), Is.False);
        Assert.That(requests[1].Headers["range"], Is.EqualTo($"bytes={cut}-"), "the second request asks only for the missing bytes");
        Assert.That(requests[1].Headers["if-range"], Is.EqualTo("\"v1\""), "guarded by the ETag of the first response");
    }

    [Test]
    public async Task A_changed_file_restarts_from_zero_instead_of_splicing_two_versions()
    {
        byte[] oldContent = FixtureBytes(100_000, seed: 3);
        byte[] newContent = FixtureBytes(100_000, seed: 4);
        string destination = Path.Combine(_dir, "changed.bin");
        await using (var first = new FixtureServer())
        {
            first.File("changed.bin", oldContent, etag: "\"old\"", cutAfterBytes: _ => 40_000);
            await Assert.ThrowsAsync<DigitalCellException>(() => LocalMirrorDownloader(attempts: 1).DownloadAsync(first.Url("changed.bin"), destination));
        }
        await using var second = new FixtureServer();
        second.File("changed.bin", newContent, etag: "\"new\"");

        var result = await LocalMirrorDownloader().DownloadAsync(second.Url("changed.bin"), destination, Sha256Hex(newContent));

        Assert.That(second.Requests.Single().Headers["if-range"], Is.EqualTo("\"old\""));
        Assert.That(result.Resumed, Is.False, "If-Range did not match, so the server sent the whole new file");
        Assert.That(File.ReadAllBytes(destination), Is.EqualTo(newContent));
    }

    [Test]
    public async Task A_checksum_mismatch_deletes_the_download_and_names_both_hashes()
    {
        byte[] content = FixtureBytes(50_000, seed: 5);
        string wrong = Sha256Hex(FixtureBytes(50_000, seed: 6));
        await using var server = new FixtureServer();
        server.File("bad.bin", content);
        string destination = Path.Combine(_dir, "bad.bin");

        var error = await Assert.ThrowsAsync<DigitalCellException>(() => LocalMirrorDownloader().DownloadAsync(server.Url("bad.bin"), destination, wrong));

        Assert.That(error!.Message, Does.Contain("sha256 mismatch"));
        Assert.That(error.Message, Does.Contain($"expected {wrong}"));
        Assert.That(error.Message, Does.Contain($"actual {Sha256Hex(content)}"));
        Assert.That(File.Exists(destination), Is.False);
        Assert.That(File.Exists(destination + DatasetDownloader.PartialSuffix), Is.False);
    }

    [Test]
    public async Task A_missing_file_reports_the_http_status()
    {
        await using var server = new FixtureServer();
        string destination = Path.Combine(_dir, "absent.bin");

        var error = await Assert.ThrowsAsync<DigitalCellException>(() => LocalMirrorDownloader().DownloadAsync(server.Url("absent.bin"), destination));

        Assert.That(error!.Message, Does.Contain("HTTP 404"));
        Assert.That(error.Message, Does.Contain(server.Url("absent.bin").ToString()));
        Assert.That(server.Requests, Has.Count.EqualTo(1), "an HTTP error is not retried");
        Assert.That(File.Exists(destination), Is.False);
    }

    [Test]
    public async Task A_body_that_is_always_truncated_fails_after_the_attempts_and_keeps_the_partial_file()
    {
        byte[] content = FixtureBytes(100_000, seed: 7);
        await using var server = new FixtureServer();
        server.File("short.bin", content, cutAfterBytes: _ => 8_192);
        string destination = Path.Combine(_dir, "short.bin");

        var error = await Assert.ThrowsAsync<DigitalCellException>(() => LocalMirrorDownloader(attempts: 3).DownloadAsync(server.Url("short.bin"), destination, Sha256Hex(content)));

        Assert.That(error!.Message, Does.Contain("failed after 3 attempt(s)"));
        Assert.That(server.Requests.Select(r => r.Headers.GetValueOrDefault("range")), Is.EqualTo(new[] { null, "bytes=8192-", "bytes=16384-" }),
            "each attempt resumes where the previous one stopped");
        Assert.That(new FileInfo(destination + DatasetDownloader.PartialSuffix).Length, Is.EqualTo(3 * 8_192));
        Assert.That(File.Exists(destination), Is.False, "an incomplete file never reaches its final name");
    }

    [Test]
    public async Task Cancelling_a_slow_download_stops_it_and_a_later_call_resumes()
    {
        byte[] content = FixtureBytes(400_000, seed: 8);
        await using var server = new FixtureServer();
        server.File("slow.bin", content, chunkDelay: call => call == 1 ? TimeSpan.FromMilliseconds(50) : null);
        using var cancel = new CancellationTokenSource();
        var progress = new Recorder { OnReport = p => { if (p.BytesReceived >= 16_384) cancel.Cancel(); } };
        string destination = Path.Combine(_dir, "slow.bin");

        Assert.That(async () => await LocalMirrorDownloader().DownloadAsync(server.Url("slow.bin"), destination, Sha256Hex(content), null, progress, cancel.Token),
            Throws.InstanceOf<OperationCanceledException>());
        Assert.That(File.Exists(destination), Is.False);
        long kept = new FileInfo(destination + DatasetDownloader.PartialSuffix).Length;
        Assert.That(kept, Is.GreaterThanOrEqualTo(16_384).And.LessThan(content.Length));

        var result = await LocalMirrorDownloader().DownloadAsync(server.Url("slow.bin"), destination, Sha256Hex(content));
        Assert.That(result.Resumed, Is.True);
        Assert.That(File.ReadAllBytes(destination), Is.EqualTo(content));
    }

    [Test]
    public async Task A_server_without_range_support_makes_the_download_restart_cleanly()
    {
        byte[] content = FixtureBytes(120_000, seed: 9);
        await using var server = new FixtureServer();
        server.File("norange.bin", content, cutAfterBytes: call => call == 1 ? 50_000 : null, honourRange: false);
        string destination = Path.Combine(_dir, "norange.bin");

        var result = await LocalMirrorDownloader().DownloadAsync(server.Url("norange.bin"), destination, Sha256Hex(content));

        Assert.That(server.Requests.ElementAt(1).Headers["range"], Is.EqualTo("bytes=50000-"));
        Assert.That(result.Resumed, Is.False, "the server answered 200 with the whole file, so it was rewritten from zero");
        Assert.That(File.ReadAllBytes(destination), Is.EqualTo(content));
    }

    [Test]
    public async Task A_partial_file_without_a_validator_is_not_trusted_but_downloaded_again_from_zero()
    {
        // Issue 12: a planted, complete-looking .partial was answered 416 and accepted as the file.
        byte[] content = FixtureBytes(30_000, seed: 10);
        await using var server = new FixtureServer();
        server.File("done.bin", content);
        string destination = Path.Combine(_dir, "done.bin");
        File.WriteAllBytes(destination + DatasetDownloader.PartialSuffix, new byte[30_000]);

        var result = await LocalMirrorDownloader().DownloadAsync(server.Url("done.bin"), destination);

        Assert.That(server.Requests.Single().Headers.ContainsKey("range"), Is.False, "no validator: the kept bytes are not resumed");
        Assert.That(result.Resumed, Is.False);
        Assert.That(File.ReadAllBytes(destination), Is.EqualTo(content));
    }

    [Test]
    public async Task A_416_answer_to_a_resume_restarts_from_zero_rather_than_accepting_the_kept_bytes()
    {
        byte[] content = FixtureBytes(30_000, seed: 20);
        await using var server = new FixtureServer();
        server.File("planted.bin", content);
        string destination = Path.Combine(_dir, "planted.bin");
        File.WriteAllBytes(destination + DatasetDownloader.PartialSuffix, new byte[40_000]);
        File.WriteAllText(destination + DatasetDownloader.PartialSuffix + ".validator", "\"v1\"");

        var result = await LocalMirrorDownloader().DownloadAsync(server.Url("planted.bin"), destination);

        Assert.That(server.Requests.Select(r => r.Headers.GetValueOrDefault("range")), Is.EqualTo(new[] { "bytes=40000-", null }));
        Assert.That(result.Resumed, Is.False);
        Assert.That(File.ReadAllBytes(destination), Is.EqualTo(content), "the server's bytes, not the planted ones");
    }

    [Test]
    public async Task A_server_that_never_sends_headers_fails_after_the_response_timeout()
    {
        await using var server = new FixtureServer();
        server.Silent("silent.bin");
        var downloader = new DatasetDownloader(Http) { AllowInsecureMirror = true, ResponseTimeout = TimeSpan.FromMilliseconds(500) };
        string destination = Path.Combine(_dir, "silent.bin");

        var error = await Assert.ThrowsAsync<DigitalCellException>(() => downloader.DownloadAsync(server.Url("silent.bin"), destination));

        Assert.That(error!.Message, Does.Contain("no answer from the server within 0.5 s"));
        Assert.That(error.Message, Does.Contain(server.Url("silent.bin").ToString()));
        Assert.That(server.Requests, Has.Count.EqualTo(1), "a silent server is not asked again");
        Assert.That(Directory.EnumerateFileSystemEntries(_dir), Is.Empty);
    }

    [Test]
    public async Task A_body_longer_than_the_known_size_is_stopped_at_that_size()
    {
        // Issue 12: a 135 KB entry was read in full (200 MB) before its size was compared.
        const long expected = 135_000;
        await using var server = new FixtureServer();
        server.Endless("big.bin"); // no Content-Length: only the byte count can stop it
        var progress = new Recorder();
        string destination = Path.Combine(_dir, "big.bin");

        var error = await Assert.ThrowsAsync<DigitalCellException>(() => LocalMirrorDownloader().DownloadAsync(server.Url("big.bin"), destination, null, expected, progress));

        Assert.That(error!.Message, Does.Contain("more than the expected 135,000 bytes"));
        Assert.That(progress.Reports.Max(r => r.BytesReceived), Is.LessThanOrEqualTo(expected));
        Assert.That(server.BytesSent, Is.LessThan(64L << 20), "the connection was dropped, not drained (socket buffers hold a few MB)");
        Assert.That(server.Requests, Has.Count.EqualTo(1), "not retried");
        Assert.That(Directory.EnumerateFileSystemEntries(_dir), Is.Empty, "the partial download is deleted");
    }

    [Test]
    public async Task A_content_length_above_the_known_size_is_refused_before_reading()
    {
        await using var server = new FixtureServer();
        server.Endless("announced.bin", contentLength: 200L << 20);
        var progress = new Recorder();
        string destination = Path.Combine(_dir, "announced.bin");

        var error = await Assert.ThrowsAsync<DigitalCellException>(() => LocalMirrorDownloader().DownloadAsync(server.Url("announced.bin"), destination, null, 135_000, progress));

        Assert.That(error!.Message, Does.Contain("announces 209,715,200 bytes").And.Contain("should have 135,000"));
        Assert.That(progress.Reports, Is.Empty, "not a byte of the body was read");
        Assert.That(Directory.EnumerateFileSystemEntries(_dir), Is.Empty);
    }

    [Test]
    public async Task A_file_of_unknown_size_stops_at_the_ceiling()
    {
        const long ceiling = 1 << 20;
        await using var server = new FixtureServer();
        server.Endless("unknown.bin");
        var progress = new Recorder();
        var downloader = new DatasetDownloader(Http) { AllowInsecureMirror = true, MaxDownloadSize = ceiling };
        string destination = Path.Combine(_dir, "unknown.bin");

        var error = await Assert.ThrowsAsync<DigitalCellException>(() => downloader.DownloadAsync(server.Url("unknown.bin"), destination, progress: progress));

        Assert.That(error!.Message, Does.Contain("past the 1,048,576-byte ceiling").And.Contain(CatalogOptions.MaxDownloadSizeEnvironmentVariable));
        Assert.That(progress.Reports.Max(r => r.BytesReceived), Is.LessThanOrEqualTo(ceiling));
        Assert.That(Directory.EnumerateFileSystemEntries(_dir), Is.Empty);
    }

    [Test]
    public async Task A_stalled_connection_is_abandoned_and_the_download_resumed()
    {
        byte[] content = FixtureBytes(40_000, seed: 19);
        await using var server = new FixtureServer();
        // The first response sends one 4 KiB chunk, then stalls for far longer than the stall timeout.
        server.File("stall.bin", content, chunkDelay: call => call == 1 ? TimeSpan.FromSeconds(30) : null);
        string destination = Path.Combine(_dir, "stall.bin");
        var downloader = new DatasetDownloader(Http) { AllowInsecureMirror = true, StallTimeout = TimeSpan.FromMilliseconds(300) };

        var result = await downloader.DownloadAsync(server.Url("stall.bin"), destination, Sha256Hex(content));

        Assert.That(result.Resumed, Is.True);
        Assert.That(server.Requests.ElementAt(1).Headers["range"], Is.EqualTo("bytes=4096-"));
        Assert.That(File.ReadAllBytes(destination), Is.EqualTo(content));
    }
}
