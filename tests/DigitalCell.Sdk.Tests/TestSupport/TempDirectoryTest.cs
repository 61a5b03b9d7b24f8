namespace DigitalCell.Sdk.Tests.TestSupport;

/// <summary>Base for tests that write files: each test gets a fresh directory <see cref="Temp"/>, removed afterwards.</summary>
public abstract class TempDirectoryTest
{
    /// <summary>This test's own empty directory.</summary>
    protected string Temp { get; private set; } = "";

    [SetUp]
    public void CreateTempDirectory() => Temp = RepoPaths.NewTempDirectory();

    [TearDown]
    public void DeleteTempDirectory() => Directory.Delete(Temp, recursive: true);
}
