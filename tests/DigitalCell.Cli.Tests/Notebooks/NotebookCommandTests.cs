using DigitalCell.Notebooks;
using static DigitalCell.Cli.Tests.Notebooks.TestNotebook;

namespace DigitalCell.Cli.Tests.Notebooks;

[TestFixture]
public class NotebookCommandTests
{
    private StringWriter output = null!, error = null!;

    [SetUp]
    public void FreshConsole() => (output, error) = (new StringWriter(), new StringWriter());

    private Task<int> Dcell(params string[] args) => Task.Run(() => Program.Run(args, output, error));

    [Test]
    public async Task Run_writes_executed_notebooks_to_the_output_folder_with_parameters_applied()
    {
        string path = Write(Code("var label = \"default\";", "parameters"), Code("Console.Write(label);"));
        string folder = Directory.CreateTempSubdirectory("dcell-out-").FullName;

        int exit = await Dcell("notebook", "run", path, "--param", "label=from-cli", "--out", folder);

        Assert.That(exit, Is.EqualTo(0), error.ToString());
        Assert.That(output.ToString(), Does.StartWith("ok ").And.Contain("3 cells"));
        var executed = NotebookDocument.Load(Path.Combine(folder, "test.ipynb"));
        Assert.That(Stdout(executed, 2), Is.EqualTo("from-cli"));
        Assert.That(NotebookDocument.Load(path).Cells, Has.Count.EqualTo(2), "the source notebook is untouched");
    }

    [Test]
    public async Task A_failing_notebook_exits_non_zero_and_is_still_written_in_place()
    {
        string path = Write(Code("Console.Write(\"ran\");"), Code("throw new Exception(\"stop\");"));

        int exit = await Dcell("notebook", "run", path, "--inplace");

        Assert.That(exit, Is.EqualTo(Program.ErrorExitCode));
        Assert.That(error.ToString(), Does.Contain("FAILED").And.Contain("cell 2 (In [2]): Exception: stop"));
        var executed = NotebookDocument.Load(path);
        Assert.That(Stdout(executed, 0), Is.EqualTo("ran"));
        Assert.That((string?)Outputs(executed, 1).Single()!["evalue"], Is.EqualTo("stop"));
    }

    [Test]
    public async Task Run_needs_exactly_one_destination()
    {
        string path = Write(Code("1"));

        Assert.That(await Dcell("notebook", "run", path), Is.EqualTo(Program.ErrorExitCode));
        Assert.That(error.ToString(), Does.Contain("error: notebook run: choose where executed notebooks go"));
        Assert.That(await Dcell("notebook", "run", path, "--inplace", "--out", Path.GetTempPath()), Is.Not.EqualTo(0));
        Assert.That((int?)NotebookDocument.Load(path).Cells[0]!["execution_count"], Is.Null, "nothing ran");
    }
}
