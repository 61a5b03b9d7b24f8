using System.Diagnostics;
using System.Globalization;
using DigitalCell.Sdk;
using DigitalCell.Sdk.Models;

namespace DigitalCell.Fuzz;

/// <summary>
/// <c>batch &lt;cases.tsv&gt;</c>: the child side, running each case through dcell's <see cref="Cli.Program.Run"/>;
/// <c>campaign [cases=5000] [seed=1]</c>: a long run, printing every failure and the throughput.
/// </summary>
public static class Program
{
    /// <summary>Entry point.</summary>
    public static int Main(string[] args) => args switch
    {
        ["batch", var list] => Batch(list),
        ["campaign", .. var rest] => Campaign(
            rest.Length > 0 ? int.Parse(rest[0], CultureInfo.InvariantCulture) : 5000,
            rest.Length > 1 ? int.Parse(rest[1], CultureInfo.InvariantCulture) : 1),
        _ => Usage(),
    };

    private static int Usage()
    {
        Console.Error.WriteLine("usage: DigitalCell.Fuzz batch <cases.tsv> | campaign [cases] [seed]");
        return 2;
    }

    private static int Batch(string list)
    {
        foreach (var line in File.ReadLines(list))
        {
            var c = FuzzCase.FromLine(line);
            Console.Out.WriteLine($"BEGIN\t{c.Id}");
            Console.Out.Flush();
            var error = new StringWriter();
            var watch = Stopwatch.StartNew();
            int code = c.Arguments[0] is "safetensors" or "notebook-read" ? ReadWithoutCommand(c.Arguments[0], c.Arguments[1], error) : Cli.Program.Run(c.Arguments, TextWriter.Null, error);
            Console.Out.WriteLine($"END\t{c.Id}\t{code}\t{watch.ElapsedMilliseconds}\t{FuzzCampaign.Escape(error.ToString())}");
            Console.Out.Flush();
        }
        return 0;
    }

    /// <summary>
    /// Readers without a read-only command of their own (model weights; notebooks, whose command would start the kernel
    /// on every mutation that stays valid); errors are reported the way dcell reports them.
    /// </summary>
    private static int ReadWithoutCommand(string reader, string path, TextWriter error)
    {
        try
        {
            if (reader == "safetensors") SafeTensors.Read(path);
            else Notebooks.NotebookDocument.Load(path);
            return 0;
        }
        catch (DigitalCellException e)
        {
            error.WriteLine(Cli.Program.ErrorLine(e.Message));
            return 1;
        }
        catch (Exception e)
        {
            error.WriteLine(Cli.Program.ErrorLine($"internal error ({e.GetType().Name}): {e.Message}"));
            return 1;
        }
    }

    private static int Campaign(int cases, int seed)
    {
        string dir = Directory.CreateTempSubdirectory("dcell-fuzz-").FullName;
        try
        {
            var watch = Stopwatch.StartNew();
            var outcomes = FuzzCampaign.Run(typeof(Program).Assembly.Location, dir, seed, 0, cases);
            var failures = outcomes.Where(o => o.Problem is not null).ToList();
            foreach (var f in failures) Console.WriteLine(f);
            Console.WriteLine($"{outcomes.Count} cases (seed {seed}) in {watch.Elapsed.TotalSeconds:F0} s: {failures.Count} not handled cleanly; " +
                              $"{outcomes.Count(o => o.ExitCode == 0)} read fine, slowest case {outcomes.Max(o => o.Milliseconds)} ms; " +
                              $"{Environment.ProcessorCount} cores, load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
            return failures.Count == 0 ? 0 : 1;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
