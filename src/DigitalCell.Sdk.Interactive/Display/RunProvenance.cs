using System.Reflection;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace DigitalCell.Sdk.Display;

/// <summary>
/// What produced a notebook's numbers: the SDK build, the runtime, the exact input file (by SHA-256), the random seed
/// and the compute device. Printed at the top of every example notebook so a reader can tell whether two runs are
/// comparable.
/// </summary>
/// <param name="SdkVersion">DigitalCell.Sdk's informational version (with the source commit when built from git).</param>
/// <param name="Runtime">The .NET runtime description.</param>
/// <param name="OperatingSystem">The OS and processor architecture.</param>
/// <param name="DataFile">The input file's name.</param>
/// <param name="DataSha256">The input file's SHA-256, lower-case hex.</param>
/// <param name="Seed">The seed every random step of the run derives from.</param>
/// <param name="Device">The compute device (<c>cpu</c>, <c>cuda:0</c>, ...).</param>
public sealed record RunProvenance(string SdkVersion, string Runtime, string OperatingSystem, string DataFile, string DataSha256, int Seed, string Device)
{
    /// <summary>Describes this process and <paramref name="dataFile"/>, hashing the file.</summary>
    /// <exception cref="DigitalCellException">The data file does not exist.</exception>
    public static RunProvenance Capture(string dataFile, int seed, string device = "cpu")
    {
        if (!File.Exists(dataFile)) throw new DigitalCellException(dataFile, null, "data file not found; cannot record its checksum.");
        string hash;
        using (var stream = File.OpenRead(dataFile)) hash = Convert.ToHexStringLower(SHA256.HashData(stream));
        var sdk = typeof(Data.CellDataset).Assembly;
        string version = sdk.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? sdk.GetName().Version?.ToString() ?? "unknown";
        return new RunProvenance(version, RuntimeInformation.FrameworkDescription,
            $"{RuntimeInformation.OSDescription} ({RuntimeInformation.OSArchitecture})", Path.GetFileName(dataFile), hash, seed, device);
    }

    /// <summary>The fields as (label, value) pairs, in display order.</summary>
    public IReadOnlyList<(string Label, string Value)> Fields =>
    [
        ("DigitalCell.Sdk", SdkVersion), ("runtime", Runtime), ("OS", OperatingSystem), ("data", DataFile),
        ("data sha256", DataSha256), ("seed", Seed.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("device", Device),
    ];

    /// <summary>An HTML table of <see cref="Fields"/>.</summary>
    public string ToHtml()
    {
        var html = new StringBuilder("<table class=\"dcell-provenance\"><tbody>");
        foreach (var (label, value) in Fields)
            html.Append("<tr><th>").Append(DataFrameDisplay.Encode(label)).Append("</th><td><code>").Append(DataFrameDisplay.Encode(value)).Append("</code></td></tr>");
        return html.Append("</tbody></table>").ToString();
    }

    /// <summary>One <c>label: value</c> line per field.</summary>
    public override string ToString() => string.Join("\n", Fields.Select(f => $"{f.Label}: {f.Value}"));
}
