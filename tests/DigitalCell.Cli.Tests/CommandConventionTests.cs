using System.CommandLine;
using DigitalCell.Cli.Neural;
using DigitalCell.Cli.Query;
using DigitalCell.Sdk.Catalog;
using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.IO;

namespace DigitalCell.Cli.Tests;

/// <summary>
/// One input convention across every dcell command (issue 11): the data a command reads is its first argument, what
/// it writes is <c>--out</c> (<c>-o</c>). Earlier spellings (<c>--data</c>, <c>--output</c>, <c>--outdir</c>, a
/// positional output) stay accepted but hidden or as aliases.
/// </summary>
public class CommandConventionTests
{
    /// <summary>Spellings that name an output; each must be an alias of an option named <c>--out</c>.</summary>
    private static readonly string[] OutputSpellings = ["--out", "-o", "--output", "--outdir", "--keep"];

    /// <summary>Commands that write nothing to a path the user names (they print, serve or fill the cache).</summary>
    private static readonly string[] WithoutOutput =
        ["inspect", "datasets list", "datasets info", "datasets fetch", "datasets verify", "datasets path", "serve", "models list", "models info"];

    /// <summary>Commands reading data, each taking it as its first argument.</summary>
    private static readonly string[] ReadingData =
    [
        "inspect", "convert", "preprocess", "de", "edistance", "benchmark", "screen", "serve", "train", "finetune",
        "pseudobulk", "partition", "partition-de", "query", "export dataset",
    ];

    /// <summary>Every leaf command of dcell with the plug-ins' real commands (not their forwarding stand-ins), by path.</summary>
    private static Dictionary<string, Command> Commands()
    {
        var leaves = new Dictionary<string, Command>(StringComparer.Ordinal);
        void Walk(Command command, string path)
        {
            if (command.Subcommands.Count == 0) leaves[path] = command;
            foreach (var sub in command.Subcommands) Walk(sub, path.Length == 0 ? sub.Name : $"{path} {sub.Name}");
        }
        Walk(NeuralProgram.CreateRootCommand(), "");
        leaves["query"] = QueryProgram.CreateRootCommand().Subcommands.Single(c => c.Name == "query");
        return leaves;
    }

    [Test]
    public void Every_output_is_named_out_with_the_short_o()
    {
        var commands = Commands();
        Assert.That(commands, Has.Count.GreaterThan(25), "the whole tree, plug-ins included");
        foreach (var (path, command) in commands)
        {
            var outputs = command.Options.Where(o => OutputSpellings.Contains(o.Name) || o.Aliases.Any(OutputSpellings.Contains)).ToArray();
            if (WithoutOutput.Contains(path))
            {
                Assert.That(outputs, Is.Empty, path);
                continue;
            }
            Assert.That(outputs.Select(o => o.Name), Is.EqualTo(new[] { "--out" }), $"{path}: one output option, named --out");
            Assert.That(outputs[0].Aliases, Does.Contain("-o"), $"{path}: --out has the short -o");
            Assert.That(command.Arguments.Where(a => !a.Hidden).Select(a => a.Name), Has.None.EqualTo("output"), $"{path}: no visible positional output");
        }
    }

    [Test]
    public void Every_command_reading_data_takes_it_as_its_first_argument()
    {
        var commands = Commands();
        foreach (var (path, command) in commands)
            Assert.That(command.Options.Where(o => !o.Hidden).Select(o => o.Name), Has.None.AnyOf("--data", "--input", "--in"),
                $"{path}: data is positional (score's --real/--pred are cell-eval's two named inputs)");
        foreach (var path in ReadingData)
            Assert.That(commands[path].Arguments.FirstOrDefault(a => !a.Hidden), Is.Not.Null, $"{path}: the data is the first argument");
    }

    [Test]
    public void Every_command_loading_cells_takes_subset()
    {
        // inspect summarises a file backed, serve loads several data sets, the collection commands select with --where.
        var commands = Commands();
        foreach (var path in new[] { "convert", "preprocess", "de", "edistance", "benchmark", "score", "screen", "train", "finetune" })
            Assert.That(commands[path].Options.Select(o => o.Name), Does.Contain("--subset"), path);
    }

    [Test]
    public void Convert_and_preprocess_keep_only_the_subset()
    {
        string folder = Directory.CreateTempSubdirectory("dcell-subset-").FullName;
        try
        {
            string input = Path.Combine(folder, "in.h5ad");
            var data = CellDataset.FromMatrix(DenseCellMatrix.From(new float[,] { { 1, 2 }, { 3, 4 }, { 5, 6 } }), ["a", "b", "c"], ["g1", "g2"]);
            data.WithObs(data.Obs.With(CategoricalColumn.FromLabels("cell_line", ["k562", "rpe1", "k562"]))).Write(input);

            var converted = Dcell.Run("convert", input, "--subset", "cell_line=k562", "--out", Path.Combine(folder, "k562.parquet"));
            var preprocessed = Dcell.Run("preprocess", input, "--subset", "cell_line=rpe1", "--log1p", "--out", Path.Combine(folder, "rpe1.h5ad"));

            Assert.That(converted.ExitCode, Is.Zero, converted.Error);
            Assert.That(CellDataset.Read(Path.Combine(folder, "k562.parquet")).CellNames, Is.EqualTo(new[] { "a", "c" }));
            Assert.That(preprocessed.ExitCode, Is.Zero, preprocessed.Error);
            Assert.That(CellDataset.Read(Path.Combine(folder, "rpe1.h5ad")).CellNames, Is.EqualTo(new[] { "b" }));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [TestCase("benchmark", "--data", "d.h5ad")]
    [TestCase("screen", "--data", "d.h5ad", "--model", "linear", "--objective", "genes:A", "--out", "o")]
    [TestCase("serve", "--data", "a", "b")]
    [TestCase("demo", "--output", "o")]
    [TestCase("score", "--real", "r.h5ad", "--pred", "p.h5ad", "--outdir", "o")]
    [TestCase("convert", "in.h5ad", "out.parquet")]
    [TestCase("preprocess", "in.h5ad", "out.h5ad", "--log1p")]
    [TestCase("reproduce", "run", "--keep", "o")]
    public void Earlier_spellings_still_parse(params string[] args)
    {
        var parse = Program.CreateRootCommand().Parse(args);
        Assert.That(parse.Errors.Select(e => e.Message), Is.Empty, string.Join(' ', args));
    }

    [Test]
    public void Data_given_twice_or_not_at_all_is_a_usage_error_naming_the_argument()
    {
        var twice = Dcell.Run("benchmark", "a.h5ad", "--data", "b.h5ad");
        Assert.That((twice.ExitCode, twice.Error.Split('\n')[0]), Is.EqualTo((Program.UsageExitCode, "error: benchmark: give the data once, as the argument or with --data, not both.")));
        var none = Dcell.Run("screen", "--model", "linear", "--objective", "genes:A", "--out", "o");
        Assert.That((none.ExitCode, none.Error.Split('\n')[0]), Is.EqualTo((Program.UsageExitCode, "error: screen: name the data to read (a file or catalog id) as the first argument.")));
        var noOut = Dcell.Run("convert", "a.h5ad");
        Assert.That((noOut.ExitCode, noOut.Error.Split('\n')[0]), Is.EqualTo((Program.UsageExitCode, "error: convert: --out is required (where to write).")));
    }
}
