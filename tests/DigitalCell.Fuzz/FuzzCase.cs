namespace DigitalCell.Fuzz;

/// <summary>One mutated input and the command run on it.</summary>
/// <param name="Id">Seed-derived name, e.g. <c>h5ad-flip-00042</c>; rerunning the campaign with the same seed recreates it.</param>
/// <param name="Input">The mutated file or directory; the error line must name it.</param>
/// <param name="Output">What the command would write (null for read-only commands); it must not exist after a failure.</param>
/// <param name="Arguments">The dcell command line, or <c>safetensors &lt;file&gt;</c> for the model-weights reader.</param>
public sealed record FuzzCase(string Id, string Input, string? Output, string[] Arguments)
{
    /// <summary>One tab-separated line of a batch file.</summary>
    public string ToLine() => string.Join('\t', [Id, Input, Output ?? "", .. Arguments]);

    /// <summary>Parses <see cref="ToLine"/>.</summary>
    public static FuzzCase FromLine(string line)
    {
        var f = line.Split('\t');
        return new FuzzCase(f[0], f[1], f[2].Length == 0 ? null : f[2], f[3..]);
    }
}
