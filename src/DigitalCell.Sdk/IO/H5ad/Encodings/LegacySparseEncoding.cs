using PureHDF;

namespace DigitalCell.Sdk.IO.H5ad.Encodings;

/// <summary>
/// The pre-0.7 h5sparse layout: a group without <c>encoding-type</c> but with <c>h5sparse_format</c>
/// (<c>csr</c>/<c>csc</c>) and <c>h5sparse_shape</c> attributes around the usual three scipy arrays.
/// </summary>
internal sealed class LegacySparseEncoding : IH5adEncoding
{
    /// <summary>Pseudo encoding type under which the reader registers this layout (parenthesised: never written by anndata).</summary>
    public const string TypeName = "(h5sparse)";

    public string EncodingType => TypeName;

    public IReadOnlyList<string> Versions { get; } = [];

    public object? Read(H5adReader reader, IH5Object element, string path)
    {
        if (element is not IH5Group group) throw reader.Fail(path, "an h5sparse matrix must be a group, found a dataset.");
        string format = H5Values.StringAttribute(group, "h5sparse_format") ?? "";
        if (format is not ("csr" or "csc")) throw reader.Fail(path, $"unknown h5sparse_format '{format}' (expected csr or csc).");
        var shape = H5Values.IntegerArrayAttribute(group, "h5sparse_shape");
        return SparseMatrixEncoding.ReadArrays(reader, group, path, shape, format == "csc");
    }
}
