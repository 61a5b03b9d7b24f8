namespace DigitalCell.Sdk.IO.H5ad.Encodings;

/// <summary>The registry of encodings the reader understands, keyed by <c>encoding-type</c>.</summary>
internal static class H5adEncodings
{
    private static readonly Dictionary<string, IH5adEncoding> ByType = new IH5adEncoding[]
    {
        new DictEncoding(),
        new DataFrameEncoding(),
        new ArrayEncoding(),
        new StringArrayEncoding(),
        new CategoricalEncoding(),
        new SparseMatrixEncoding("csr_matrix"),
        new SparseMatrixEncoding("csc_matrix"),
        new NullableEncoding("nullable-integer"),
        new NullableEncoding("nullable-boolean"),
        new NullableEncoding("nullable-string-array"),
        new ScalarEncoding("numeric-scalar"),
        new ScalarEncoding("string"),
        new LegacySparseEncoding(),
        new SkippedEncoding("raw", "the raw (pre-filtering) matrix has no place in a CellDataset"),
        new SkippedEncoding("rec-array", "structured (record) arrays are not supported"),
        new SkippedEncoding("awkward-array", "awkward arrays are not supported"),
    }.ToDictionary(e => e.EncodingType, StringComparer.Ordinal);

    /// <summary>The encoding registered for <paramref name="encodingType"/>, or null.</summary>
    public static IH5adEncoding? Find(string encodingType) => ByType.GetValueOrDefault(encodingType);

    /// <summary>All known encoding types, for error messages.</summary>
    public static string Known => string.Join(", ", ByType.Keys.Where(k => !k.StartsWith('(')).Order(StringComparer.Ordinal));
}
