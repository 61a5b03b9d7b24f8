using System.CommandLine;
using DigitalCell.Cli.Commands;
using DigitalCell.Notebooks;
using static DigitalCell.Cli.Tests.Notebooks.TestNotebook;

namespace DigitalCell.Cli.Tests.Notebooks;

[TestFixture]
public class NotebookCommandTests
{
    private static Task<int> Dcell(params string[] args) => new RootCommand { NotebookCommand.Create() }.Parse(args).InvokeAsync();

    [Test]
    public async Task Run_writes_executed_notebooks_to_the_output_folder_with_parameters_applied()
    {
        string path = Write(Code("var label = \"default\";", "parameters"), Code("Console.Write(label);"));
        string output = Directory.CreateTempSubdirectory("dcell-out-").FullName;

        int exit = await Dcell("notebook", "run", path, "--param", "label=from-cli", "--out", output);

        Assert.That(exit, Is.EqualTo(0));
        var executed = NotebookDocument.Load(Path.Combine(output, "test.ipynb"));
        Assert.That(Stdout(executed, 2), Is.EqualTo("from-cli"));
        Assert.That(NotebookDocument.Load(path).Cells, Has.Count.EqualTo(2), "the source notebook is untouched");
    }

    [Test]
    public async Task A_failing_notebook_exits_non_zero_and_is_still_written_in_place()
    {
        string path = Write(Code("Console.Write(\"ran\");"), Code("throw new Exception(\"stop\");"));

        int exit = await Dcell("notebook", "run", path, "--inplace");

        Assert.That(exit, Is.Not.EqualTo(0));
        var executed = NotebookDocument.Load(path);
        Assert.That(Stdout(executed, 0), Is.EqualTo("ran"));
        Assert.That((string?)Outputs(executed, 1).Single()!["evalue"], Is.EqualTo("stop"));
    }

    [Test]
    public async Task Run_needs_exactly_one_destination()
    {
        string path = Write(Code("1"));

        Assert.That(await Dcell("notebook", "run", path), Is.Not.EqualTo(0));
        Assert.That(await Dcell("notebook", "run", path, "--inplace", "--out", Path.GetTempPath()), Is.Not.EqualTo(0));
        Assert.That((int?)NotebookDocument.Load(path).Cells[0]!["execution_count"], Is.Null, "nothing ran");
    }
}
