namespace DigitalCell.Sdk.Catalog;

/// <summary>How far an archive may expand when extracted: decompression bombs are refused before they fill the disk.</summary>
/// <param name="MaxBytes">The most bytes all entries together may expand to.</param>
/// <param name="MaxRatio">The most the entries may expand relative to the archive's own size.</param>
/// <param name="MaxEntries">The most entries (files and folders) the archive may hold.</param>
public sealed record ArchiveLimits(long MaxBytes, int MaxRatio, int MaxEntries)
{
    /// <summary>The limits of a catalog with default <see cref="CatalogOptions"/>.</summary>
    public static ArchiveLimits Default { get; } = From(new CatalogOptions());

    /// <summary>The limits a catalog's options set.</summary>
    public static ArchiveLimits From(CatalogOptions options) =>
        new(options.MaxExtractedSize, options.MaxCompressionRatio, options.MaxArchiveEntries);

    /// <summary>The byte ceiling for an archive of <paramref name="archiveSize"/> bytes: the smaller of both limits.</summary>
    internal long ByteCeiling(long archiveSize) =>
        Math.Min(MaxBytes, archiveSize > long.MaxValue / MaxRatio ? long.MaxValue : Math.Max(archiveSize, 1) * MaxRatio);
}
