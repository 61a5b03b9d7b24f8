using DigitalCell.Notebooks;
using static DigitalCell.Cli.Tests.Notebooks.TestNotebook;

namespace DigitalCell.Cli.Tests.Notebooks;

[TestFixture]
public class NotebookCommandTests
{
    [Test]
    public void Run_writes_executed_notebooks_to_the_output_folder_with_parameters_applied()
    {
        RequireKernel();
        string path = Write(Code("var label = \"default\";", "parameters"), Code("Console.Write(label);"));
        string folder = Directory.CreateTempSubdirectory("dcell-out-").FullName;

        var result = Dcell.Run("notebook", "run", path, "--param", "label=from-cli", "--out", folder);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(result.Output, Does.StartWith("ok ").And.Contain("3 cells"));
        var executed = NotebookDocument.Load(Path.Combine(folder, "test.ipynb"));
        Assert.That(Stdout(executed, 2), Is.EqualTo("from-cli"));
        Assert.That(NotebookDocument.Load(path).Cells, Has.Count.EqualTo(2), "the source notebook is untouched");
    }

    [Test]
    public void A_failing_notebook_exits_non_zero_and_is_still_written_in_place()
    {
        RequireKernel();
        string path = Write(Code("Console.Write(\"ran\");"), Code("throw new Exception(\"stop\");"));

        var result = Dcell.Run("notebook", "run", path, "--inplace");

        Assert.That(result.ExitCode, Is.EqualTo(Program.ErrorExitCode));
        Assert.That(result.Error, Does.Contain("FAILED").And.Contain("cell 2 (In [2]):").And.Contain("stop"));
        var executed = NotebookDocument.Load(path);
        Assert.That(Stdout(executed, 0), Is.EqualTo("ran"));
        Assert.That(Outputs(executed, 1).Single(o => (string?)o!["output_type"] == "error")!["evalue"]!.ToString(), Does.Contain("stop"));
    }

    [Test]
    public void Run_needs_exactly_one_destination()
    {
        string path = Write(Code("1"));

        var neither = Dcell.Run("notebook", "run", path);
        var both = Dcell.Run("notebook", "run", path, "--inplace", "--out", Path.GetTempPath());

        Assert.That(neither.ExitCode, Is.EqualTo(Program.ErrorExitCode));
        Assert.That(neither.Error, Does.Contain("error: notebook run: choose where executed notebooks go"));
        Assert.That(both.ExitCode, Is.EqualTo(Program.ErrorExitCode));
        Assert.That((int?)NotebookDocument.Load(path).Cells[0]!["execution_count"], Is.Null, "nothing ran");
    }

    [TestCase("0")]
    [TestCase("-3")]
    [TestCase("NaN")]
    public void The_cell_timeout_must_be_a_positive_number_of_seconds(string timeout)
    {
        string path = Write(Code("1"));

        var result = Dcell.Run("notebook", "run", path, "--inplace", "--timeout", timeout);

        Assert.That(result.ExitCode, Is.EqualTo(Program.ErrorExitCode));
        Assert.That(result.Error, Does.Contain("--timeout must be a positive number of seconds"));
    }
}
