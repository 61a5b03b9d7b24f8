using DigitalCell.Sdk.Catalog;
using System.CommandLine;
using System.Text.Json;
using DigitalCell.Sdk;
using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.IO;
using DigitalCell.Sdk.IO.H5ad;

namespace DigitalCell.Cli.Commands;

/// <summary>
/// <c>dcell inspect &lt;path&gt;</c>: a JSON summary of a dataset file: shape, how X is stored, obs/var columns with
/// their types, layers, obsm shapes and uns keys. h5ad files are opened backed, so X is not loaded (nnz comes from indptr).
/// </summary>
public static class InspectCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var path = new Argument<string>("path") { Description = "Dataset to inspect: " + CellDatasetFiles.SupportedFormats };
        var command = new Command("inspect", "Print a JSON summary of a dataset file: n_obs, n_vars, X encoding/dtype/nnz, obs/var columns, layers, obsm, uns (per modality for .h5mu).") { path };
        command.SetAction(parse =>
        {
            parse.InvocationConfiguration.Output.WriteLine(Summarise(parse.GetRequiredValue(path)));
            return 0;
        });
        return command;
    }

    /// <summary>How one matrix is stored.</summary>
    internal sealed record MatrixSummary(string Encoding, string DType, long Nnz);

    /// <summary>The summary of <paramref name="path"/> as indented JSON; keys follow anndata's names.</summary>
    internal static string Summarise(string path)
    {
        if (MultimodalFiles.IsH5mu(path)) return MultimodalFiles.Summarise(path);
        var format = CellDatasetFiles.DetectForReading(path);
        if (format == CellDataFormat.H5ad)
        {
            BackedCellDataset? backed = null;
            try
            {
                backed = H5adFile.OpenBacked(path);
            }
            catch (DigitalCellException)
            {
                // Backed access needs row-major X; a CSC X (or another layout it refuses) is read in full instead.
            }
            if (backed is not null)
                using (backed)
                    return ToJson(path, format, backed.CellCount, backed.GeneCount,
                        new MatrixSummary(backed.X.Encoding, backed.X.StoredType, backed.X.StoredCount),
                        backed.Obs, backed.Var,
                        backed.Layers.ToDictionary(kv => kv.Key, kv => new MatrixSummary(kv.Value.Encoding, kv.Value.StoredType, kv.Value.StoredCount)),
                        backed.Obsm, backed.Uns);
        }
        var data = CellDataset.Read(path);
        return ToJson(path, format, data.CellCount, data.GeneCount, InMemory(data.X), data.Obs, data.Var,
            data.Layers.ToDictionary(kv => kv.Key, kv => InMemory(kv.Value)), data.Obsm, data.Uns);
    }

    private static MatrixSummary InMemory(CellMatrix m) => new(m.IsSparse ? "csr_matrix" : "array", "float32", m.StoredCount);

    private static string ToJson(string path, CellDataFormat format, int cells, int genes, MatrixSummary x,
        AnnotationTable obs, AnnotationTable var, Dictionary<string, MatrixSummary> layers,
        IReadOnlyDictionary<string, DenseCellMatrix> obsm, IReadOnlyDictionary<string, object> uns)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("path", path);
            json.WriteString("format", format.ToString());
            json.WriteNumber("n_obs", cells);
            json.WriteNumber("n_vars", genes);
            json.WritePropertyName("X");
            WriteMatrix(json, x);
            WriteColumns(json, "obs", obs);
            WriteColumns(json, "var", var);
            json.WriteStartObject("layers");
            foreach (var (name, layer) in layers) { json.WritePropertyName(name); WriteMatrix(json, layer); }
            json.WriteEndObject();
            json.WriteStartObject("obsm");
            foreach (var (key, m) in obsm)
            {
                json.WriteStartArray(key);
                json.WriteNumberValue(m.RowCount);
                json.WriteNumberValue(m.ColumnCount);
                json.WriteEndArray();
            }
            json.WriteEndObject();
            json.WriteStartArray("uns");
            foreach (var key in uns.Keys) json.WriteStringValue(key);
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    internal static void WriteMatrix(Utf8JsonWriter json, MatrixSummary matrix)
    {
        json.WriteStartObject();
        json.WriteString("encoding", matrix.Encoding);
        json.WriteString("dtype", matrix.DType);
        json.WriteNumber("nnz", matrix.Nnz);
        json.WriteEndObject();
    }

    internal static void WriteColumns(Utf8JsonWriter json, string name, AnnotationTable table)
    {
        json.WriteStartObject(name);
        foreach (var column in table.Columns) json.WriteString(column.Name, column.TypeName);
        json.WriteEndObject();
    }
}
