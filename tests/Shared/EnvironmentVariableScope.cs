namespace DigitalCell.Tests.Shared;

/// <summary>
/// Lets a test change one environment variable and puts the value it found back when disposed, so a failing
/// assertion cannot leak the change into the tests that run after it.
/// </summary>
internal sealed class EnvironmentVariableScope(string name) : IDisposable
{
    private readonly string? _original = Environment.GetEnvironmentVariable(name);

    /// <summary>Sets the variable (null removes it).</summary>
    public void Set(string? value) => Environment.SetEnvironmentVariable(name, value);

    /// <summary>Restores the value found when the scope was created.</summary>
    public void Dispose() => Environment.SetEnvironmentVariable(name, _original);
}
