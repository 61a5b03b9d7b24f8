using DigitalCell.Cli;

namespace DigitalCell.Cli.Tests;

/// <summary>Runs dcell in-process, capturing what it prints.</summary>
internal static class Dcell
{
    public sealed record Result(int ExitCode, string Output, string Error);

    public static Result Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = Program.Run(args, output, error);
        return new Result(code, output.ToString(), error.ToString());
    }
}
