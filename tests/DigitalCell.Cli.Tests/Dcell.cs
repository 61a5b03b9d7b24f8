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

    /// <summary>The repository root, found from the test output directory.</summary>
    public static string RepoRoot { get; } = FindRoot();

    public static string Data(string relative) => Path.Combine(RepoRoot, "data", relative);

    public static string NewTempDirectory()
    {
        string dir = Path.Combine(Path.GetTempPath(), "dcell-cli-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "DigitalCell.Sdk.sln"))) return dir.FullName;
        throw new InvalidOperationException("DigitalCell.Sdk.sln not found");
    }
}
