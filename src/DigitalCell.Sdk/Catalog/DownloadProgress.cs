namespace DigitalCell.Sdk.Catalog;

/// <summary>Progress of one file transfer, reported as bytes arrive.</summary>
/// <param name="FileName">The file being transferred.</param>
/// <param name="BytesReceived">Bytes on disk so far, including a resumed prefix.</param>
/// <param name="TotalBytes">Expected total, when the server or the manifest says.</param>
public sealed record DownloadProgress(string FileName, long BytesReceived, long? TotalBytes);
