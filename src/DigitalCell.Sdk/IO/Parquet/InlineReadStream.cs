namespace DigitalCell.Sdk.IO.Parquet;

/// <summary>
/// A read-only file stream whose asynchronous reads run inline, on the calling thread, and return completed tasks.
/// Parquet.Net reads every page through <c>ReadAsync</c>; a plain <see cref="FileStream"/> queues each such read to the
/// thread pool, so decoding one shard hopped between pool threads, and each thread kept its own cached copies of
/// Parquet.Net's large pooled decode buffers (the shared array pools cache per thread). With reads inline, a
/// collection's row groups are decoded on the thread that consumes them (<c>ParquetShardFile.RowGroups</c>).
/// </summary>
internal sealed class InlineReadStream(string path) : Stream
{
    private readonly FileStream _file = new(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16, FileOptions.None);

    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;
    public override long Length => _file.Length;

    public override long Position
    {
        get => _file.Position;
        set => _file.Position = value;
    }

    public override int Read(byte[] buffer, int offset, int count) => _file.Read(buffer, offset, count);

    public override int Read(Span<byte> buffer) => _file.Read(buffer);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(_file.Read(buffer.Span));
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override long Seek(long offset, SeekOrigin origin) => _file.Seek(offset, origin);

    public override void Flush() { }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) _file.Dispose();
        base.Dispose(disposing);
    }
}
