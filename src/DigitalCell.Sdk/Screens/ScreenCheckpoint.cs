using System.Text.Json;

namespace DigitalCell.Sdk.Screens;

/// <summary>
/// The journal of a long screen: a header naming the screen, then one JSON line per finished candidate. Lines are
/// appended and flushed per batch; a run killed mid-write leaves at most a torn last line, which is ignored on resume,
/// so a resumed screen recomputes only what was not recorded whole.
/// </summary>
internal sealed class ScreenCheckpoint : IDisposable
{
    /// <summary>The journal's file name inside the checkpoint folder.</summary>
    public const string FileName = "screen-checkpoint.jsonl";

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
    private readonly StreamWriter? _writer;
    private readonly object _gate = new();

    private ScreenCheckpoint(StreamWriter? writer, IReadOnlyDictionary<string, CandidateRecord> finished)
    {
        _writer = writer;
        Finished = finished;
    }

    /// <summary>Candidates already recorded, by label.</summary>
    public IReadOnlyDictionary<string, CandidateRecord> Finished { get; }

    /// <summary>Opens (or starts) the journal in <paramref name="directory"/> for the screen described by <paramref name="fingerprint"/>; null directory = no journal.</summary>
    /// <exception cref="DigitalCellException">The journal there belongs to a different screen.</exception>
    public static ScreenCheckpoint Open(string? directory, string fingerprint)
    {
        if (directory is null) return new ScreenCheckpoint(null, new Dictionary<string, CandidateRecord>());
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, FileName);
        var finished = new Dictionary<string, CandidateRecord>(StringComparer.Ordinal);
        if (File.Exists(path))
        {
            using (var reader = new StreamReader(path))
            {
                string? header = reader.ReadLine();
                if (header is not null && header != HeaderLine(fingerprint))
                    throw new DigitalCellException(path, null, "the checkpoint belongs to a different screen (model, objective, candidates, mode or context differ); use another --out folder or delete the file.");
                for (string? line = reader.ReadLine(); line is not null; line = reader.ReadLine())
                    if (TryParse(line) is { } record) finished[record.Candidate] = record;
            }
            // Rewrite without a torn tail so later appends start on a fresh line.
            IO.AtomicFile.WriteAllText(path, string.Join('\n', finished.Values.Select(r => JsonSerializer.Serialize(r, Json)).Prepend(HeaderLine(fingerprint))) + "\n");
        }
        else
        {
            IO.AtomicFile.AddToDirectory(directory, FileName, temp => File.WriteAllText(temp, HeaderLine(fingerprint) + "\n"));
        }
        var writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read));
        return new ScreenCheckpoint(writer, finished);
    }

    /// <summary>Appends finished candidates and flushes them to disk.</summary>
    public void Append(IEnumerable<CandidateRecord> records)
    {
        if (_writer is null) return;
        lock (_gate)
        {
            foreach (var r in records) _writer.WriteLine(JsonSerializer.Serialize(r, Json));
            _writer.Flush();
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _writer?.Dispose();

    private static string HeaderLine(string fingerprint) => JsonSerializer.Serialize(new { screen = fingerprint });

    private static CandidateRecord? TryParse(string line)
    {
        try
        {
            return JsonSerializer.Deserialize<CandidateRecord>(line, Json);
        }
        catch (JsonException)
        {
            return null; // a torn last line from a killed run
        }
    }
}

/// <summary>What is recorded per finished candidate: everything its table row needs except the rank.</summary>
internal sealed record CandidateRecord(string Candidate, double[] Effects, string[] Genes, double[] Changes, bool Informed);
