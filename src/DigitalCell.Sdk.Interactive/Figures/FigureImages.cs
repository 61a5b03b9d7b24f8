using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using DigitalCell.Sdk.IO;

namespace DigitalCell.Sdk.Figures;

/// <summary>
/// PNG and SVG files of figures, drawn by plotly.js's own <c>Plotly.toImage</c> in one headless Chromium run per batch
/// (offline: plotly.js is loaded from a file beside the page). Chromium is <c>DIGITALCELL_CHROMIUM</c>, else the
/// first of chromium, chromium-browser, google-chrome on PATH.
/// </summary>
internal static partial class FigureImages
{
    /// <summary>How long one Chromium run may take before it is stopped.</summary>
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    /// <summary>Writes each figure as its image format to its path (atomically), in one Chromium run.</summary>
    /// <exception cref="DigitalCellException">Chromium is missing, fails or times out, or a format is not an image format.</exception>
    public static void Save(IReadOnlyList<(Figure Figure, string Path, FigureFormat Format)> images)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Count == 0) return;
        foreach (var image in images.Where(i => i.Format is not (FigureFormat.Png or FigureFormat.Svg)))
            throw new DigitalCellException(image.Path, null, $"{image.Format} is not an image format (png or svg).");
        string chromium = FindChromium();
        var work = Directory.CreateTempSubdirectory("dcell-figures-");
        try
        {
            File.WriteAllText(Path.Combine(work.FullName, "plotly.min.js"), PlotlyJs.Source);
            string page = Path.Combine(work.FullName, "export.html");
            File.WriteAllText(page, Page(images));
            string[] urls = Render(chromium, work.FullName, page);
            if (urls.Length != images.Count)
                throw new DigitalCellException($"Chromium drew {urls.Length} of {images.Count} figures.");
            for (int i = 0; i < images.Count; i++)
            {
                byte[] bytes = Decode(urls[i], images[i].Format);
                AtomicFile.Write(images[i].Path, temp => File.WriteAllBytes(temp, bytes));
            }
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    /// <summary>The export page: every figure goes through <c>Plotly.toImage</c>; the data URLs land in <c>pre#out</c> as JSON.</summary>
    private static string Page(IReadOnlyList<(Figure Figure, string Path, FigureFormat Format)> images)
    {
        var js = new StringBuilder("var jobs = [\n");
        foreach (var (figure, _, format) in images)
            js.Append("  {figure: ").Append(FigureHtml.ScriptSafe(figure.ToJson())).Append(", format: '").Append(format.ToString().ToLowerInvariant())
              .Append("', width: ").Append(figure.Width).Append(", height: ").Append(figure.Height).Append("},\n");
        js.Append("];\nvar out = document.getElementById('out');\n")
          .Append("Promise.all(jobs.map(function (j) { return Plotly.toImage(j.figure, {format: j.format, width: j.width, height: j.height}); }))\n")
          .Append("  .then(function (urls) { out.textContent = JSON.stringify(urls); }, function (e) { out.textContent = 'ERROR ' + e; });\n");
        return "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><script src=\"plotly.min.js\"></script></head>\n<body><pre id=\"out\">pending</pre>\n<script>\n"
            + js + "</script></body></html>\n";
    }

    private static string[] Render(string chromium, string work, string page)
    {
        var start = new ProcessStartInfo(chromium)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        // --no-sandbox: CI and containers run as root, where Chromium's sandbox refuses to start.
        // --virtual-time-budget: lets the page's promises settle before the DOM is dumped.
        foreach (var argument in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                     $"--user-data-dir={Path.Combine(work, "profile")}", "--virtual-time-budget=60000", "--dump-dom", new Uri(page).AbsoluteUri })
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new DigitalCellException(chromium, null, "could not be started to export figures.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new DigitalCellException(chromium, null, $"did not finish exporting figures within {Timeout.TotalSeconds:0} s.");
        }
        string dom = stdout.GetAwaiter().GetResult();
        _ = stderr.GetAwaiter().GetResult();
        var match = OutElement().Match(dom);
        string result = match.Success ? WebUtility.HtmlDecode(match.Groups[1].Value) : "";
        if (!result.StartsWith('['))
            throw new DigitalCellException(chromium, null,
                $"exporting figures failed (exit {process.ExitCode}): {(result.Length == 0 ? "no result on the page" : result)}.");
        return JsonSerializer.Deserialize<string[]>(result) ?? [];
    }

    /// <summary>The bytes of a plotly.js data URL: base64 for PNG, percent-encoded text for SVG.</summary>
    internal static byte[] Decode(string url, FigureFormat format)
    {
        int comma = url.IndexOf(',');
        string prefix = format == FigureFormat.Png ? "data:image/png;base64" : "data:image/svg+xml";
        if (comma < 0 || !url[..comma].Equals(prefix, StringComparison.Ordinal))
            throw new DigitalCellException($"plotly.js returned '{url[..Math.Min(40, url.Length)]}…' for a {format} image.");
        string data = url[(comma + 1)..];
        return format == FigureFormat.Png ? Convert.FromBase64String(data) : Encoding.UTF8.GetBytes(Uri.UnescapeDataString(data));
    }

    private static string FindChromium()
    {
        if (Environment.GetEnvironmentVariable("DIGITALCELL_CHROMIUM") is { Length: > 0 } configured)
            return File.Exists(configured) ? configured
                : throw new DigitalCellException(configured, null, "DIGITALCELL_CHROMIUM names no file; PNG/SVG export needs Chromium.");
        var directories = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        foreach (var name in new[] { "chromium", "chromium-browser", "google-chrome", "google-chrome-stable" })
            foreach (var directory in directories)
                if (File.Exists(Path.Combine(directory, name))) return Path.Combine(directory, name);
        throw new DigitalCellException("PNG/SVG export needs Chromium (apt-get install chromium, or set DIGITALCELL_CHROMIUM); none found on PATH.");
    }

    [GeneratedRegex("<pre id=\"out\">(.*?)</pre>", RegexOptions.Singleline)]
    private static partial Regex OutElement();
}
