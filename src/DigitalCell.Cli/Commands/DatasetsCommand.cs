using System.CommandLine;
using DigitalCell.Sdk;
using DigitalCell.Sdk.Catalog;
using Spectre.Console;

namespace DigitalCell.Cli.Commands;

/// <summary>
/// <c>dcell datasets list|info|fetch|verify|path</c>: the public perturbation data sets by id, cached under
/// <c>--cache-dir</c> (default <c>$DIGITALCELL_CACHE</c>, else the user's cache folder), found in a mirror folder
/// (<c>--mirror</c>, <c>$DIGITALCELL_MIRROR</c>) or downloaded over HTTPS with resume and SHA-256 verification.
/// </summary>
public static class DatasetsCommand
{
    /// <summary>Creates the command tree.</summary>
    public static Command Create()
    {
        var shared = new CatalogArguments();
        var command = new Command("datasets", "Public perturbation data sets by id: list, describe, download (verified), verify and locate them.");
        shared.AddTo(command);
        command.Subcommands.Add(List(shared));
        command.Subcommands.Add(Info(shared));
        command.Subcommands.Add(Fetch(shared));
        command.Subcommands.Add(Verify(shared));
        command.Subcommands.Add(PathOf(shared));
        return command;
    }

    private static Argument<string> IdArgument() => new("id") { Description = "Data set id (see `dcell datasets list`)" };

    private static Command List(CatalogArguments shared)
    {
        var command = new Command("list", "List the data sets with their kind, cells and cache state.");
        command.SetAction(parse =>
        {
            var catalog = shared.Open(parse);
            var console = ConsoleFor(parse.InvocationConfiguration.Output);
            var table = new Table().Border(TableBorder.Simple)
                .AddColumns(new TableColumn("id").NoWrap(), new TableColumn("kind").NoWrap(), new TableColumn("cells"), new TableColumn("size").NoWrap(), new TableColumn("state").NoWrap());
            foreach (var entry in catalog.Entries)
                table.AddRow(
                    Markup.Escape(entry.Id),
                    Markup.Escape(entry.PerturbationKind),
                    Markup.Escape(ShortContext(entry.CellContext)),
                    entry.TotalSize is { } size ? FormatBytes(size) : "?",
                    catalog.IsCached(entry.Id) ? "cached" : catalog.IsAvailableOffline(entry.Id) ? "mirror" : "-");
            console.Write(table);
            console.WriteLine($"Cache: {catalog.CacheDirectory}");
            return 0;
        });
        return command;
    }

    private static Command Info(CatalogArguments shared)
    {
        var id = IdArgument();
        var command = new Command("info", "Describe a data set: citation, licence, files with URL and sha256, column mapping, cache location.") { id };
        command.SetAction(parse =>
        {
            var catalog = shared.Open(parse);
            var entry = catalog.Get(parse.GetRequiredValue(id));
            var o = parse.InvocationConfiguration.Output;
            o.WriteLine($"{entry.Id}: {entry.Title}");
            o.WriteLine(entry.Description);
            o.WriteLine($"Cite:        {entry.Citation}");
            if (entry.Via is not null) o.WriteLine($"Via:         {entry.Via}");
            o.WriteLine($"Licence:     {entry.License}{(entry.LicenseNote is null ? "" : $" ({entry.LicenseNote})")}");
            o.WriteLine($"Organism:    {entry.Organism}; cells: {entry.CellContext}");
            o.WriteLine($"Kind:        {entry.PerturbationKind}; modality: {entry.Modality}");
            var s = entry.Schema;
            o.WriteLine($"Mapping:     perturbation column '{s.PerturbationColumn}', control label(s) {string.Join(", ", s.ControlLabels.Select(l => $"'{l}'"))}, " +
                        $"combinations {(s.CombinationDelimiter is null ? "none" : $"'A{s.CombinationDelimiter}B'")}, context {Column(s.ContextColumn)}, " +
                        $"dose {Column(s.DoseColumn)}, time {Column(s.TimeColumn)}, gene ids {Column(s.GeneIdColumn)}");
            o.WriteLine("Files:");
            foreach (var file in entry.Files)
            {
                string path = catalog.FilePath(entry.Id, file.Name);
                o.WriteLine($"  {file.Name} ({file.Format}, {file.Role}, {(file.Size is { } size ? FormatBytes(size) : "size unknown")})");
                foreach (string location in file.Locations) o.WriteLine($"    url:    {location}");
                if (!file.Locations.Any()) o.WriteLine("    url:    none (no public file: resolves from the cache or a mirror folder only)");
                string? pinned = file.Sha256 is null ? catalog.ExpectedSha256(entry.Id, file.Name) : null;
                o.WriteLine($"    sha256: {file.Sha256 ?? (pinned is null ? "unknown; pinned on first use when fetched" : $"{pinned} (pinned on first use)")}");
                o.WriteLine($"    cache:  {path} ({(File.Exists(path) ? "present" : "not fetched")})");
                if (catalog.MirrorDirectory is not null)
                {
                    string? local = catalog.LocalPath(entry.Id, file.Name);
                    o.WriteLine($"    mirror: {(local is not null && local != path ? local : $"not in {catalog.MirrorDirectory}")}");
                }
            }
            return 0;
        });
        return command;
    }

    private static Command Fetch(CatalogArguments shared)
    {
        var id = IdArgument();
        var command = new Command("fetch", "Make a data set's files present and verified: the cache, else the mirror folder, else a resumable HTTPS download into the cache.") { id };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var catalog = shared.Open(parse);
            var entry = catalog.Get(parse.GetRequiredValue(id));
            var output = parse.InvocationConfiguration.Output;
            // Progress goes to stderr (a bar on a terminal), so piped stdout holds only the result lines below.
            var result = await TerminalProgress.RunAsync(parse.InvocationConfiguration.Error, "fetch", work =>
                catalog.FetchAsync(entry.Id, new SynchronousProgress(p => work.Report(new WorkProgress(p.FileName, p.BytesReceived, p.TotalBytes ?? p.BytesReceived)
                {
                    Detail = p.TotalBytes is { } total ? $"{FormatBytes(p.BytesReceived)} of {FormatBytes(total)}" : FormatBytes(p.BytesReceived),
                })), cancellationToken));
            foreach (var file in result.Files)
            {
                string how = file.Outcome switch
                {
                    FetchOutcome.Downloaded => $"downloaded from {file.Source}",
                    FetchOutcome.FromMirror => "found in the mirror (read in place, no network)",
                    _ => "already cached",
                };
                output.WriteLine($"{file.File.Name}: {how}");
                output.WriteLine($"  path:   {file.Path}");
                output.WriteLine($"  sha256: {file.Sha256}{(file.File.Sha256 is not null ? " (matches the manifest)" : "")}");
                if (file.PinnedOnFirstUse)
                    output.WriteLine($"  pinned on first use: the manifest has no checksum, so this hash is now trusted and later verifications compare against it ({catalog.PinFile})");
            }
            output.WriteLine($"Data: {result.DataPath}");
            output.WriteLine($"Cite: {entry.Citation} Licence: {entry.License}.");
            return 0;
        });
        return command;
    }

    private static Command Verify(CatalogArguments shared)
    {
        var id = new Argument<string?>("id") { Description = "Data set id; all data sets when omitted", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("verify", "Re-hash cached files and compare with the manifest's sha256 or the pin from the first download.") { id };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var catalog = shared.Open(parse);
            string? only = parse.GetValue(id);
            var results = await catalog.VerifyAsync(only, cancellationToken);
            var output = parse.InvocationConfiguration.Output;
            // Without an id, files never fetched are summarised rather than listed one by one.
            var shown = only is null ? results.Where(r => r.Status != VerificationStatus.Missing).ToList() : results.ToList();
            foreach (var r in shown) output.WriteLine(r.ToString());
            int notFetched = results.Count - shown.Count;
            if (notFetched > 0) output.WriteLine($"{notFetched} file(s) of {results.Where(r => r.Status == VerificationStatus.Missing).Select(r => r.DatasetId).Distinct().Count()} data set(s) not fetched.");
            bool failed = shown.Any(r => r.Status is VerificationStatus.Mismatch or VerificationStatus.Missing);
            if (failed) parse.InvocationConfiguration.Error.WriteLine("error: verification failed (see the lines above)");
            return failed ? 1 : 0;
        });
        return command;
    }

    private static Command PathOf(CatalogArguments shared)
    {
        var id = IdArgument();
        var command = new Command("path", "Print where each file of a data set lives in the cache (where to place it by hand when offline).") { id };
        command.SetAction(parse =>
        {
            var catalog = shared.Open(parse);
            var entry = catalog.Get(parse.GetRequiredValue(id));
            foreach (var file in entry.Files) parse.InvocationConfiguration.Output.WriteLine(catalog.FilePath(entry.Id, file.Name));
            return 0;
        });
        return command;
    }

    /// <summary>The cell context without its parenthesised detail, to keep the list table narrow.</summary>
    private static string ShortContext(string context) => context.Split(" (")[0];

    private static string Column(string? name) => name is null ? "-" : $"'{name}'";

    internal static string FormatBytes(long bytes)
    {
        string[] units = ["B", "KB", "MB", "GB", "TB"];
        double value = bytes;
        int unit = 0;
        while (value >= 1000 && unit < units.Length - 1) { value /= 1000; unit++; }
        return unit == 0 ? $"{bytes} B" : $"{value:0.#} {units[unit]}";
    }

    /// <summary>A Spectre console writing to the command's output: colours and live progress on a terminal, plain text when redirected.</summary>
    internal static IAnsiConsole ConsoleFor(TextWriter output)
    {
        bool terminal = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            Interactive = terminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
        // Piped output has no width; Spectre's default of 80 columns would cut model and data-set names.
        if (!terminal) console.Profile.Width = 4096;
        return console;
    }

    /// <summary>Reports on the caller's thread, so the progress bar sees bytes in order (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class SynchronousProgress(Action<DownloadProgress> report) : IProgress<DownloadProgress>
    {
        public void Report(DownloadProgress value) => report(value);
    }
}
