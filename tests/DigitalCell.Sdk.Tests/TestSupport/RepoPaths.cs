namespace DigitalCell.Sdk.Tests.TestSupport;

/// <summary>Locates the repository from the test output directory (real data: <see cref="DigitalCell.Tests.Shared.SharedData"/>).</summary>
internal static class RepoPaths
{
    private static readonly Lazy<string> RootPath = new(() =>
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "DigitalCell.Sdk.sln"))) return dir.FullName;
        throw new InvalidOperationException("DigitalCell.Sdk.sln not found above " + TestContext.CurrentContext.TestDirectory);
    });

    /// <summary>The repository root.</summary>
    public static string Root => RootPath.Value;

    /// <summary>A fresh empty directory under the system temp folder, removed by the caller's TearDown if wanted.</summary>
    public static string NewTempDirectory()
    {
        string dir = Path.Combine(Path.GetTempPath(), "dcell-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }
}
