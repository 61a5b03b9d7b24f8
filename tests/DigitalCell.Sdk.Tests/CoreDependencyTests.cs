using DigitalCell.Sdk.Data;

namespace DigitalCell.Sdk.Tests;

/// <summary>The core package is what scripts and services load: no kernel, formatting or plotting library comes with
/// it, and loading it runs no code (notebook display is DigitalCell.Sdk.Interactive's opt-in).</summary>
[TestFixture]
public class CoreDependencyTests
{
    [Test]
    public void The_core_references_no_kernel_formatting_or_plotting_assembly()
    {
        var references = typeof(CellDataset).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        Assert.That(references.Where(n => n.StartsWith("Plotly", StringComparison.Ordinal) || n.StartsWith("FSharp", StringComparison.Ordinal)
                                          || n.StartsWith("Microsoft.DotNet.Interactive", StringComparison.Ordinal)), Is.Empty);
        Assert.That(references, Does.Contain("Microsoft.Data.Analysis"), "the check reads real references");
    }

    [Test]
    public void The_core_has_no_module_initializer()
    {
        var initializers = typeof(CellDataset).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic))
            .Where(m => m.IsDefined(typeof(System.Runtime.CompilerServices.ModuleInitializerAttribute), false));

        Assert.That(initializers.Select(m => $"{m.DeclaringType}.{m.Name}"), Is.Empty);
    }
}
