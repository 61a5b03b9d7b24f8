using System.Buffers.Binary;
using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using PureHDF;

namespace DigitalCell.Sdk.IO.H5ad;

/// <summary>
/// Fast path for the bulk of an h5ad, X's <c>data</c> and <c>indices</c>: a one-dimensional, unfiltered numeric
/// dataset, contiguous or chunked with a version-1 B-tree index (what anndata writes without compression), is copied
/// from the memory map straight into the result, chunk by chunk. PureHDF reads each chunk into a fresh buffer first,
/// which for a 200k-cell X is as much short-lived garbage as the data itself.
/// </summary>
/// <remarks>
/// B-tree layout: HDF5 File Format Specification §III.A.1 (node type 1, raw data chunks). Anything unexpected (other
/// indexes, filters, missing chunks, a chunk outside the dataset or the file, big-endian numbers) returns null, and
/// the caller reads through PureHDF, which also reports corruption in its usual, tested way.
/// </remarks>
internal static class MappedNumericDataset
{
    private const int MaxTreeDepth = 64; // guards against cycles in a corrupt tree

    /// <summary>All values of <paramref name="dataset"/> as <typeparamref name="T"/> (whose size must match the stored type), or null when this path cannot read it.</summary>
    public static T[]? TryRead<T>(MemoryMappedViewAccessor view, HdfSuperblock? superblock, IH5Dataset dataset) where T : unmanaged
    {
        int size = Marshal.SizeOf<T>();
        if (superblock is not { OffsetSize: 8 } || dataset.Space.Rank != 1 || dataset.Type.Size != size || !PureHdfStorage.IsLittleEndian(dataset)) return null;
        ulong count = dataset.Space.Dimensions[0];
        if (count > (ulong)Array.MaxLength) return null;
        if (count == 0) return [];

        // Allocate only once the layout is known to be ours: a dataset left to PureHDF must not cost a second array.
        if (PureHdfStorage.Contiguous(dataset) is { } contiguous)
        {
            if (contiguous.Size < count * (ulong)size) return null;
            var all = GC.AllocateUninitializedArray<T>((int)count);
            return Copy(view, superblock, contiguous.Address, all, 0, all.Length) ? all : null;
        }

        if (PureHdfStorage.UnfilteredBTreeChunks(dataset) is not { } chunked || chunked.ChunkDims.Length != 2 || chunked.ChunkDims[1] != size || chunked.ChunkDims[0] is 0 or > int.MaxValue) return null;
        uint chunkLength = chunked.ChunkDims[0];
        var values = GC.AllocateUninitializedArray<T>((int)count);
        var copied = new bool[(count + chunkLength - 1) / chunkLength];
        return CopyChunks(view, superblock, chunked.BTreeAddress, (int)chunkLength, values, copied, 0) && !copied.Contains(false) ? values : null;
    }

    /// <summary>Walks one B-tree node, copying the chunks of its leaves into <paramref name="values"/> and marking them in <paramref name="copied"/>.</summary>
    private static bool CopyChunks<T>(MemoryMappedViewAccessor view, HdfSuperblock superblock, ulong nodeAddress, int chunkLength, T[] values, bool[] copied, int depth) where T : unmanaged
    {
        const int headerSize = 8 + 2 * 8; // "TREE", type, level, entries used, left and right siblings
        const int keySize = 4 + 4 + 2 * 8; // chunk size, filter mask, offsets in (dataset dimension, element size)
        if (depth > MaxTreeDepth || PureHdfStorage.ReadBytes(view, superblock, nodeAddress, headerSize) is not { } header
            || !header.AsSpan(0, 4).SequenceEqual("TREE"u8) || header[4] != 1) return false;
        int level = header[5], entries = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(6));
        if (PureHdfStorage.ReadBytes(view, superblock, nodeAddress + headerSize, (long)entries * (keySize + 8) + keySize) is not { } body) return false;
        for (int i = 0; i < entries; i++)
        {
            var key = body.AsSpan(i * (keySize + 8), keySize);
            ulong child = BinaryPrimitives.ReadUInt64LittleEndian(body.AsSpan(i * (keySize + 8) + keySize));
            if (level > 0)
            {
                if (!CopyChunks(view, superblock, child, chunkLength, values, copied, depth + 1)) return false;
                continue;
            }
            ulong offset = BinaryPrimitives.ReadUInt64LittleEndian(key[8..]);
            uint storedBytes = BinaryPrimitives.ReadUInt32LittleEndian(key);
            if (offset % (ulong)chunkLength != 0 || offset >= (ulong)values.Length || copied[offset / (ulong)chunkLength]) return false;
            int length = (int)Math.Min((ulong)chunkLength, (ulong)values.Length - offset);
            if (storedBytes < (ulong)length * (ulong)Marshal.SizeOf<T>() || !Copy(view, superblock, child, values, (int)offset, length)) return false;
            copied[offset / (ulong)chunkLength] = true;
        }
        return true;
    }

    private static bool Copy<T>(MemoryMappedViewAccessor view, HdfSuperblock superblock, ulong address, T[] values, int start, int length) where T : unmanaged =>
        PureHdfStorage.Position(view, superblock, address, (long)length * Marshal.SizeOf<T>()) is { } position && view.ReadArray(position, values, start, length) == length;
}
