using System.IO.Compression;

namespace DigitalCell.Sdk.IO;

/// <summary>
/// Reads a text file line by line as UTF-8 bytes, without allocating a string per line, transparently
/// decompressing <c>.gz</c> files. Large text formats (Matrix Market) are parsed straight from these spans.
/// </summary>
internal sealed class ByteLineReader : IDisposable
{
    /// <summary>
    /// Longest line accepted. Lines of the formats read this way (Matrix Market triples, 10x barcodes and features)
    /// are tens of bytes; without a ceiling one endless line (a binary file, a damaged download) grows the buffer
    /// until memory runs out.
    /// </summary>
    public const int MaxLineLength = 1 << 20;

    private readonly Stream _stream;
    private byte[] _buffer = new byte[1 << 16];
    private int _start, _end;
    private bool _endOfStream;

    /// <summary>Opens <paramref name="path"/>, decompressing on the fly when the name ends in <c>.gz</c>.</summary>
    public ByteLineReader(string path)
    {
        Path = path;
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        _stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : file;
    }

    /// <summary>The file being read, for error messages.</summary>
    public string Path { get; }

    /// <summary>The 1-based number of the line last returned by <see cref="TryReadLine"/>.</summary>
    public long LineNumber { get; private set; }

    /// <summary>The next line without its terminator (<c>\n</c> or <c>\r\n</c>); false at the end of the file.</summary>
    /// <remarks>The span is only valid until the next call.</remarks>
    public bool TryReadLine(out ReadOnlySpan<byte> line)
    {
        int scanned = 0;
        while (true)
        {
            int newline = _buffer.AsSpan(_start + scanned, _end - _start - scanned).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                line = TrimCarriageReturn(_buffer.AsSpan(_start, scanned + newline));
                _start += scanned + newline + 1;
                LineNumber++;
                return true;
            }
            scanned = _end - _start;
            if (_endOfStream)
            {
                if (scanned == 0) { line = default; return false; }
                line = TrimCarriageReturn(_buffer.AsSpan(_start, scanned));
                _start = _end;
                LineNumber++;
                return true;
            }
            Fill();
        }
    }

    /// <summary>Reads more bytes, first moving the unfinished line to the front (growing the buffer for very long lines).</summary>
    private void Fill()
    {
        int pending = _end - _start;
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, pending);
            _start = 0;
            _end = pending;
        }
        if (_end == _buffer.Length)
        {
            if (_end >= MaxLineLength)
                throw new DigitalCellException(Path, $"line {LineNumber + 1}", $"the line is longer than {MaxLineLength} bytes; this is not a text file of the expected format");
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }
        int read;
        try
        {
            read = _stream.Read(_buffer, _end, _buffer.Length - _end);
        }
        catch (InvalidDataException e)
        {
            throw new DigitalCellException(Path, null, $"the gzip stream is corrupt ({e.Message})", e);
        }
        if (read == 0) _endOfStream = true;
        _end += read;
    }

    private static ReadOnlySpan<byte> TrimCarriageReturn(ReadOnlySpan<byte> line) =>
        line.Length > 0 && line[^1] == (byte)'\r' ? line[..^1] : line;

    /// <inheritdoc />
    public void Dispose() => _stream.Dispose();
}
