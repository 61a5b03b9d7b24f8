namespace DigitalCell.Sdk.IO.Parquet;

/// <summary>Column names and footer metadata keys of the two Parquet layouts (documented on <see cref="ParquetCells"/>).</summary>
internal static class ParquetSchemaInfo
{
    public const string CellColumn = "cell";
    public const string GeneColumn = "gene";
    public const string ValueColumn = "value";

    /// <summary>Footer key: <c>long-v1</c> or <c>wide-v1</c>.</summary>
    public const string LayoutKey = "digitalcell.layout";

    /// <summary>Footer key: JSON array of every gene name in order (the long layout cannot otherwise show all-zero genes).</summary>
    public const string GenesKey = "digitalcell.genes";

    /// <summary>Footer key: JSON array of every cell name in order (the long layout cannot otherwise show all-zero cells).</summary>
    public const string CellsKey = "digitalcell.cells";

    /// <summary>Footer key (wide): JSON array of the obs column names, which separate obs columns from gene columns.</summary>
    public const string ObsColumnsKey = "digitalcell.obs_columns";

    /// <summary>Footer key (wide): JSON object, per categorical obs column, <c>{"categories": [...], "ordered": bool}</c>.</summary>
    public const string CategoriesKey = "digitalcell.categories";
}
