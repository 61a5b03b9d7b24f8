namespace DigitalCell.Sdk.Catalog;

/// <summary>One file of a data set: where to get it and how to check it.</summary>
/// <param name="Name">File name in the cache (a plain name: no folders, no leading dot).</param>
/// <param name="Format">File format: <c>h5ad</c>, <c>parquet</c>, <c>zip</c>, <c>tar.gz</c>, <c>csv</c> or <c>h5</c>.</param>
/// <param name="Role"><c>data</c> (cells) or <c>metadata</c> (side tables).</param>
/// <param name="Url">Public HTTPS download location, or null for files with no public source (they resolve only from
/// the cache or a mirror folder).</param>
/// <param name="Mirrors">Further HTTPS locations of the same bytes, tried in order when <paramref name="Url"/> fails.</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the file, or null when it could not be known offline
/// (the catalog then pins the hash of the first download, trust on first use).</param>
/// <param name="Size">Size in bytes, when known.</param>
/// <param name="Load">For archives: the path inside the archive of the file to load as cells.</param>
/// <param name="Matrix">Which h5ad matrix holds the cells' expression: <c>X</c> (null, the default) or <c>raw</c> (scanpy
/// files whose X is scaled keep log-normalised values in <c>.raw</c>; <see cref="IO.H5ad.H5adReadOptions.ReadRaw"/>).</param>
public sealed record DatasetFile(
    string Name,
    string Format,
    string Role,
    string? Url,
    IReadOnlyList<string> Mirrors,
    string? Sha256,
    long? Size,
    string? Load,
    string? Matrix = null)
{
    /// <summary>True for zip and tar.gz files, which the catalog extracts after download.</summary>
    public bool IsArchive => Format is "zip" or "tar.gz";

    /// <summary>How the catalog reads this h5ad file as cells: from <c>.raw</c> when <see cref="Matrix"/> says so.</summary>
    internal IO.H5ad.H5adReadOptions ReadOptions => new() { ReadRaw = Matrix == "raw" };

    /// <summary>Every download location: <see cref="Url"/> first, then the mirrors.</summary>
    public IEnumerable<string> Locations => Url is null ? Mirrors : Mirrors.Prepend(Url);
}
