using System.Text.Json;
using DigitalCell.Sdk;
using DigitalCell.Sdk.IO;
using DigitalCell.Sdk.IO.H5mu;

namespace DigitalCell.Cli.Commands;

/// <summary>
/// What <c>dcell inspect</c> and <c>dcell convert</c> do with h5mu (MuData) files: a summary per modality, splitting
/// into one <c>.h5ad</c> per modality, and joining a folder of <c>.h5ad</c> files into one h5mu.
/// </summary>
internal static class MultimodalFiles
{
    /// <summary>Whether <paramref name="path"/> names an h5mu file.</summary>
    public static bool IsH5mu(string path) => path.EndsWith(".h5mu", StringComparison.OrdinalIgnoreCase);

    /// <summary>The JSON summary of an h5mu file, opened backed (no matrix is loaded).</summary>
    public static string Summarise(string path)
    {
        using var data = H5muFile.OpenBacked(path);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("path", path);
            json.WriteString("format", "H5mu");
            json.WriteNumber("n_obs", data.CellCount);
            json.WriteNumber("n_vars", data.Var.RowCount);
            InspectCommand.WriteColumns(json, "obs", data.Obs);
            json.WriteStartObject("modalities");
            foreach (var name in data.ModalityNames)
            {
                var modality = data[name];
                json.WriteStartObject(name);
                json.WriteNumber("n_obs", modality.CellCount);
                json.WriteNumber("n_vars", modality.GeneCount);
                json.WritePropertyName("X");
                InspectCommand.WriteMatrix(json, new(modality.X.Encoding, modality.X.StoredType, modality.X.StoredCount));
                InspectCommand.WriteColumns(json, "obs", modality.Obs);
                InspectCommand.WriteColumns(json, "var", modality.Var);
                json.WriteStartArray("layers");
                foreach (var layer in modality.Layers.Keys) json.WriteStringValue(layer);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndObject();
            json.WriteStartObject("obsm");
            foreach (var (key, m) in data.Obsm)
            {
                json.WriteStartArray(key);
                json.WriteNumberValue(m.RowCount);
                json.WriteNumberValue(m.ColumnCount);
                json.WriteEndArray();
            }
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>
    /// Converts when h5mu is involved: h5mu → folder (one <c>&lt;modality&gt;.h5ad</c> each), folder of .h5ad → h5mu,
    /// h5mu → h5mu (rewritten in the current layout, e.g. a muon 2020 file). Returns false when neither side is h5mu.
    /// </summary>
    /// <exception cref="DigitalCellException">An h5mu file would have to become a single-matrix format, or the input of a join is not a folder.</exception>
    public static bool TryConvert(string from, string to, bool force, TextWriter output)
    {
        bool toFolder = Directory.Exists(to) || Path.EndsInDirectorySeparator(to) || !Path.GetFileName(to).Contains('.');
        if (IsH5mu(from) && IsH5mu(to))
        {
            var data = H5muFile.Read(from);
            H5muFile.Write(data, to);
            output.WriteLine($"Wrote {data.CellCount} cells in {data.ModalityNames.Count} modalities ({string.Join(", ", data.ModalityNames)}) to {to}.");
            return true;
        }
        if (IsH5mu(from))
        {
            if (!toFolder)
                throw new DigitalCellException(to, null, "an h5mu file holds several modalities: give a folder (e.g. out/) to receive one <modality>.h5ad per modality.");
            AtomicFile.CheckReplaceable(to, force);
            var data = H5muFile.Read(from);
            // One folder swapped in whole, so a reverse join never picks up a stale or foreign .h5ad beside the new ones.
            var written = new List<string>();
            AtomicFile.WriteDirectory(to, temp => written.AddRange(H5muFile.WriteH5adFolder(data, temp).Select(f => Path.GetFileName(f))), force);
            foreach (var file in written) output.WriteLine($"Wrote {Path.Combine(to, file)}.");
            return true;
        }
        if (IsH5mu(to))
        {
            if (!Directory.Exists(from))
                throw new DigitalCellException(from, null, "to write an h5mu file, give a folder of .h5ad files (one modality each, named by the file).");
            var data = H5muFile.ReadH5adFolder(from);
            H5muFile.Write(data, to);
            output.WriteLine($"Wrote {data.CellCount} cells in {data.ModalityNames.Count} modalities ({string.Join(", ", data.ModalityNames.Select(m => $"{m} {data[m].GeneCount} features"))}) to {to}.");
            return true;
        }
        return false;
    }
}
