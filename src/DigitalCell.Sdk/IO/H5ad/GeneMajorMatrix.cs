using PureHDF;
using PureHDF.Selections;

namespace DigitalCell.Sdk.IO.H5ad;

/// <summary>
/// The X of an h5ad file stored gene-major (<c>csc_matrix</c>, see <see cref="H5adWriteOptions.GeneMajor"/>), left on
/// disk and read a block of genes at a time: every cell's stored values of those genes, without the cells' indices.
/// A rank-sum or t-test of a group needs no more when a file holds one group's cells.
/// </summary>
internal sealed class GeneMajorMatrix : IDisposable
{
    private const string XPath = "/X";
    private readonly H5adReader _reader;
    private readonly IH5Dataset _indptr, _data;
    private readonly long _stored;

    private GeneMajorMatrix(H5adReader reader, IH5Group x, long[] shape)
    {
        _reader = reader;
        (CellCount, GeneCount) = (checked((int)shape[0]), checked((int)shape[1]));
        _indptr = reader.ChildDataset(x, "indptr", XPath);
        _data = reader.ChildDataset(x, "data", XPath);
        long pointers = (long)reader.VectorLength(_indptr, H5adReader.Join(XPath, "indptr"));
        if (pointers != GeneCount + 1L)
            throw reader.Fail(H5adReader.Join(XPath, "indptr"), $"has {pointers} entries but X has {GeneCount} genes (expected {GeneCount + 1}).");
        _stored = (long)reader.VectorLength(_data, H5adReader.Join(XPath, "data"));
    }

    /// <summary>Opens <paramref name="file"/>'s X; <paramref name="otherwise"/> says what to do when it is not gene-major.</summary>
    /// <exception cref="DigitalCellException">The file is unreadable, or its X is not a csc_matrix.</exception>
    public static GeneMajorMatrix Open(string file, string otherwise)
    {
        var reader = H5adReader.Open(file);
        try
        {
            var x = reader.Child(reader.Root, "X", "/");
            string type = reader.EncodingTypeOf(x, XPath);
            if (type != "csc_matrix" || x is not IH5Group group)
                throw reader.Fail(XPath, $"is a {type}, not gene-major (csc_matrix); {otherwise}.");
            var shape = reader.Guard(XPath, () => H5Values.IntegerArrayAttribute(group, "shape"));
            if (shape is not [>= 0 and <= int.MaxValue, >= 0 and <= int.MaxValue])
                throw reader.Fail(XPath, $"has an invalid shape [{string.Join(", ", shape)}].");
            return new GeneMajorMatrix(reader, group, shape);
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    /// <summary>Number of cells (rows).</summary>
    public int CellCount { get; }

    /// <summary>Number of genes (columns).</summary>
    public int GeneCount { get; }

    /// <summary>The gene names (var's index).</summary>
    public string[] GeneNames() => [.. _reader.ReadDataFrame(_reader.Child(_reader.Root, "var", "/"), "/var").Index];

    /// <summary>Adds each gene's number of stored values to <paramref name="counts"/> (X's values are not read).</summary>
    public void AddStoredPerGene(Span<long> counts)
    {
        var (offsets, _) = Pointers(0, GeneCount);
        for (int g = 0; g < GeneCount; g++) counts[g] += offsets[g + 1] - offsets[g];
    }

    /// <summary>
    /// The stored values of genes [<paramref name="first"/>, <paramref name="end"/>): gene <c>first + i</c>'s are
    /// <c>Values[Offsets[i] .. Offsets[i + 1]]</c>, in cell order.
    /// </summary>
    /// <exception cref="DigitalCellException">The range is outside X, or X's pointers are malformed.</exception>
    public (int[] Offsets, float[] Values) ReadGenes(int first, int end)
    {
        if (first < 0 || end < first || end > GeneCount) throw _reader.Fail(XPath, $"genes {first}..{end} are outside its {GeneCount} genes.");
        var (offsets, from) = Pointers(first, end);
        float[] values = offsets[^1] == 0 ? []
            : _reader.Guard(H5adReader.Join(XPath, "data"), () => H5Values.ReadFloats(_data, new HyperslabSelection((ulong)from, (ulong)offsets[^1])));
        return (offsets, values);
    }

    /// <summary>indptr[first..end], validated and shifted to start at 0, and where it started.</summary>
    private (int[] Offsets, long From) Pointers(int first, int end)
    {
        string path = H5adReader.Join(XPath, "indptr");
        var offsets = _reader.Guard(path, () => H5Values.ReadInt32(_indptr, new HyperslabSelection((ulong)first, (ulong)(end - first + 1))));
        int from = offsets[0];
        for (int i = 0; i < offsets.Length; i++)
        {
            if (offsets[i] < (i == 0 ? 0 : offsets[i - 1] + from) || offsets[i] > _stored)
                throw _reader.Fail(path, $"entry {first + i} ({offsets[i]}) is below the one before it or beyond the {_stored} stored values.");
            offsets[i] -= from;
        }
        return (offsets, from);
    }

    /// <inheritdoc />
    public void Dispose() => _reader.Dispose();
}
