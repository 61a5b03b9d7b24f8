using System.IO.MemoryMappedFiles;
using System.Reflection;
using PureHDF;

namespace DigitalCell.Sdk.IO.H5ad;

/// <summary>
/// Where and how a dataset's bytes are stored, for the memory-mapped fast paths (<see cref="MappedStringDataset"/>,
/// <see cref="MappedNumericDataset"/>). PureHDF 2.2 (pinned in the project file) keeps this in internal layout, type
/// and filter messages, read here by name; any member that is missing or not as expected gives null, and the caller
/// then reads through PureHDF's public API as usual.
/// </summary>
internal static class PureHdfStorage
{
    /// <summary>A contiguous dataset's address and byte size, or null when it is stored otherwise (or in external files).</summary>
    public static (ulong Address, ulong Size)? Contiguous(IH5Dataset dataset)
    {
        if (Internal(dataset, "InternalExternalFileList") is not null) return null;
        var storage = Internal(Internal(dataset, "InternalDataLayout"), "Properties");
        return storage?.GetType().Name == "ContiguousStoragePropertyDescription" && Internal(storage, "Address") is ulong address && Internal(storage, "Size") is ulong size
            ? (address, size) : null;
    }

    /// <summary>
    /// A chunked dataset's version-1 B-tree address and chunk dimensions (the last one being the element size), when
    /// it is indexed that way (data layout message version 3, what h5py and anndata write) and its chunks are stored
    /// raw or through deflate alone (h5py's <c>compression="gzip"</c>); <c>Deflated</c> tells which.
    /// </summary>
    public static (ulong BTreeAddress, uint[] ChunkDims, bool Deflated)? BTreeChunks(IH5Dataset dataset)
    {
        if (Internal(dataset, "InternalExternalFileList") is not null) return null;
        bool deflated = false;
        if (Internal(dataset, "InternalFilterPipeline") is { } pipeline)
        {
            // Only a pipeline of exactly one filter, deflate (HDF5 filter id 1); shuffle, Fletcher-32 etc. stay PureHDF's.
            if (Internal(pipeline, "FilterDescriptions") is not System.Collections.IEnumerable filters) return null;
            var ids = filters.Cast<object>().Select(f => Internal(f, "Identifier")).ToArray();
            if (ids is not [IConvertible id] || id.ToInt32(System.Globalization.CultureInfo.InvariantCulture) != DeflateFilterId) return null;
            deflated = true;
        }
        var storage = Internal(Internal(dataset, "InternalDataLayout"), "Properties");
        return storage?.GetType().Name == "ChunkedStoragePropertyDescription3" && Internal(storage, "Address") is ulong address && Internal(storage, "DimensionSizes") is uint[] dims
            ? (address, dims, deflated) : null;
    }

    private const int DeflateFilterId = 1;

    /// <summary>Whether the dataset's chunks pass through a filter pipeline (deflate, shuffle, …), so stored bytes may expand on reading.</summary>
    public static bool IsFiltered(IH5Dataset dataset) => Internal(dataset, "InternalFilterPipeline") is not null;

    /// <summary>Whether the dataset holds variable-length strings (not variable-length sequences of other types).</summary>
    public static bool IsVariableLengthString(IH5Dataset dataset) =>
        dataset.Type.Class == H5DataTypeClass.VariableLength && Internal(Internal(Internal(dataset, "InternalDataType"), "BitField"), "Type")?.ToString() == "String";

    /// <summary>Whether the dataset's numbers are stored little-endian, like this machine's.</summary>
    public static bool IsLittleEndian(IH5Dataset dataset) =>
        BitConverter.IsLittleEndian && Internal(Internal(Internal(dataset, "InternalDataType"), "BitField"), "ByteOrder")?.ToString() == "LittleEndian";

    /// <summary>
    /// The view position of the <paramref name="count"/> bytes at file address <paramref name="address"/> (relative
    /// to the superblock's base address), or null when they do not lie wholly inside the file.
    /// </summary>
    public static long? Position(MemoryMappedViewAccessor view, HdfSuperblock superblock, ulong address, long count)
    {
        long end = Math.Min(view.Capacity, superblock.FileLength);
        if (address > (ulong)end || count < 0) return null;
        long start = superblock.BaseAddress + (long)address;
        return start >= 0 && start <= end - count ? start : null;
    }

    /// <summary>Copies <paramref name="count"/> bytes at file address <paramref name="address"/>, or null when they lie outside the file.</summary>
    public static byte[]? ReadBytes(MemoryMappedViewAccessor view, HdfSuperblock superblock, ulong address, long count)
    {
        if (count > Array.MaxLength || Position(view, superblock, address, count) is not { } start) return null;
        var bytes = new byte[count];
        return view.ReadArray(start, bytes, 0, (int)count) == count ? bytes : null;
    }

    private static object? Internal(object? target, string property) =>
        target?.GetType().GetProperty(property, BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)?.GetValue(target);
}
