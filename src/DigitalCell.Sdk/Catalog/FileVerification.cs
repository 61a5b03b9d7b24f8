namespace DigitalCell.Sdk.Catalog;

/// <summary>The state of one cached file after hashing it.</summary>
public enum VerificationStatus
{
    /// <summary>The hash equals the manifest's checksum or the earlier pin.</summary>
    Verified,

    /// <summary>Neither manifest nor pin had a checksum; the hash has now been pinned (trust on first use).</summary>
    PinnedOnFirstUse,

    /// <summary>The file is not in the cache (fetch it, or place it there by hand).</summary>
    Missing,

    /// <summary>The hash differs from the expected one: the file is corrupt or was replaced.</summary>
    Mismatch,
}

/// <summary>The verification of one file.</summary>
/// <param name="DatasetId">The data set.</param>
/// <param name="File">The manifest's description of the file.</param>
/// <param name="Path">Where the file is (or should be).</param>
/// <param name="Status">The outcome.</param>
/// <param name="Expected">The checksum it should have, when known.</param>
/// <param name="Actual">The checksum it has, when present.</param>
public sealed record FileVerification(string DatasetId, DatasetFile File, string Path, VerificationStatus Status, string? Expected, string? Actual)
{
    /// <summary>A one-line, user-facing account of the result.</summary>
    public override string ToString() => Status switch
    {
        VerificationStatus.Verified => $"{DatasetId}/{File.Name}: ok (sha256 {Actual})",
        VerificationStatus.PinnedOnFirstUse => $"{DatasetId}/{File.Name}: sha256 {Actual} pinned on first use (the manifest has no checksum)",
        VerificationStatus.Missing => $"{DatasetId}/{File.Name}: missing, expected at {Path}",
        _ => $"{DatasetId}/{File.Name}: sha256 mismatch: expected {Expected}, actual {Actual} ({Path})",
    };
}
