using System.Text.Json;

namespace DigitalCell.Sdk.GeneKnowledge;

/// <summary>
/// scGPT's default gene vocabulary (Cui et al., Nat. Methods 21, 1470–1480, 2024): 48,292 symbols → token ids, the
/// gene universe of a published foundation model (no embeddings ship with it).
/// </summary>
public sealed class ScGptVocabulary
{
    private readonly Dictionary<string, int> _ids;

    private ScGptVocabulary(Dictionary<string, int> ids) => _ids = ids;

    /// <summary>Number of symbols.</summary>
    public int Count => _ids.Count;

    /// <summary>The token id of <paramref name="symbol"/> (case-sensitive, as scGPT's tokenizer), or null.</summary>
    public int? TokenId(string symbol) => _ids.TryGetValue(symbol, out int id) ? id : null;

    /// <summary>Reads the vocabulary JSON (one object symbol → id).</summary>
    /// <exception cref="DigitalCellException">Missing file, not a JSON object, or a non-integer id.</exception>
    public static ScGptVocabulary Read(string path)
    {
        using var reader = PriorText.Open(path);
        Dictionary<string, int>? ids;
        try { ids = JsonSerializer.Deserialize<Dictionary<string, int>>(reader.ReadToEnd()); }
        catch (JsonException e) { throw new DigitalCellException(path, e.Path, $"expected one JSON object of symbol → integer id: {e.Message}", e); }
        return new ScGptVocabulary(new Dictionary<string, int>(ids ?? throw new DigitalCellException(path, null, "the file holds JSON null."), StringComparer.Ordinal));
    }
}
