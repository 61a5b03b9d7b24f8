using System.CommandLine;
using DigitalCell.Sdk.Catalog;

namespace DigitalCell.Cli.Commands;

/// <summary>
/// Where the catalog finds data, for every command that resolves a data set id (<c>datasets</c>, <c>demo</c>,
/// <c>benchmark</c>): the cache, a mirror folder, extra manifests. Declared recursive, so subcommands accept them too.
/// </summary>
internal sealed class CatalogArguments
{
    public Option<string?> CacheDir { get; } = new("--cache-dir")
    {
        Description = $"Cache folder (default: ${CatalogOptions.CacheEnvironmentVariable}, else the user's cache folder, e.g. ~/.cache/digitalcell)",
        Recursive = true,
    };

    public Option<string?> Mirror { get; } = new("--mirror")
    {
        Description = $"A folder holding the catalog's files (found by name, verified by sha256, read in place; default ${CatalogOptions.MirrorEnvironmentVariable}), or an https: base URL holding <id>/<file>",
        Recursive = true,
    };

    public Option<string[]> ManifestDir { get; } = new("--manifest-dir")
    {
        Description = "Extra folder(s) of manifest entries (*.json) joining (and, for equal ids, replacing) the built-in ones",
        Recursive = true,
    };

    public Option<bool> AllowInsecureMirror { get; } = new("--allow-insecure-mirror")
    {
        Description = "Permit an http: mirror URL; HTTPS only otherwise",
        Recursive = true,
    };

    public Option<long?> MaxDownloadSize { get; } = new Option<long?>("--max-download-size")
    {
        Description = $"Most bytes a download whose manifest gives no size may have (default ${CatalogOptions.MaxDownloadSizeEnvironmentVariable}, else 20 GiB)",
        Recursive = true,
    }.AtLeast(1);

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        foreach (Option option in new Option[] { CacheDir, Mirror, ManifestDir, AllowInsecureMirror, MaxDownloadSize }) command.Add(option);
    }

    /// <summary>The catalog the parsed options describe.</summary>
    public DatasetCatalog Open(ParseResult parse) => new(Options(parse));

    /// <summary>The catalog settings the parsed options describe (also the model zoo's download settings).</summary>
    public CatalogOptions Options(ParseResult parse)
    {
        var options = new CatalogOptions
        {
            CacheDirectory = parse.GetValue(CacheDir),
            ManifestDirectories = parse.GetValue(ManifestDir) ?? [],
            Mirror = parse.GetValue(Mirror),
            AllowInsecureMirror = parse.GetValue(AllowInsecureMirror),
        };
        return parse.GetValue(MaxDownloadSize) is { } max ? options with { MaxDownloadSize = max } : options;
    }
}
