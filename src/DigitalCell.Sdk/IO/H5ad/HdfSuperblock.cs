using System.Buffers.Binary;

namespace DigitalCell.Sdk.IO.H5ad;

/// <summary>
/// The few superblock fields we read ourselves (HDF5 File Format Specification §II.A, versions 0–3): the declared end
/// of file, so a truncated file is reported as truncated instead of as whatever element happens to lie past the cut
/// (PureHDF then just sees missing links), and the address and length sizes the fast string path needs.
/// </summary>
/// <param name="BaseAddress">Absolute file offset that every address in the file is relative to.</param>
/// <param name="OffsetSize">Bytes per address (4 or 8).</param>
/// <param name="LengthSize">Bytes per length field.</param>
/// <param name="DeclaredEnd">The byte length the file declares: its end-of-file address, absolute (spec §II.A), so it
/// counts any user block (h5py files with the 512-byte user block of every h5mu file declare their full size).</param>
/// <param name="FileLength">The file's actual byte length: the bound of every address the fast paths follow (a memory
/// map's capacity is rounded up to whole pages, so bytes past it are not the file's).</param>
internal sealed record HdfSuperblock(long BaseAddress, int OffsetSize, int LengthSize, long DeclaredEnd, long FileLength)
{
    private static ReadOnlySpan<byte> Signature => [0x89, (byte)'H', (byte)'D', (byte)'F', (byte)'\r', (byte)'\n', 0x1a, (byte)'\n'];

    /// <summary>Reads the superblock of <paramref name="path"/>, or null when none is found.</summary>
    public static HdfSuperblock? Read(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
        var header = new byte[64];
        // The superblock sits at 0 or, after a user block, at 512, 1024, 2048, … (spec §II.A).
        for (long offset = 0; offset + header.Length <= stream.Length; offset = offset == 0 ? 512 : offset * 2)
        {
            stream.Position = offset;
            stream.ReadExactly(header);
            if (!header.AsSpan(0, 8).SequenceEqual(Signature)) continue;
            int version = header[8];
            int sizeOfOffsets = version <= 1 ? header[13] : header[9];
            int sizeOfLengths = version <= 1 ? header[14] : header[10];
            if (sizeOfOffsets != 8 && sizeOfOffsets != 4) return null;
            // v0: base address at 24 (v1: 28); v2/3: at 12. End-of-file address is the third address field in v0/1
            // (base, free-space, EOF) and the third in v2/3 (base, extension, EOF).
            int baseAt = version switch { 0 => 24, 1 => 28, _ => 12 };
            long ReadAddress(int at) => sizeOfOffsets == 8 ? (long)BinaryPrimitives.ReadUInt64LittleEndian(header.AsSpan(at)) : BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(at));
            long baseAddress = ReadAddress(baseAt);
            long eof = ReadAddress(baseAt + 2 * sizeOfOffsets);
            return eof < 0 || baseAddress < 0 ? null : new HdfSuperblock(baseAddress, sizeOfOffsets, sizeOfLengths, eof, stream.Length);
        }
        return null;
    }
}
