using System.Buffers.Binary;
using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using System.Text;
using PureHDF;

namespace DigitalCell.Sdk.IO.H5ad;

/// <summary>
/// Fast path for the biggest string datasets of an h5ad, the obs and var indexes: PureHDF decodes variable-length
/// strings at about 1 µs each (200k cell names take longer than the whole sparse X), so a dataset of them is read here
/// straight from the memory map instead: its 16-byte heap IDs (sequence length, collection address, object index; HDF5
/// File Format Specification §II.D, variable-length class), stored contiguous or in chunks, raw or deflated, as
/// <see cref="MappedNumericDataset"/> reads them, and the global heap collections they point into (§III.E, never
/// compressed), each collection parsed once.
/// </summary>
/// <remarks>
/// Whenever anything is not as expected (another layout, 4-byte offsets, PureHDF internals not as
/// <see cref="PureHdfStorage"/> knows them, a heap ID pointing outside a collection) <see cref="TryRead"/> returns
/// null and the caller reads through PureHDF, which also reports any corruption in its usual, tested way.
/// </remarks>
internal static class MappedStringDataset
{
    private const int CollectionHeaderSize = 16; // "GCOL", version, 3 reserved, 8-byte collection size
    private const int ObjectHeaderSize = 16; // uint16 index, uint16 reference count, 4 reserved, 8-byte object size

    /// <summary>One element of a variable-length string dataset: where its bytes are.</summary>
    [StructLayout(LayoutKind.Sequential, Pack = 1)]
    private readonly struct HeapId
    {
        public readonly uint Length;
        public readonly ulong Collection;
        public readonly uint Index;
    }

    /// <summary>All strings of <paramref name="dataset"/>, or null when it is not a variable-length string dataset this path can read.</summary>
    public static string[]? TryRead(MemoryMappedViewAccessor view, HdfSuperblock? superblock, IH5Dataset dataset)
    {
        if (!BitConverter.IsLittleEndian || superblock is not { OffsetSize: 8, LengthSize: 8 } || dataset.Space.Rank != 1 || !PureHdfStorage.IsVariableLengthString(dataset)) return null;
        if (MappedNumericDataset.ReadElements<HeapId>(view, superblock, dataset) is not { } ids) return null;

        var strings = new string[ids.Length];
        var collections = new Dictionary<ulong, HeapCollection?>();
        for (int i = 0; i < strings.Length; i++)
        {
            var id = ids[i];
            if (id.Length == 0)
            {
                strings[i] = "";
                continue;
            }
            if (!collections.TryGetValue(id.Collection, out var collection))
                collections[id.Collection] = collection = HeapCollection.Read(view, superblock, id.Collection);
            if (collection?.Find(id.Index) is not { } found || id.Length > found.Length) return null;
            strings[i] = Encoding.UTF8.GetString(collection.Bytes, found.Offset, (int)id.Length);
        }
        return strings;
    }

    /// <summary>A global heap collection held in memory with the position of each of its objects.</summary>
    private sealed class HeapCollection(byte[] bytes, (int Offset, long Length)[] objects)
    {
        public byte[] Bytes => bytes;

        public (int Offset, long Length)? Find(uint index) => index < objects.Length && objects[index].Offset > 0 ? objects[index] : null;

        public static HeapCollection? Read(MemoryMappedViewAccessor view, HdfSuperblock superblock, ulong address)
        {
            var header = PureHdfStorage.ReadBytes(view, superblock, address, CollectionHeaderSize);
            if (header is null || !header.AsSpan(0, 4).SequenceEqual("GCOL"u8) || header[4] != 1) return null;
            ulong size = BinaryPrimitives.ReadUInt64LittleEndian(header.AsSpan(8));
            if (size < CollectionHeaderSize || size > int.MaxValue || PureHdfStorage.ReadBytes(view, superblock, address, (long)size) is not { } bytes) return null;
            var objects = new List<(int, long)>();
            for (int at = CollectionHeaderSize; at + ObjectHeaderSize <= bytes.Length;)
            {
                int index = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(at));
                if (index == 0) break; // object 0 is the collection's free space, always last
                long length = (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(at + 8));
                int data = at + ObjectHeaderSize;
                if (length < 0 || data + length > bytes.Length) return null;
                while (objects.Count <= index) objects.Add((0, 0));
                objects[index] = (data, length);
                at = data + (int)((length + 7) & ~7L); // object data is padded to a multiple of 8 bytes
            }
            return new HeapCollection(bytes, objects.ToArray());
        }
    }
}
