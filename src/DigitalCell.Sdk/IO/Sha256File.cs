using System.Security.Cryptography;

namespace DigitalCell.Sdk.IO;

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

    /// <summary>
    /// Hashes a file, or a folder as the SHA-256 of its files' relative paths and checksums (sorted, one
    /// <c>sha256  path</c> line each, as <c>sha256sum</c> prints them), so a 10x folder or a model folder has one checksum.
    /// </summary>
    /// <exception cref="DigitalCellException">Neither a file nor a folder exists at <paramref name="path"/>.</exception>
    public static string ComputeFileOrFolder(string path, CancellationToken cancellationToken = default)
    {
        if (File.Exists(path)) return Compute(path);
        if (!Directory.Exists(path)) throw new DigitalCellException(path, null, "not found; cannot record its checksum");
        var lines = new System.Text.StringBuilder();
        foreach (string file in Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
                     .Select(f => Path.GetRelativePath(path, f).Replace('\\', '/')).Order(StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            lines.Append(Compute(Path.Combine(path, file))).Append("  ").Append(file).Append('\n');
        }
        return Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(lines.ToString())));
    }
}
