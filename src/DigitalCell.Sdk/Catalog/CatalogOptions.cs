namespace DigitalCell.Sdk.Catalog;

/// <summary>Settings of a <see cref="DatasetCatalog"/>; the defaults suit most users.</summary>
public sealed record CatalogOptions
{
    /// <summary>The environment variable that overrides the default cache folder.</summary>
    public const string CacheEnvironmentVariable = "DIGITALCELL_CACHE";

    /// <summary>Where downloads, extracted archives and <c>pins.json</c> live; null = <see cref="DefaultCacheDirectory"/>.</summary>
    public string? CacheDirectory { get; init; }

    /// <summary>Extra manifest folders whose entries join (and, for equal ids, replace) the embedded ones.</summary>
    public IReadOnlyList<string> ManifestDirectories { get; init; } = [];

    /// <summary>The environment variable naming the default mirror (a folder of the catalog's files).</summary>
    public const string MirrorEnvironmentVariable = "DIGITALCELL_MIRROR";

    /// <summary>
    /// Where the catalog looks after the cache and before the public source: a local folder (or <c>file:</c> URI) whose
    /// files are matched by name (<c>&lt;id&gt;/&lt;file&gt;</c>, or any first-level folder, so a mirror may group files its
    /// own way), verified by SHA-256 and read in place; or an <c>https:</c> base URL holding <c>&lt;id&gt;/&lt;file&gt;</c>,
    /// downloaded into the cache (<c>http:</c> needs <see cref="AllowInsecureMirror"/>). Null = <c>$DIGITALCELL_MIRROR</c>
    /// when set, else no mirror.
    /// </summary>
    public string? Mirror { get; init; }

    /// <summary>Permit an <c>http:</c> mirror URL (a test server); HTTPS only otherwise. Off by default.</summary>
    public bool AllowInsecureMirror { get; init; }

    /// <summary>Attempts per location, resuming after cut connections (default 3).</summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>How long a download may receive nothing before it is resumed on a new connection (default 60 s).</summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a request may wait for the server's response headers, connecting included (default 60 s).</summary>
    public TimeSpan ResponseTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The default of <see cref="MaxDownloadSize"/>: 20 GiB, above the largest single file in the catalog.</summary>
    public const long DefaultMaxDownloadSize = 20L << 30;

    /// <summary>The environment variable that overrides <see cref="MaxDownloadSize"/> (bytes).</summary>
    public const string MaxDownloadSizeEnvironmentVariable = "DIGITALCELL_MAX_DOWNLOAD";

    /// <summary>
    /// The most bytes a file whose manifest gives no size may have (a file with a size may have exactly that many):
    /// a download that grows past it is stopped and deleted. Default <c>$DIGITALCELL_MAX_DOWNLOAD</c> when set, else 20 GiB.
    /// </summary>
    public long MaxDownloadSize { get; init; } = DefaultMaxDownloadSizeFromEnvironment;

    /// <summary>The most bytes an archive may expand to (default 64 GiB).</summary>
    public long MaxExtractedSize { get; init; } = 64L << 30;

    /// <summary>
    /// The most an archive may expand relative to its own size (default 100×): data compress a few-fold, a
    /// decompression bomb a thousand-fold.
    /// </summary>
    public int MaxCompressionRatio { get; init; } = 100;

    /// <summary>The most entries (files and folders) an archive may hold (default 100,000).</summary>
    public int MaxArchiveEntries { get; init; } = 100_000;

    /// <summary>The HTTP client to use; null = a shared client created by the catalog.</summary>
    public HttpClient? HttpClient { get; init; }

    private static long DefaultMaxDownloadSizeFromEnvironment =>
        Environment.GetEnvironmentVariable(MaxDownloadSizeEnvironmentVariable) is { Length: > 0 } text
            ? long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long bytes) && bytes > 0
                ? bytes
                : throw new DigitalCellException($"${MaxDownloadSizeEnvironmentVariable} must be a positive number of bytes, not '{text}'.")
            : DefaultMaxDownloadSize;

    /// <summary>The default mirror: <c>$DIGITALCELL_MIRROR</c> when set and not empty, else null.</summary>
    public static string? DefaultMirror =>
        Environment.GetEnvironmentVariable(MirrorEnvironmentVariable) is { Length: > 0 } mirror ? mirror : null;

    /// <summary>
    /// The default cache folder: <c>$DIGITALCELL_CACHE</c> when set, else <c>digitalcell</c> under the user's cache
    /// folder (<c>$XDG_CACHE_HOME</c> or <c>~/.cache</c> on Linux, <c>~/Library/Caches</c> on macOS,
    /// <c>%LOCALAPPDATA%</c> on Windows).
    /// </summary>
    public static string DefaultCacheDirectory
    {
        get
        {
            string? fromEnvironment = Environment.GetEnvironmentVariable(CacheEnvironmentVariable);
            if (!string.IsNullOrWhiteSpace(fromEnvironment)) return Path.GetFullPath(fromEnvironment);
            string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            string userCache = OperatingSystem.IsWindows()
                ? Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData)
                : OperatingSystem.IsMacOS()
                    ? Path.Combine(home, "Library", "Caches")
                    : Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg ? xdg : Path.Combine(home, ".cache");
            return Path.Combine(userCache, "digitalcell");
        }
    }
}
