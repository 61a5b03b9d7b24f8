using System.Text.Json.Nodes;
using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.Tests.IO.H5ad;

namespace DigitalCell.Sdk.Tests.IO.H5mu;

/// <summary>
/// The Python side of the h5mu tests (<c>peers/h5mu_peer.py</c>): h5py + anndata 0.8 reading and writing the mudata
/// layout, each <c>/mod/&lt;name&gt;</c> through anndata's own <c>read_elem</c>/<c>write_elem</c> (mudata is not installable here).
/// </summary>
internal static class H5muPeer
{
    /// <summary>What Python read from an h5mu file: the root and one <see cref="AnndataPeer.Dump"/> per modality.</summary>
    public sealed record Dump(JsonObject Root, Dictionary<string, AnndataPeer.Dump> Modalities);

    /// <summary>Reads <paramref name="h5mu"/> on the Python side.</summary>
    public static Dump Read(string h5mu)
    {
        AnndataPeer.RequireAnndata();
        string dir = Path.Combine(Path.GetTempPath(), "dcell-h5mu-dump-" + Guid.NewGuid().ToString("N"));
        try
        {
            AnndataPeer.RunPython(AnndataPeer.PeerScript("h5mu_peer.py"), "dump", h5mu, dir);
            var root = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "root.json")))!.AsObject();
            var modalities = root["mods"]!.AsArray().Select(n => (string)n!).ToDictionary(m => m, m =>
            {
                string modDir = Path.Combine(dir, "mod", m);
                return new AnndataPeer.Dump(JsonNode.Parse(File.ReadAllText(Path.Combine(modDir, "dump.json")))!.AsObject(), modDir);
            });
            return new Dump(root, modalities);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Writes the peer's small two-modality h5mu file to <paramref name="h5mu"/>.</summary>
    public static void Write(string h5mu)
    {
        AnndataPeer.RequireAnndata();
        AnndataPeer.RunPython(AnndataPeer.PeerScript("h5mu_peer.py"), "write", h5mu);
    }

    /// <summary>Asserts that <paramref name="ours"/> holds exactly what Python read.</summary>
    public static void AssertSame(MultiCellDataset ours, Dump theirs)
    {
        var root = theirs.Root;
        Assert.That(ours.ModalityNames, Is.EqualTo(root["mods"]!.AsArray().Select(n => (string)n!)), "modality order");
        AnndataPeer.AssertFrame(ours.Obs, root["obs"]!.AsObject());
        AnndataPeer.AssertFrame(ours.Var, root["var"]!.AsObject());
        foreach (var name in ours.ModalityNames)
        {
            Assert.That(ours.ObsMap[name], Is.EqualTo(root["obsmap"]![name]!.AsArray().Select(n => (int)n!)), $"obsmap {name}");
            Assert.That(ours.VarMap[name], Is.EqualTo(root["varmap"]![name]!.AsArray().Select(n => (int)n!)), $"varmap {name}");
            AnndataPeer.AssertSame(ours[name], theirs.Modalities[name]);
        }
        var embeddings = root["obsm"]!.AsObject().Where(kv => !ours.ModalityNames.Contains(kv.Key)).ToList();
        Assert.That(ours.Obsm.Keys.Order(), Is.EqualTo(embeddings.Select(kv => kv.Key).Order()), "shared obsm");
        foreach (var (key, spec) in embeddings)
            Assert.That(ours.Obsm[key].Values.ToArray().Select(v => (double)v), Is.EqualTo(spec!["values"]!.AsArray().Select(n => (double)n!)), $"obsm {key}");
        AnndataPeer.AssertUns(ours.Uns, root["uns"]!["items"]!.AsObject(), "uns");
    }
}
