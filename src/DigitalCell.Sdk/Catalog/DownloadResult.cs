namespace DigitalCell.Sdk.Catalog;

/// <summary>A completed, verified download.</summary>
/// <param name="Path">The file's final location.</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the file, as computed after the transfer.</param>
/// <param name="Bytes">File size.</param>
/// <param name="Resumed">True when an earlier partial transfer was continued with an HTTP Range request.</param>
/// <param name="Source">The location the bytes came from.</param>
public sealed record DownloadResult(string Path, string Sha256, long Bytes, bool Resumed, Uri Source);
