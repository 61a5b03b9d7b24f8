using System.Globalization;
using System.Numerics;
using DigitalCell.Sdk.Collections;
using DigitalCell.Sdk.Data;
using DuckDB.NET.Data;
using Microsoft.Data.Analysis;

namespace DigitalCell.Sdk.Query;

/// <summary>
/// The obs of every shard of a <see cref="CellCollection"/> loaded into an embedded, in-process DuckDB database as
/// the table <c>obs</c>: columns <c>shard</c> (file name), <c>shard_index</c>, <c>row</c> (the cell's row in its
/// shard), <c>cell</c> (its name), then the obs columns (numbers as BIGINT or DOUBLE, booleans as BOOLEAN,
/// everything else as VARCHAR; NULL where a shard lacks the column). X is never read. Keep one open to run many
/// queries; dispose it to free the database.
/// </summary>
public sealed class CollectionMetadata : IDisposable
{
    /// <summary>The table that holds the obs.</summary>
    public const string Table = "obs";

    private static readonly string[] PositionColumns = ["shard", "shard_index", "row", "cell"];
    private readonly DuckDBConnection _connection;

    /// <summary>Loads the obs of <paramref name="collection"/> (shard by shard) into a new in-memory database.</summary>
    /// <exception cref="DigitalCellException">An obs column is named like a position column (shard, shard_index, row, cell).</exception>
    public CollectionMetadata(CellCollection collection, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(collection);
        Collection = collection;
        _connection = new DuckDBConnection("DataSource=:memory:");
        _connection.Open();
        try
        {
            Load(cancellationToken);
        }
        catch
        {
            _connection.Dispose();
            throw;
        }
    }

    /// <summary>The collection whose obs are loaded.</summary>
    public CellCollection Collection { get; }

    /// <summary>Runs a SQL query (DuckDB dialect; the table is <c>obs</c>) and returns its result as a data frame.</summary>
    /// <exception cref="DigitalCellException">The SQL does not parse or fails; the message is DuckDB's.</exception>
    public DataFrame Query(string sql)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sql);
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        try
        {
            using var reader = command.ExecuteReader();
            return ToDataFrame(reader);
        }
        catch (DuckDBException e)
        {
            throw new DigitalCellException($"{Collection.Location}: query failed: {e.Message}", e);
        }
    }

    /// <summary>
    /// The cells whose obs satisfy <paramref name="predicate"/> (a SQL boolean expression over the obs columns, e.g.
    /// <c>perturbation = 'control' AND cell_line = 'CL01'</c>), as a selection for the streaming readers.
    /// </summary>
    /// <exception cref="DigitalCellException">The predicate does not parse or names an unknown column.</exception>
    public CellSelection SelectCells(string predicate)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(predicate);
        using var command = _connection.CreateCommand();
        command.CommandText = $"SELECT shard_index, \"row\" FROM {Table} WHERE ({predicate})";
        var cells = new List<(int, int)>();
        try
        {
            using var reader = command.ExecuteReader();
            while (reader.Read()) cells.Add((reader.GetInt32(0), reader.GetInt32(1)));
        }
        catch (DuckDBException e)
        {
            throw new DigitalCellException($"{Collection.Location}: cell selection '{predicate}' failed: {e.Message}", e);
        }
        return CellSelection.FromRows(Collection, cells);
    }

    /// <inheritdoc />
    public void Dispose() => _connection.Dispose();

    private void Load(CancellationToken cancellationToken)
    {
        // One pass to learn each column's SQL type over all shards, one to append (obs are re-read rather than all kept).
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int s = 0; s < Collection.Shards.Count; s++)
            foreach (var column in Collection.ReadObs(s).Columns)
            {
                if (PositionColumns.Contains(column.Name, StringComparer.OrdinalIgnoreCase))
                    throw new DigitalCellException(Collection.Shards[s].Path, $"obs column '{column.Name}'",
                        $"has the name of a position column the query table adds ({string.Join(", ", PositionColumns)}); rename it");
                string type = SqlType(column);
                types[column.Name] = types.TryGetValue(column.Name, out var seen) && seen != type ? Widen(seen, type) : type;
            }
        var names = types.Keys.ToArray();
        string columns = string.Join(", ", names.Select(n => $"{Quote(n)} {types[n]}"));
        Execute($"CREATE TABLE {Table} (shard VARCHAR, shard_index INTEGER, \"row\" INTEGER, cell VARCHAR{(names.Length > 0 ? ", " + columns : "")})");
        using var appender = _connection.CreateAppender(Table);
        for (int s = 0; s < Collection.Shards.Count; s++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var obs = Collection.ReadObs(s);
            var present = names.Select(n => obs.Contains(n) ? obs[n] : null).ToArray();
            string shard = Collection.Shards[s].Name;
            for (int i = 0; i < obs.RowCount; i++)
            {
                var row = appender.CreateRow().AppendValue(shard).AppendValue(s).AppendValue(i).AppendValue(obs.Index[i]);
                for (int c = 0; c < names.Length; c++) AppendCell(row, types[names[c]], present[c], i);
                row.EndRow();
            }
        }
    }

    private static void AppendCell(DuckDB.NET.Data.IDuckDBAppenderRow row, string type, AnnotationColumn? column, int i)
    {
        object? value = column?.GetValue(i);
        if (value is null) { row.AppendNullValue(); return; }
        switch (type)
        {
            case "BIGINT": row.AppendValue(Convert.ToInt64(value, CultureInfo.InvariantCulture)); break;
            case "DOUBLE": row.AppendValue(Convert.ToDouble(value, CultureInfo.InvariantCulture)); break;
            case "BOOLEAN": row.AppendValue((bool)value); break;
            default: row.AppendValue(column!.GetText(i)); break;
        }
    }

    private static string SqlType(AnnotationColumn column) => column switch
    {
        BooleanColumn => "BOOLEAN",
        CategoricalColumn or StringColumn => "VARCHAR",
        NumericColumn<float> or NumericColumn<double> => "DOUBLE",
        _ when column.GetType() is { IsGenericType: true } t && t.GetGenericTypeDefinition() == typeof(NumericColumn<>) =>
            column is NumericColumn<ulong> ? "DOUBLE" : "BIGINT",
        _ => "VARCHAR",
    };

    private static string Widen(string a, string b) => (a, b) switch
    {
        ("BIGINT", "DOUBLE") or ("DOUBLE", "BIGINT") => "DOUBLE",
        _ => "VARCHAR",
    };

    private static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static DataFrame ToDataFrame(DuckDBDataReader reader)
    {
        int n = reader.FieldCount;
        var values = Enumerable.Range(0, n).Select(_ => new List<object?>()).ToArray();
        while (reader.Read())
            for (int c = 0; c < n; c++) values[c].Add(reader.IsDBNull(c) ? null : reader.GetValue(c));
        var columns = new List<DataFrameColumn>();
        for (int c = 0; c < n; c++)
        {
            string name = reader.GetName(c);
            var type = reader.GetFieldType(c);
            var list = values[c];
            columns.Add(type switch
            {
                _ when type == typeof(bool) => new BooleanDataFrameColumn(name, list.Select(v => (bool?)v)),
                _ when type == typeof(double) || type == typeof(float) || type == typeof(decimal) =>
                    new DoubleDataFrameColumn(name, list.Select(v => v is null ? (double?)null : Convert.ToDouble(v, CultureInfo.InvariantCulture))),
                _ when type == typeof(long) || type == typeof(int) || type == typeof(short) || type == typeof(sbyte) || type == typeof(byte)
                    || type == typeof(ushort) || type == typeof(uint) || type == typeof(ulong) || type == typeof(BigInteger) =>
                    new Int64DataFrameColumn(name, list.Select(v => v is null ? (long?)null : v is BigInteger b ? (long)b : Convert.ToInt64(v, CultureInfo.InvariantCulture))),
                _ => new StringDataFrameColumn(name, list.Select(v => v is null ? null : Convert.ToString(v, CultureInfo.InvariantCulture))),
            });
        }
        return new DataFrame(columns);
    }
}
