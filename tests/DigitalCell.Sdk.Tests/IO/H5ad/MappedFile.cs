using System.IO.MemoryMappedFiles;
using DigitalCell.Sdk.IO.H5ad;
using PureHDF;

namespace DigitalCell.Sdk.Tests.IO.H5ad;

/// <summary>A file opened the way <c>H5adReader</c> opens it: memory-mapped, with its superblock read.</summary>
internal sealed class MappedFile : IDisposable
{
    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;
    private readonly HdfSuperblock? _superblock;
    private readonly IH5Group _root;

    private MappedFile(string path)
    {
        _superblock = HdfSuperblock.Read(path);
        _map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        _view = _map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
        _root = H5File.Open(_view);
    }

    public IH5Group Root => _root;

    public static MappedFile Open(string path) => new(path);

    public string[]? TryRead(IH5Dataset dataset) => MappedStringDataset.TryRead(_view, _superblock, dataset);

    public string[]? TryRead(string path) => TryRead(_root.Dataset(path));

    public T[]? TryReadNumbers<T>(IH5Dataset dataset) where T : unmanaged => MappedNumericDataset.TryRead<T>(_view, _superblock, dataset);

    public T[]? TryReadNumbers<T>(string path) where T : unmanaged => TryReadNumbers<T>(_root.Dataset(path));

    /// <summary>Where an HDF5 structure signature ("GCOL", "TREE", …) starts in a file's raw bytes, for corrupting it on purpose.</summary>
    public static List<int> SignatureOffsets(byte[] file, string signature)
    {
        var needle = System.Text.Encoding.ASCII.GetBytes(signature);
        var offsets = new List<int>();
        for (int from = 0, found; (found = file.AsSpan(from).IndexOf(needle)) >= 0; from += found + needle.Length)
            offsets.Add(from + found);
        return offsets;
    }

    public void Dispose()
    {
        (_root as IDisposable)?.Dispose();
        _view.Dispose();
        _map.Dispose();
    }
}
