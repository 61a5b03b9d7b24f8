using PureHDF;

namespace DigitalCell.Sdk.IO.H5ad.Encodings;

/// <summary><c>dict</c> 0.1.0: a group whose children are elements (uns, layers, obsm, …); read as an ordered name → value map.</summary>
internal sealed class DictEncoding : IH5adEncoding
{
    /// <summary>
    /// Deepest nesting read. anndata's own files nest a few levels; HDF5 hard links can make a group its own
    /// descendant, and following such a cycle would recurse until the stack overflows (killing the process).
    /// </summary>
    public const int MaxDepth = 32;

    public string EncodingType => "dict";

    public IReadOnlyList<string> Versions { get; } = ["0.1.0"];

    public object? Read(H5adReader reader, IH5Object element, string path)
    {
        if (element is not IH5Group group) throw reader.Fail(path, "a dict must be an HDF5 group, found a dataset.");
        if (path.Count(c => c == '/') > MaxDepth)
            throw reader.Fail(path, $"groups nest more than {MaxDepth} levels deep: a hard-link cycle (a group linked into its own descendants) or a corrupt file.");
        var result = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var child in group.Children())
        {
            string childPath = H5adReader.Join(path, child.Name);
            if (reader.ReadElement(child, childPath) is { } value) result[child.Name] = value;
        }
        return result;
    }
}
