namespace DigitalCell.Sdk.Preprocessing;

/// <summary>Which values share the geometric mean in a centred log-ratio (CLR) transform.</summary>
public enum ClrAxis
{
    /// <summary>
    /// Each feature (antibody, hashtag) is scaled by its geometric mean over the cells: muon's <c>pp.clr(axis=0)</c>,
    /// its default, and Seurat's <c>NormalizeData(method = "CLR", margin = 1)</c>, used before hashtag demultiplexing.
    /// </summary>
    AcrossCells,

    /// <summary>Each cell is scaled by the geometric mean of its features: muon's <c>pp.clr(axis=1)</c>, Seurat's <c>margin = 2</c>.</summary>
    AcrossFeatures,
}
