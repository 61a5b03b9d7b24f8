using DigitalCell.Sdk.Data;
using PureHDF;

namespace DigitalCell.Sdk.IO.H5ad.Encodings;

/// <summary>
/// <c>dataframe</c> 0.2.0: a group with one element per column, the index named by the <c>_index</c> attribute and the
/// column order by <c>column-order</c> (obs and var). Version 0.1.0 (anndata 0.7) differs only in its categorical
/// columns, read by <see cref="ReferencedCategorical"/>.
/// </summary>
internal sealed class DataFrameEncoding : IH5adEncoding
{
    public string EncodingType => "dataframe";

    public IReadOnlyList<string> Versions { get; } = ["0.2.0", "0.1.0"];

    public object? Read(H5adReader reader, IH5Object element, string path)
    {
        if (element is not IH5Group group) throw reader.Fail(path, "a dataframe must be a group, found a dataset.");
        string indexName = reader.Guard(path, () => H5Values.StringAttribute(group, "_index")) ?? throw reader.Fail(path, "the dataframe has no '_index' attribute.");
        var columnOrder = reader.Guard(path, () => H5Values.StringArrayAttribute(group, "column-order"));
        string indexPath = H5adReader.Join(path, indexName);
        var index = reader.ReadStrings(reader.Child(group, indexName, path), indexPath);
        var columns = new List<AnnotationColumn>(columnOrder.Length);
        foreach (var name in columnOrder)
        {
            string columnPath = H5adReader.Join(path, name);
            var columnElement = reader.Child(group, name, path);
            var column = (reader.Guard(columnPath, () => ReferencedCategorical.Applies(columnElement)) ? ReferencedCategorical.Read(reader, (IH5Dataset)columnElement, columnPath) : reader.ReadElement(columnElement, columnPath)) switch
            {
                AnnotationColumn c => c.Name == name ? c : c.Rename(name),
                Array a when a.Rank == 1 => Columns.FromArray(name, a),
                null => null,
                var other => throw reader.Fail(columnPath, $"a dataframe column must be one-dimensional, found {H5adReader.Describe(other)}."),
            };
            if (column is null) continue;
            if (column.Length != index.Length)
                throw reader.Fail(columnPath, $"has {column.Length} entries but the index '{indexName}' has {index.Length}.");
            columns.Add(column);
        }
        return new AnnotationTable(H5adReader.NameOf(path), index, columns, indexName);
    }

    /// <summary>A dataframe group: the index under the table's index name, then each column through its encoding.</summary>
    public static H5Group Write(H5adWriter writer, AnnotationTable table)
    {
        string indexName = table.IndexName;
        if (table.Contains(indexName)) indexName = "_index";
        var group = new H5Group
        {
            Attributes = H5adWriter.Encoding("dataframe", "0.2.0", new()
            {
                ["_index"] = indexName,
                ["column-order"] = table.ColumnNames.ToArray(),
            }),
        };
        group[indexName] = StringArrayEncoding.Write(writer, table.Index.ToArray());
        foreach (var column in table.Columns) group[column.Name] = writer.Column(column);
        return group;
    }
}
