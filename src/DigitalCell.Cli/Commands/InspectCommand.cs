using System.CommandLine;
using System.Text.Json;
using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.IO;

namespace DigitalCell.Cli.Commands;

/// <summary><c>dcell inspect &lt;path&gt;</c>: a JSON summary of a dataset file (shape, X storage, annotation columns, layers, embeddings, metadata keys).</summary>
public static class InspectCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var path = new Argument<string>("path") { Description = "Dataset to inspect: " + CellDatasetFiles.SupportedFormats };
        var command = new Command("inspect", "Print a JSON summary of a dataset file: n_obs, n_vars, X encoding, obs/var columns, layers, obsm, uns.") { path };
        command.SetAction(parse =>
        {
            string file = parse.GetRequiredValue(path);
            var format = CellDatasetFiles.DetectForReading(file);
            var data = CellDataset.Read(file);
            parse.InvocationConfiguration.Output.WriteLine(Summarise(file, format, data));
            return 0;
        });
        return command;
    }

    /// <summary>The summary as indented JSON; the keys follow anndata's names (n_obs, n_vars, obsm, uns).</summary>
    internal static string Summarise(string path, CellDataFormat format, CellDataset data)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("path", path);
            json.WriteString("format", format.ToString());
            json.WriteNumber("n_obs", data.CellCount);
            json.WriteNumber("n_vars", data.GeneCount);
            json.WritePropertyName("X");
            WriteMatrix(json, data.X);
            WriteColumns(json, "obs", data.Obs);
            WriteColumns(json, "var", data.Var);
            json.WriteStartObject("layers");
            foreach (var (name, layer) in data.Layers) { json.WritePropertyName(name); WriteMatrix(json, layer); }
            json.WriteEndObject();
            WriteShapes(json, "obsm", data.Obsm.ToDictionary(kv => kv.Key, kv => (CellMatrix)kv.Value));
            WriteShapes(json, "varm", data.Varm.ToDictionary(kv => kv.Key, kv => (CellMatrix)kv.Value));
            WriteShapes(json, "obsp", data.Obsp.ToDictionary(kv => kv.Key, kv => kv.Value));
            json.WriteStartArray("uns");
            foreach (var key in data.Uns.Keys) json.WriteStringValue(key);
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteMatrix(Utf8JsonWriter json, CellMatrix matrix)
    {
        json.WriteStartObject();
        json.WriteString("encoding", matrix.IsSparse ? "csr_matrix" : "array");
        json.WriteString("dtype", "float32");
        json.WriteNumber("nnz", matrix.StoredCount);
        json.WriteEndObject();
    }

    private static void WriteColumns(Utf8JsonWriter json, string name, AnnotationTable table)
    {
        json.WriteStartObject(name);
        foreach (var column in table.Columns) json.WriteString(column.Name, column.TypeName);
        json.WriteEndObject();
    }

    private static void WriteShapes(Utf8JsonWriter json, string name, IReadOnlyDictionary<string, CellMatrix> matrices)
    {
        json.WriteStartObject(name);
        foreach (var (key, m) in matrices)
        {
            json.WriteStartArray(key);
            json.WriteNumberValue(m.RowCount);
            json.WriteNumberValue(m.ColumnCount);
            json.WriteEndArray();
        }
        json.WriteEndObject();
    }
}
