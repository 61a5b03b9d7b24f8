using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using PureHDF;

namespace DigitalCell.Sdk.IO.H5ad;

/// <summary>
/// Fast path for the bulk of an h5ad, X's <c>data</c> and <c>indices</c>: a one-dimensional numeric dataset,
/// contiguous or chunked with a version-1 B-tree index, stored raw (what anndata writes by default) or deflated
/// (<c>compression="gzip"</c>), is copied or inflated from the memory map straight into the result. PureHDF reads each
/// chunk into a fresh buffer first, which for a 200k-cell X is as much short-lived garbage as the data itself, and
/// inflates one chunk after the other; here deflated chunks are inflated in parallel, each into its place.
/// </summary>
/// <remarks>
/// B-tree layout: HDF5 File Format Specification §III.A.1 (node type 1, raw data chunks; a leaf key holds the chunk's
/// stored size, its filter mask and its offset). Anything unexpected (other indexes or filters, missing or repeated
/// chunks, a chunk outside the dataset or the file, a chunk that does not inflate to exactly its size, big-endian
/// numbers) returns null, and the caller reads through PureHDF, which also reports corruption in its usual, tested way.
/// Memory stays bounded by the declared shape, which the reader has checked against the file before (a chunk can
/// never inflate past its own slot).
/// </remarks>
internal static class MappedNumericDataset
{
    private const int MaxTreeDepth = 64; // guards against cycles in a corrupt tree

    /// <summary>One leaf of the chunk index: where the chunk is stored, how many bytes, whether deflate was skipped for it, and its first element.</summary>
    private readonly record struct Chunk(ulong Address, uint StoredBytes, bool Raw, int Offset);

    /// <summary>All values of <paramref name="dataset"/> as <typeparamref name="T"/> (whose size must match the stored type), or null when this path cannot read it.</summary>
    public static T[]? TryRead<T>(MemoryMappedViewAccessor view, HdfSuperblock? superblock, IH5Dataset dataset) where T : unmanaged =>
        superblock is { OffsetSize: 8 } && dataset.Space.Rank == 1 && dataset.Type.Size == Marshal.SizeOf<T>() && PureHdfStorage.IsLittleEndian(dataset)
            ? ReadElements<T>(view, superblock, dataset) : null;

    /// <summary>
    /// The stored elements of a one-dimensional dataset, <typeparamref name="T"/> being their exact little-endian layout
    /// (numbers, or the heap IDs of variable-length strings), or null when its storage is not one this path reads.
    /// </summary>
    public static T[]? ReadElements<T>(MemoryMappedViewAccessor view, HdfSuperblock superblock, IH5Dataset dataset) where T : unmanaged
    {
        int size = Marshal.SizeOf<T>();
        ulong count = dataset.Space.Dimensions[0];
        if (count > (ulong)Array.MaxLength) return null;
        if (count == 0) return [];

        // Allocate only once the layout is known to be ours: a dataset left to PureHDF must not cost a second array.
        if (!PureHdfStorage.IsFiltered(dataset) && PureHdfStorage.Contiguous(dataset) is { } contiguous)
        {
            if (contiguous.Size < count * (ulong)size) return null;
            var all = GC.AllocateUninitializedArray<T>((int)count);
            return Copy(view, superblock, contiguous.Address, all, 0, all.Length) ? all : null;
        }

        if (PureHdfStorage.BTreeChunks(dataset) is not { } chunked || chunked.ChunkDims.Length != 2 || chunked.ChunkDims[1] != size || chunked.ChunkDims[0] is 0 or > int.MaxValue) return null;
        int chunkLength = (int)chunked.ChunkDims[0];
        var chunks = new List<Chunk>();
        var seen = new bool[(count + (ulong)chunkLength - 1) / (ulong)chunkLength];
        if (!CollectChunks(view, superblock, chunked.BTreeAddress, chunkLength, (int)count, chunked.Deflated, chunks, seen, 0) || seen.Contains(false)) return null;

        var values = GC.AllocateUninitializedArray<T>((int)count);
        if (!chunked.Deflated) return chunks.All(c => Copy(view, superblock, c.Address, values, c.Offset, Math.Min(chunkLength, values.Length - c.Offset))) ? values : null;
        bool failed = false;
        Parallel.ForEach(chunks, (chunk, loop) =>
        {
            if (!Inflate(view, superblock, chunk, chunkLength, values)) { failed = true; loop.Stop(); }
        });
        return failed ? null : values;
    }

    /// <summary>Walks one B-tree node, listing the chunks of its leaves and marking them in <paramref name="seen"/>; false on anything unexpected.</summary>
    private static bool CollectChunks(MemoryMappedViewAccessor view, HdfSuperblock superblock, ulong nodeAddress, int chunkLength, int count, bool deflated,
        List<Chunk> chunks, bool[] seen, int depth)
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
                if (!CollectChunks(view, superblock, child, chunkLength, count, deflated, chunks, seen, depth + 1)) return false;
                continue;
            }
            uint storedBytes = BinaryPrimitives.ReadUInt32LittleEndian(key);
            uint filterMask = BinaryPrimitives.ReadUInt32LittleEndian(key[4..]);
            ulong offset = BinaryPrimitives.ReadUInt64LittleEndian(key[8..]);
            if (offset % (ulong)chunkLength != 0 || offset >= (ulong)count || seen[offset / (ulong)chunkLength]) return false;
            if (filterMask > 1 || (!deflated && filterMask != 0)) return false; // bit 0 set: deflate skipped for this chunk, stored raw
            if (PureHdfStorage.Position(view, superblock, child, storedBytes) is null) return false;
            seen[offset / (ulong)chunkLength] = true;
            chunks.Add(new Chunk(child, storedBytes, Raw: !deflated || filterMask == 1, (int)offset));
        }
        return true;
    }

    /// <summary>Inflates (or, when deflate was skipped, copies) one chunk into its slot of <paramref name="values"/>; false unless it holds exactly a chunk's bytes.</summary>
    private static bool Inflate<T>(MemoryMappedViewAccessor view, HdfSuperblock superblock, Chunk chunk, int chunkLength, T[] values) where T : unmanaged
    {
        int length = Math.Min(chunkLength, values.Length - chunk.Offset);
        long chunkBytes = (long)chunkLength * Marshal.SizeOf<T>();
        if (chunk.Raw) return chunk.StoredBytes >= length * (long)Marshal.SizeOf<T>() && Copy(view, superblock, chunk.Address, values, chunk.Offset, length);
        if (PureHdfStorage.Position(view, superblock, chunk.Address, chunk.StoredBytes) is not { } position) return false;
        byte[] stored = ArrayPool<byte>.Shared.Rent((int)chunk.StoredBytes);
        try
        {
            if (view.ReadArray(position, stored, 0, (int)chunk.StoredBytes) != chunk.StoredBytes) return false;
            using var inflater = new ZLibStream(new MemoryStream(stored, 0, (int)chunk.StoredBytes), CompressionMode.Decompress);
            var slot = MemoryMarshal.AsBytes(values.AsSpan(chunk.Offset, length));
            if (inflater.ReadAtLeast(slot, slot.Length, throwOnEndOfStream: false) != slot.Length) return false;
            // The last chunk is stored whole, padded past the dataset's end: inflate the padding, then nothing more may follow.
            Span<byte> rest = stackalloc byte[256];
            for (long padding = chunkBytes - slot.Length; padding > 0; padding -= rest.Length)
            {
                var part = rest[..(int)Math.Min(rest.Length, padding)];
                if (inflater.ReadAtLeast(part, part.Length, throwOnEndOfStream: false) != part.Length) return false;
            }
            return inflater.Read(rest[..1]) == 0;
        }
        catch (InvalidDataException)
        {
            return false; // corrupt deflate stream: PureHDF reads it again and reports it
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(stored);
        }
    }

    private static bool Copy<T>(MemoryMappedViewAccessor view, HdfSuperblock superblock, ulong address, T[] values, int start, int length) where T : unmanaged =>
        PureHdfStorage.Position(view, superblock, address, (long)length * Marshal.SizeOf<T>()) is { } position && view.ReadArray(position, values, start, length) == length;
}
