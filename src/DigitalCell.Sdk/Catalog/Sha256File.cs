using System.Security.Cryptography;

namespace DigitalCell.Sdk.Catalog;

/// <summary>SHA-256 of files and streams as lower-case hex, the form manifests and <c>sha256sum</c> use.</summary>
public static class Sha256File
{
    /// <summary>Hashes a file (synchronously).</summary>
    public static string Compute(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>Hashes a file.</summary>
    public static async Task<string> ComputeAsync(string path, CancellationToken cancellationToken = default)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, useAsync: true);
        return await ComputeAsync(stream, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Hashes a stream from its current position to the end.</summary>
    public static async Task<string> ComputeAsync(Stream stream, CancellationToken cancellationToken = default) =>
        Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false));
}
