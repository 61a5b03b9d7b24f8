using DigitalCell.Sdk.Collections;
using Microsoft.Data.Analysis;

namespace DigitalCell.Sdk.Query;

/// <summary>
/// One-shot SQL over a collection's obs with embedded DuckDB: <c>collection.Query("SELECT perturbation, cell_line,
/// count(*) AS cells FROM obs GROUP BY ALL")</c>, <c>collection.SelectCells("perturbation = 'control'")</c>. Each call
/// loads the obs afresh; open a <see cref="CollectionMetadata"/> to run several.
/// </summary>
public static class CollectionQueries
{
    /// <summary>Runs <paramref name="sql"/> over the table <c>obs</c> (see <see cref="CollectionMetadata"/>).</summary>
    public static DataFrame Query(this CellCollection collection, string sql)
    {
        using var metadata = new CollectionMetadata(collection);
        return metadata.Query(sql);
    }

    /// <summary>The cells whose obs satisfy the SQL <paramref name="predicate"/>, for <see cref="CellCollection.Matrix"/> and <see cref="CellCollection.ReadCells"/>.</summary>
    public static CellSelection SelectCells(this CellCollection collection, string predicate)
    {
        using var metadata = new CollectionMetadata(collection);
        return metadata.SelectCells(predicate);
    }
}
