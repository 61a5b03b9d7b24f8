namespace DigitalCell.Tests.Shared;

/// <summary>
/// The real public data the tests read: a local mirror of the catalog's files (one folder per data set, files by name),
/// <c>DIGITALCELL_MIRROR</c> when set, else <c>../shared/data</c> beside the repository. Third-party data is never
/// committed here, so a missing mirror fails the test with what to do — it never skips a real-data check silently.
/// </summary>
internal static class SharedData
{
    private static readonly Lazy<string> MirrorPath = new(() =>
    {
        string? fromEnvironment = Environment.GetEnvironmentVariable("DIGITALCELL_MIRROR");
        if (!string.IsNullOrEmpty(fromEnvironment))
            return Directory.Exists(fromEnvironment)
                ? Path.GetFullPath(fromEnvironment)
                : throw new InvalidOperationException($"DIGITALCELL_MIRROR={fromEnvironment} is not a folder.");
        string beside = Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "data"));
        return Directory.Exists(beside)
            ? beside
            : throw new InvalidOperationException(
                $"The real-data mirror is missing: neither DIGITALCELL_MIRROR nor {beside} exists. " +
                "Set DIGITALCELL_MIRROR to a folder holding the catalog's files (see datasets-manifest/README.md).");
    });

    private static readonly Lazy<string> RootPath = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "DigitalCell.Sdk.sln"))) return dir.FullName;
        throw new InvalidOperationException("DigitalCell.Sdk.sln not found above " + AppContext.BaseDirectory);
    });

    /// <summary>The repository root (the folder holding <c>DigitalCell.Sdk.sln</c>).</summary>
    public static string RepositoryRoot => RootPath.Value;

    /// <summary>The mirror folder (absolute).</summary>
    public static string Mirror => MirrorPath.Value;

    /// <summary>
    /// The absolute path of <paramref name="relative"/> in the mirror, e.g. <c>papalexi2021-thp1/papalexi2021_thp1_eccite_subset.h5ad</c>.
    /// </summary>
    /// <exception cref="FileNotFoundException">The mirror lacks the file.</exception>
    public static string File(string relative)
    {
        string path = Path.Combine(Mirror, relative);
        return System.IO.File.Exists(path) || Directory.Exists(path)
            ? path
            : throw new FileNotFoundException($"The real-data mirror {Mirror} lacks {relative} (see ../shared/data/PROVENANCE.md).", path);
    }
}
