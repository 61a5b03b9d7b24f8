using Microsoft.Data.Analysis;

namespace DigitalCell.Sdk.Data;

/// <summary>
/// The per-cell (<c>obs</c>) or per-gene (<c>var</c>) annotation table: a string index (cell barcodes or gene names)
/// and ordered, named <see cref="AnnotationColumn"/>s of the same length. Immutable: the <c>With…</c> methods return new tables.
/// </summary>
public sealed class AnnotationTable
{
    private readonly string[] _index;
    private readonly AnnotationColumn[] _columns;
    private readonly Dictionary<string, int> _columnLookup;
    private Dictionary<string, int>? _indexLookup;

    /// <summary>Creates a table; every column must have one entry per index name and column names must be unique.</summary>
    /// <param name="axis">What the rows are, used in error messages: <c>obs</c> or <c>var</c>.</param>
    /// <param name="index">Row names (not copied).</param>
    /// <param name="columns">The columns, in order.</param>
    /// <param name="indexName">The name of the index column, as anndata stores it (<c>_index</c> by default).</param>
    public AnnotationTable(string axis, string[] index, IEnumerable<AnnotationColumn>? columns = null, string indexName = "_index")
    {
        Axis = axis;
        _index = index ?? throw new ArgumentNullException(nameof(index));
        IndexName = indexName;
        _columns = columns?.ToArray() ?? [];
        _columnLookup = new Dictionary<string, int>(_columns.Length, StringComparer.Ordinal);
        for (int i = 0; i < _columns.Length; i++)
        {
            if (_columns[i].Length != index.Length)
                throw new DigitalCellException($"{axis} column '{_columns[i].Name}' has {_columns[i].Length} entries but {axis} has {index.Length} rows.");
            if (!_columnLookup.TryAdd(_columns[i].Name, i))
                throw new DigitalCellException($"{axis} has two columns named '{_columns[i].Name}'.");
        }
    }

    /// <summary>What the rows are: <c>obs</c> (cells) or <c>var</c> (genes).</summary>
    public string Axis { get; }

    /// <summary>Name under which the index is stored (<c>_index</c> unless the file said otherwise).</summary>
    public string IndexName { get; }

    /// <summary>Row names: cell barcodes for obs, gene names for var.</summary>
    public IReadOnlyList<string> Index => _index;

    /// <summary>Number of rows.</summary>
    public int RowCount => _index.Length;

    /// <summary>The columns, in order.</summary>
    public IReadOnlyList<AnnotationColumn> Columns => _columns;

    /// <summary>Column names, in order.</summary>
    public IEnumerable<string> ColumnNames => _columns.Select(c => c.Name);

    /// <summary>Whether a column of that name exists.</summary>
    public bool Contains(string name) => _columnLookup.ContainsKey(name);

    /// <summary>The column named <paramref name="name"/>.</summary>
    /// <exception cref="DigitalCellException">No such column; the message lists the available ones.</exception>
    public AnnotationColumn this[string name] =>
        _columnLookup.TryGetValue(name, out int i) ? _columns[i]
            : throw new DigitalCellException($"{Axis} has no column '{name}'. Available: {(_columns.Length == 0 ? "(none)" : string.Join(", ", ColumnNames))}.");

    /// <summary>The column named <paramref name="name"/> as a categorical column.</summary>
    /// <exception cref="DigitalCellException">No such column, or it is not categorical.</exception>
    public CategoricalColumn Categorical(string name) => this[name] switch
    {
        CategoricalColumn c => c,
        StringColumn s => CategoricalColumn.FromLabels(s.Name, s.Values),
        var other => throw new DigitalCellException($"{Axis} column '{name}' is {other.TypeName}, not categorical."),
    };

    /// <summary>The position of row name <paramref name="name"/>, or −1.</summary>
    public int IndexOf(string name)
    {
        _indexLookup ??= BuildIndexLookup();
        return _indexLookup.TryGetValue(name, out int i) ? i : -1;
    }

    /// <summary>Positions of the given row names, in order.</summary>
    /// <exception cref="DigitalCellException">A name is not in the index.</exception>
    public int[] IndicesOf(IEnumerable<string> names) => names.Select(n =>
    {
        int i = IndexOf(n);
        return i >= 0 ? i : throw new DigitalCellException($"{Axis} has no row named '{n}'.");
    }).ToArray();

    /// <summary>A table with the given rows, in order.</summary>
    public AnnotationTable SelectRows(ReadOnlySpan<int> rows)
    {
        var index = new string[rows.Length];
        for (int i = 0; i < rows.Length; i++)
        {
            if ((uint)rows[i] >= (uint)_index.Length)
                throw new DigitalCellException($"{Axis} row index {rows[i]} is out of range for {_index.Length} rows.");
            index[i] = _index[rows[i]];
        }
        var columns = new AnnotationColumn[_columns.Length];
        for (int c = 0; c < columns.Length; c++) columns[c] = _columns[c].Select(rows);
        return new AnnotationTable(Axis, index, columns, IndexName);
    }

    /// <summary>A table with <paramref name="column"/> added, or replacing the column of the same name in place.</summary>
    public AnnotationTable With(AnnotationColumn column)
    {
        var columns = _columns.ToList();
        if (_columnLookup.TryGetValue(column.Name, out int i)) columns[i] = column;
        else columns.Add(column);
        return new AnnotationTable(Axis, _index, columns, IndexName);
    }

    /// <summary>A table without the named column.</summary>
    /// <exception cref="DigitalCellException">No such column.</exception>
    public AnnotationTable Without(string name)
    {
        _ = this[name];
        return new AnnotationTable(Axis, _index, _columns.Where(c => c.Name != name), IndexName);
    }

    /// <summary>A table with new row names (same length).</summary>
    public AnnotationTable WithIndex(string[] index)
    {
        if (index.Length != _index.Length)
            throw new DigitalCellException($"New {Axis} index has {index.Length} names but {Axis} has {_index.Length} rows.");
        return new AnnotationTable(Axis, index, _columns, IndexName);
    }

    /// <summary>The table as a Microsoft.Data.Analysis <see cref="DataFrame"/>, the index as the first column.</summary>
    public DataFrame ToDataFrame()
    {
        var frame = new DataFrame(new StringDataFrameColumn(Axis == "var" ? "gene" : "cell", _index));
        foreach (var c in _columns) frame.Columns.Add(c.ToDataFrameColumn());
        return frame;
    }

    /// <inheritdoc />
    public override string ToString() => $"{Axis}: {RowCount} rows × [{string.Join(", ", ColumnNames)}]";

    private Dictionary<string, int> BuildIndexLookup()
    {
        var lookup = new Dictionary<string, int>(_index.Length, StringComparer.Ordinal);
        for (int i = 0; i < _index.Length; i++) lookup.TryAdd(_index[i], i);
        return lookup;
    }
}
