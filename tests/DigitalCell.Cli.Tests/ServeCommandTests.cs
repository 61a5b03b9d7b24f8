namespace DigitalCell.Cli.Tests;

/// <summary><c>dcell serve</c> on the command line: its options, and the refusals that happen before any data loads.</summary>
public sealed class ServeCommandTests
{
    [Test]
    public void Help_lists_the_options()
    {
        var result = Dcell.Run("serve", "--help");
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(result.Output, Does.Contain("[<data>...]").And.Contain("--models").And.Contain("--port").And.Contain("--host").And.Contain("--api-key"));
    }

    [Test]
    public void A_non_loopback_host_without_an_api_key_is_a_one_line_error()
    {
        var result = Dcell.Run("serve", "--host", "0.0.0.0", "--data", "papalexi2021-thp1-subset");
        Assert.That(result.ExitCode, Is.EqualTo(Program.ErrorExitCode));
        Assert.That(result.Error.Trim(), Does.StartWith("error: --host 0.0.0.0").And.Contain("--api-key"));
        Assert.That(result.Error.Trim().Split('\n'), Has.Length.EqualTo(1));
    }

    [Test]
    public void An_unknown_model_name_lists_the_known_ones()
    {
        var result = Dcell.Run("serve", "papalexi2021-thp1-subset", "--models", "gpt");
        Assert.That(result.ExitCode, Is.EqualTo(Program.ErrorExitCode));
        Assert.That(result.Error, Does.Contain("Unknown baseline 'gpt'").And.Contain("prior-ridge"));
    }
}
