namespace DigitalCell.Sdk.Catalog;

/// <summary>How a file came to be in the cache.</summary>
public enum FetchOutcome
{
    /// <summary>It was already there (verified when it had not been hashed before).</summary>
    AlreadyCached,

    /// <summary>It was downloaded now.</summary>
    Downloaded,

    /// <summary>It was found in the mirror folder and is read there (no copy, no network).</summary>
    FromMirror,
}

/// <summary>One file of a fetched data set.</summary>
/// <param name="File">The manifest's description of the file.</param>
/// <param name="Path">Its location: in the cache, or in the mirror folder (<see cref="FetchOutcome.FromMirror"/>).</param>
/// <param name="Sha256">Its SHA-256 (lower-case hex).</param>
/// <param name="Outcome">Whether it was downloaded, already cached or found in the mirror.</param>
/// <param name="PinnedOnFirstUse">True when the manifest had no checksum and this fetch pinned the file's hash (trust on first use).</param>
/// <param name="Source">Where the bytes came from, when downloaded or mirrored.</param>
public sealed record FetchedFile(DatasetFile File, string Path, string Sha256, FetchOutcome Outcome, bool PinnedOnFirstUse, Uri? Source);

/// <summary>The result of <see cref="DatasetCatalog.FetchAsync"/>: every file of a data set, present and verified.</summary>
/// <param name="Entry">The data set.</param>
/// <param name="Files">Its files, in manifest order.</param>
/// <param name="DataPath">The file to read as cells (inside the extracted folder for archives).</param>
public sealed record DatasetFetchResult(DatasetEntry Entry, IReadOnlyList<FetchedFile> Files, string DataPath);
