using System.Text;
using System.Text.RegularExpressions;

namespace DigitalCell.Notebooks;

/// <summary>A <c>#r "nuget: Id, Version"</c> directive found in a cell, with its 1-based line.</summary>
internal sealed record NuGetDirective(string Id, string? Version, int Line);

/// <summary>
/// The C# a cell contributes, after the runner has taken out what Roslyn scripting does not understand:
/// Polyglot magics (<c>#!csharp</c>, <c>#!markdown</c>) and package directives (<c>#r "nuget: ..."</c>,
/// <c>#i "nuget: ..."</c>). Removed lines become empty lines so that compiler messages keep the cell's line numbers.
/// </summary>
internal sealed partial record CellCode(string Code, IReadOnlyList<NuGetDirective> Packages)
{
    private static readonly HashSet<string> CSharpNames = new(StringComparer.OrdinalIgnoreCase) { "csharp", "c#" };
    private static readonly HashSet<string> MarkdownNames = new(StringComparer.OrdinalIgnoreCase) { "markdown", "md" };

    /// <summary>True when the cell holds no C# to run (a markdown-kernel cell, or only magics and directives).</summary>
    public bool IsEmpty => string.IsNullOrWhiteSpace(Code);

    /// <summary>True when <paramref name="language"/> (a Polyglot kernel name) is C#.</summary>
    public static bool IsCSharp(string language) => CSharpNames.Contains(language);

    /// <summary>True when <paramref name="language"/> (a Polyglot kernel name) is markdown.</summary>
    public static bool IsMarkdown(string language) => MarkdownNames.Contains(language);

    /// <summary>Splits a code cell into its C# part and its package directives.</summary>
    /// <param name="source">The cell's text.</param>
    /// <param name="language">The cell's kernel from its metadata; a <c>#!kernel</c> line switches it, as in Polyglot.</param>
    /// <exception cref="NotSupportedException">The cell uses another kernel (F#, PowerShell, ...) or a magic command
    /// (<c>#!time</c>, <c>#!set</c>, ...) that only the real kernel provides.</exception>
    public static CellCode Parse(string source, string language)
    {
        var code = new StringBuilder();
        var packages = new List<NuGetDirective>();
        string[] lines = source.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i];
            string kept = line;
            if (MagicLine().Match(line) is { Success: true } magic)
            {
                string name = magic.Groups["name"].Value;
                if (!IsCSharp(name) && !IsMarkdown(name))
                    throw new NotSupportedException(
                        $"line {i + 1}: '#!{name}' is not supported by the headless runner, which runs C# (#!csharp) and skips markdown (#!markdown); run this notebook in the .NET Interactive kernel.");
                language = name;
                kept = "";
            }
            else if (!IsCSharp(language))
            {
                kept = "";
            }
            else if (NuGetReference().Match(line) is { Success: true } r)
            {
                string version = r.Groups["version"].Value.Trim();
                packages.Add(new NuGetDirective(r.Groups["id"].Value, version.Length == 0 ? null : version, i + 1));
                kept = "";
            }
            else if (NuGetSource().IsMatch(line))
            {
                // Package sources only matter to a restore; the runner restores nothing (it uses the host's assemblies).
                kept = "";
            }
            code.Append(kept);
            if (i < lines.Length - 1) code.Append('\n');
        }
        return new CellCode(code.ToString(), packages);
    }

    [GeneratedRegex(@"^\s*#!(?<name>\S+)")]
    private static partial Regex MagicLine();

    [GeneratedRegex(@"^\s*#r\s+""nuget:\s*(?<id>[^,""\s]+)\s*(,(?<version>[^""]*))?""\s*$")]
    private static partial Regex NuGetReference();

    [GeneratedRegex(@"^\s*#i\s+""nuget:")]
    private static partial Regex NuGetSource();
}
