using System.Reflection;
using System.Text.Json.Nodes;

namespace DigitalCell.Notebooks;

/// <summary>
/// The NuGet packages the host process already carries, read from its <c>.deps.json</c>: a notebook's
/// <c>#r "nuget: DigitalCell.Sdk, 0.1.0"</c> is satisfied by the SDK the runner itself was built with, and so is a
/// reference to any package in the SDK's dependency closure (Plotly.NET, Microsoft.Data.Analysis, ...). The real
/// kernel restores these packages from NuGet; the runner cannot (no restore at run time, and the kernel itself is
/// not on the package mirror), so anything outside the closure is refused with a clear message.
/// </summary>
internal sealed class HostPackages
{
    private readonly Dictionary<string, Library> libraries;
    private readonly HashSet<string> satisfied;

    private HostPackages(Dictionary<string, Library> libraries, IEnumerable<string> roots)
    {
        this.libraries = libraries;
        satisfied = Closure(roots);
    }

    /// <summary>The package ids a notebook may reference, sorted.</summary>
    public IReadOnlyList<string> Satisfied => [.. satisfied.Order(StringComparer.OrdinalIgnoreCase)];

    /// <summary>Reads the dependency graph of the running application and takes the closure of <paramref name="roots"/>.</summary>
    public static HostPackages ForCurrentProcess(IEnumerable<string> roots)
    {
        var libraries = new Dictionary<string, Library>(StringComparer.OrdinalIgnoreCase);
        string files = AppContext.GetData("APP_CONTEXT_DEPS_FILES") as string ?? "";
        // The host lists its deps files separated by ";" on every OS.
        foreach (var file in files.Split(";", StringSplitOptions.RemoveEmptyEntries).Where(File.Exists))
        {
            if (JsonNode.Parse(File.ReadAllText(file))?["targets"] is not JsonObject targets) continue;
            foreach (var (_, target) in targets)
            {
                foreach (var (key, entry) in target?.AsObject() ?? [])
                {
                    int slash = key.IndexOf('/');
                    if (slash < 0) continue;
                    string[] dependencies = entry?["dependencies"]?.AsObject().Select(d => d.Key).ToArray() ?? [];
                    string[] assemblies = entry?["runtime"]?.AsObject()
                        .Select(a => Path.GetFileNameWithoutExtension(a.Key)).ToArray() ?? [];
                    libraries.TryAdd(key[..slash], new Library(key[(slash + 1)..], dependencies, assemblies));
                }
            }
        }
        return new HostPackages(libraries, roots);
    }

    /// <summary>The assemblies that satisfy <c>#r "nuget: id, version"</c>.</summary>
    /// <exception cref="NotSupportedException">The package is not part of the host, or the notebook asks for a newer version.</exception>
    public IReadOnlyList<Assembly> Resolve(string id, string? version)
    {
        if (!satisfied.Contains(id))
            throw new NotSupportedException(
                $"package '{id}' is not available: the headless runner restores nothing and only provides {string.Join(", ", Satisfied)}. " +
                "Run this notebook in the .NET Interactive kernel, or remove the reference.");
        string hostVersion = libraries[id].Version;
        if (version is not null && NumericPart(version) is { } wanted && NumericPart(hostVersion) is { } have && wanted > have)
            throw new NotSupportedException($"the notebook asks for {id} {version}, but this runner provides {id} {hostVersion}.");
        // As in a NuGet restore, referencing a package references its dependencies too.
        return [.. Closure([id]).SelectMany(p => libraries[p].Assemblies).Select(a => Assembly.Load(new AssemblyName(a)))];
    }

    private HashSet<string> Closure(IEnumerable<string> roots)
    {
        var closure = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var pending = new Stack<string>(roots.Where(libraries.ContainsKey));
        while (pending.TryPop(out var id))
        {
            if (!closure.Add(id)) continue;
            foreach (var dependency in libraries[id].Dependencies)
                if (libraries.ContainsKey(dependency)) pending.Push(dependency);
        }
        return closure;
    }

    // NuGet versions are semver; the numeric prefix is enough to say "newer than the host". Ranges and floating
    // versions ("*", "[1.0,2.0)") do not parse and are accepted.
    private static Version? NumericPart(string version) =>
        Version.TryParse(version.Split('-', '+')[0].Trim(), out var v) ? v : null;

    private sealed record Library(string Version, string[] Dependencies, string[] Assemblies);
}
