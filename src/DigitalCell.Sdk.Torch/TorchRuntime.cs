using System.Runtime.InteropServices;
using TorchSharp;

namespace DigitalCell.Sdk.Torch;

/// <summary>Where a neural model runs.</summary>
public enum DevicePreference
{
    /// <summary>CUDA when a CUDA backend and GPU are available, otherwise CPU.</summary>
    Auto,
    /// <summary>Always the CPU.</summary>
    Cpu,
    /// <summary>The first CUDA GPU (fails clearly when none is available).</summary>
    Cuda,
}

/// <summary>
/// Loads the native TorchSharp/libtorch libraries once, turning load failures into actionable messages, and picks the
/// device. The backend is chosen by the application: reference <c>libtorch-cpu-linux-x64</c> for CPU or
/// <c>TorchSharp-cuda-linux</c> on GPU machines.
/// </summary>
public static class TorchRuntime
{
    private static readonly Lazy<Exception?> LoadFailure = new(TryLoad);

    /// <summary>Throws a <see cref="DigitalCellException"/> explaining what to do when libtorch cannot be loaded.</summary>
    public static void EnsureLoaded()
    {
        if (LoadFailure.Value is { } e) throw Explain(e);
    }

    /// <summary>The device for <paramref name="preference"/>.</summary>
    public static torch.Device Resolve(DevicePreference preference)
    {
        EnsureLoaded();
        return preference switch
        {
            DevicePreference.Cpu => torch.CPU,
            DevicePreference.Cuda when !torch.cuda.is_available() => throw new DigitalCellException(
                "device 'cuda' was requested but no CUDA GPU is usable: reference the TorchSharp-cuda-linux package in the application and check `nvidia-smi`, or use device 'auto'/'cpu'"),
            DevicePreference.Cuda => torch.CUDA,
            _ => torch.cuda.is_available() ? torch.CUDA : torch.CPU,
        };
    }

    /// <summary>
    /// The device <paramref name="preference"/> resolves to, as a provenance record names it (<c>cpu</c>, <c>cuda:0</c>),
    /// and the libraries that change numbers on it (TorchSharp's version, the CUDA device count), for
    /// <c>ProvenanceRecord.OnDevice</c>.
    /// </summary>
    public static (string Device, IReadOnlyDictionary<string, string> Libraries) Describe(DevicePreference preference)
    {
        var device = Resolve(preference);
        var libraries = new Dictionary<string, string>
        {
            ["TorchSharp"] = typeof(torch).Assembly.GetName().Version?.ToString() ?? "unknown",
        };
        if (device.type == DeviceType.CUDA) libraries["cuda_devices"] = torch.cuda.device_count().ToString(System.Globalization.CultureInfo.InvariantCulture);
        return (device.type == DeviceType.CUDA ? $"cuda:{Math.Max(device.index, 0)}" : "cpu", libraries);
    }

    /// <summary>Parses "auto", "cpu" or "cuda" (as used by the CLI and notebooks).</summary>
    public static DevicePreference ParseDevice(string text) => text.ToLowerInvariant() switch
    {
        "auto" => DevicePreference.Auto,
        "cpu" => DevicePreference.Cpu,
        "cuda" or "gpu" => DevicePreference.Cuda,
        _ => throw new DigitalCellException($"unknown device '{text}': use auto, cpu or cuda"),
    };

    private static Exception? TryLoad()
    {
        try
        {
            PreloadPatchedLibTorchSharp();
            using var probe = torch.zeros(1);
            return null;
        }
        catch (Exception e) when (e is TypeInitializationException or DllNotFoundException or NotSupportedException or BadImageFormatException)
        {
            return e;
        }
    }

    /// <summary>
    /// In a notebook kernel (.NET Interactive) TorchSharp loads libLibTorchSharp.so straight from the NuGet cache, where
    /// no build step patched it for an older libstdc++ (see build/GlibcxxCompatibility.cs). There, before TorchSharp's
    /// first use, this loads libtorch from the backend package beside TorchSharp and a patched copy of libLibTorchSharp.so
    /// (in a temporary folder; the cache is never changed), so TorchSharp's own load by soname finds it. Applications
    /// built with the package's build targets carry a patched copy in their output and skip this.
    /// </summary>
    private static void PreloadPatchedLibTorchSharp()
    {
        if (!OperatingSystem.IsLinux() || !RuntimeInformation.ProcessArchitecture.Equals(Architecture.X64)) return;
        if (File.Exists(Path.Combine(AppContext.BaseDirectory, "libLibTorchSharp.so"))
            || File.Exists(Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so"))) return;
        if (Build.GlibcxxVersionPatcher.FindSystemLibstdcxx() is not { } libstdcxx || Build.GlibcxxVersionPatcher.Provides(libstdcxx)) return;
        // NuGet layout: PACKAGES/torchsharp/VERSION/lib/TFM/TorchSharp.dll and PACKAGES/libtorch-cpu-linux-x64/VERSION/runtimes/linux-x64/native.
        var package = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(typeof(torch).Assembly.Location) ?? "", "..", ".."));
        var original = Path.Combine(package, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        var backend = Directory.Exists(Path.Combine(package, "..", "..", "libtorch-cpu-linux-x64"))
            ? Directory.GetDirectories(Path.Combine(package, "..", "..", "libtorch-cpu-linux-x64")).Select(v => Path.Combine(v, "runtimes", "linux-x64", "native"))
                .Where(d => File.Exists(Path.Combine(d, "libtorch.so"))).Order(StringComparer.Ordinal).LastOrDefault()
            : null;
        if (!File.Exists(original) || backend is null) return;
        var bytes = File.ReadAllBytes(original);
        if (Build.GlibcxxVersionPatcher.Patch(bytes) != Build.GlibcxxPatchOutcome.Patched) return;
        var folder = Directory.CreateTempSubdirectory("dcell-libtorchsharp-").FullName;
        var patched = Path.Combine(folder, "libLibTorchSharp.so");
        File.WriteAllBytes(patched, bytes);
        foreach (var library in new[] { "libc10.so", "libtorch_cpu.so", "libtorch.so" }) NativeLibrary.Load(Path.Combine(backend, library));
        NativeLibrary.Load(patched);
    }

    internal static DigitalCellException Explain(Exception e)
    {
        var details = string.Join(" | ", Chain(e).Select(x => x.Message));
        var advice = details.Contains("GLIBCXX_3.4.32", StringComparison.Ordinal)
            ? "libLibTorchSharp.so needs GLIBCXX_3.4.32 but the system libstdc++ is older (Debian 12 / Ubuntu 22.04). "
              + "Rebuild the application with DigitalCell.Sdk.Torch's build targets imported (NuGet consumers get them automatically; "
              + "with a ProjectReference add <Import Project=\".../src/DigitalCell.Sdk.Torch/build/DigitalCell.Sdk.Torch.targets\" /> "
              + "to the app's csproj or Directory.Build.targets), which patches the build output's copy; or install libstdc++ from GCC 13+."
            : "the libtorch native libraries could not be loaded. The application must reference a libtorch backend package: "
              + "libtorch-cpu-linux-x64 (CPU) or TorchSharp-cuda-linux (CUDA).";
        return new DigitalCellException($"TorchSharp failed to load: {advice} Details: {details}", e);
    }

    private static IEnumerable<Exception> Chain(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException) yield return x;
    }
}
