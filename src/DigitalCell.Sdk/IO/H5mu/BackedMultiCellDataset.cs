using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.IO.H5ad;

namespace DigitalCell.Sdk.IO.H5mu;

/// <summary>
/// An h5mu file opened with <see cref="H5muFile.OpenBacked"/>: the shared tables and maps are in memory, each modality is
/// a <see cref="BackedCellDataset"/> whose X and layers are read from disk on demand. Dispose to close the file
/// (every modality with it).
/// </summary>
public sealed class BackedMultiCellDataset : IDisposable
{
    private readonly H5adReader _reader;
    private readonly string[] _names;
    private readonly Dictionary<string, BackedCellDataset> _modalities = new(StringComparer.Ordinal);

    internal BackedMultiCellDataset(H5adReader reader)
    {
        _reader = reader;
        var shared = MuDataLayout.ReadShared(reader);
        _names = shared.ModalityNames;
        try
        {
            foreach (var name in _names)
            {
                var modality = reader.Scoped(MuDataLayout.ModalityPath(name));
                try
                {
                    _modalities[name] = new BackedCellDataset(modality);
                }
                catch
                {
                    modality.Dispose();
                    throw;
                }
            }
            Obs = shared.Obs;
            Var = shared.Var;
            ObsMap = MuDataLayout.InFile(reader, () => MultiCellDataset.LinkAxis(_names, n => _modalities[n].Obs, Obs, shared.ObsMap, "obsmap", "cells"));
            VarMap = MuDataLayout.InFile(reader, () => MultiCellDataset.LinkAxis(_names, n => _modalities[n].Var, Var, shared.VarMap, "varmap", "features"));
            Obsm = shared.Obsm;
            Uns = shared.Uns;
        }
        catch
        {
            foreach (var modality in _modalities.Values) modality.Dispose();
            throw;
        }
    }

    /// <summary>The file.</summary>
    public string Source => _reader.FilePath;

    /// <summary>The modality names in their intended order.</summary>
    public IReadOnlyList<string> ModalityNames => _names;

    /// <summary>The modalities by name, on disk.</summary>
    public IReadOnlyDictionary<string, BackedCellDataset> Modalities => _modalities;

    /// <summary>The modality named <paramref name="name"/>.</summary>
    /// <exception cref="DigitalCellException">No such modality; the message lists the available ones.</exception>
    public BackedCellDataset this[string name] => _modalities.TryGetValue(name, out var data) ? data
        : throw new DigitalCellException(Source, "/mod", $"no modality '{name}'. Available: {string.Join(", ", _names)}.");

    /// <summary>Annotations of the cells, shared by all modalities.</summary>
    public AnnotationTable Obs { get; }

    /// <summary>All features of all modalities.</summary>
    public AnnotationTable Var { get; }

    /// <summary>Per modality, the 1-based row of each shared cell in it, 0 when absent.</summary>
    public IReadOnlyDictionary<string, int[]> ObsMap { get; }

    /// <summary>Per modality, the 1-based row of each shared feature in it, 0 when absent.</summary>
    public IReadOnlyDictionary<string, int[]> VarMap { get; }

    /// <summary>Shared per-cell embeddings.</summary>
    public IReadOnlyDictionary<string, DenseCellMatrix> Obsm { get; }

    /// <summary>Shared metadata.</summary>
    public IReadOnlyDictionary<string, object> Uns { get; }

    /// <summary>Number of shared cells.</summary>
    public int CellCount => Obs.RowCount;

    /// <inheritdoc />
    public override string ToString() =>
        $"Backed MultiCellDataset with {CellCount} cells in {_names.Length} modalities: " +
        string.Join("; ", _names.Select(n => $"{n} {_modalities[n].CellCount} × {_modalities[n].GeneCount}")) + $" ({Source})";

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var modality in _modalities.Values) modality.Dispose();
        _reader.Dispose();
    }
}
