using System.Text.Json;
using DigitalCell.Sdk.Models;

namespace DigitalCell.Sdk.Torch;

/// <summary>What the neural and ONNX models share: names stored in safetensors metadata, and the control cells to perturb.</summary>
internal static class ModelFiles
{
    /// <summary>A JSON string list stored under <paramref name="key"/> in the file's metadata.</summary>
    public static string[] Names(SafeTensorFile file, string path, string key) =>
        file.Metadata.TryGetValue(key, out var json) ? JsonSerializer.Deserialize<string[]>(json) ?? []
            : throw new DigitalCellException(path, "__metadata__", $"lacks '{key}'");

    /// <summary>The context's control cells (row-major) when given, else the model's stored ones.</summary>
    public static float[] ControlCells(PredictionContext? context, float[] stored, int genes)
    {
        if (context?.ControlCells is not { } given) return stored;
        if (given.ColumnCount != genes)
            throw new DigitalCellException($"prediction context has control cells with {given.ColumnCount} genes; the model has {genes}");
        var cells = new float[given.RowCount * genes];
        for (int r = 0; r < given.RowCount; r++) given.CopyRow(r, cells.AsSpan(r * genes, genes));
        return cells;
    }
}
