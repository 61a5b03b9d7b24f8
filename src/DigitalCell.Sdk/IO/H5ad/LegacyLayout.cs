using DigitalCell.Sdk.Data;
using PureHDF;

namespace DigitalCell.Sdk.IO.H5ad;

/// <summary>The pre-0.7 anndata layout: obs/var as compound datasets, categories in <c>uns/&lt;col&gt;_categories</c>.</summary>
internal static class LegacyLayout
{
    /// <summary>Whether the file uses the legacy layout (obs stored as a dataset, not a dataframe group).</summary>
    public static bool Applies(H5adReader reader) => reader.OptionalChild(reader.Root, "obs", "/") is IH5Dataset;

    /// <summary>Reads obs, var, uns and obsm of a legacy file.</summary>
    public static (AnnotationTable, AnnotationTable, IReadOnlyDictionary<string, object>, IReadOnlyDictionary<string, DenseCellMatrix>) ReadAnnotations(H5adReader reader) =>
        throw reader.Fail("/obs", "the legacy (pre-0.7) layout is not supported yet.");

    /// <summary>Reads a legacy file.</summary>
    public static CellDataset Read(H5adReader reader) => throw reader.Fail("/obs", "the legacy (pre-0.7) layout is not supported yet.");
}
