using System.Text;
using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.IO.H5ad;
using DigitalCell.Sdk.IO.H5ad.Encodings;
using PureHDF;

namespace DigitalCell.Sdk.IO.H5mu;

/// <summary>
/// Writes a <see cref="MultiCellDataset"/> in the layout mudata writes (<see cref="MuDataLayout"/>): each modality
/// through the h5ad writer into <c>/mod/&lt;name&gt;</c>, the shared tables and maps at the root, and the 512-byte
/// user block that starts with <c>MuData</c>, which is how mudata's reader recognises an h5mu file.
/// </summary>
internal static class H5muWriter
{
    private const int UserBlockSize = 512;

    /// <summary>Writes <paramref name="data"/> to <paramref name="path"/> atomically.</summary>
    public static void Write(MultiCellDataset data, string path, H5adWriteOptions options)
    {
        var writer = new H5adWriter(options);
        var file = new H5File
        {
            Attributes = H5adWriter.Encoding(MuDataLayout.EncodingType, MuDataLayout.EncodingVersion, new()
            {
                ["encoder"] = "DigitalCell.Sdk",
                ["encoder-version"] = EncoderVersion,
                ["axis"] = 0L,
            }),
        };
        var mod = new H5Group { Attributes = new Dictionary<string, object> { ["mod-order"] = data.ModalityNames.ToArray() } };
        foreach (var name in data.ModalityNames)
        {
            var group = new H5Group();
            writer.AddAnnData(group, data[name]);
            mod[name] = group;
        }
        file["mod"] = mod;
        file["obs"] = DataFrameEncoding.Write(writer, data.Obs);
        file["var"] = DataFrameEncoding.Write(writer, data.Var);
        var obsm = data.Obsm.ToDictionary(kv => kv.Key, kv => (object)kv.Value);
        foreach (var (name, map) in data.ObsMap) obsm[name] = map.Select(v => v > 0).ToArray();
        file["obsm"] = writer.Dict(obsm);
        file["varm"] = writer.Dict(data.VarMap.ToDictionary(kv => kv.Key, kv => (object)kv.Value.Select(v => v > 0).ToArray()));
        file["obsmap"] = writer.Dict(data.ObsMap.ToDictionary(kv => kv.Key, kv => (object)kv.Value.Select(v => (uint)v).ToArray()));
        file["varmap"] = writer.Dict(data.VarMap.ToDictionary(kv => kv.Key, kv => (object)kv.Value.Select(v => (uint)v).ToArray()));
        file["obsp"] = writer.Dict([]);
        file["varp"] = writer.Dict([]);
        file["uns"] = writer.Dict(data.Uns);
        AtomicFile.Write(path, temp =>
        {
            try
            {
                file.Write(temp, new H5WriteOptions(UserBlockSize: UserBlockSize));
                WriteUserBlock(temp);
            }
            catch (Exception e) when (e is not DigitalCellException)
            {
                throw new DigitalCellException(path, null, $"cannot write h5mu: {e.Message}", e);
            }
        });
    }

    private static string EncoderVersion => typeof(H5muWriter).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    /// <summary>mudata's header text, padded with NULs to the user block (the HDF5 superblock follows at byte 512).</summary>
    private static void WriteUserBlock(string path)
    {
        var text = Encoding.ASCII.GetBytes($"MuData (format-version={MuDataLayout.EncodingVersion};creator=DigitalCell.Sdk;creator-version={EncoderVersion})");
        var block = new byte[UserBlockSize];
        text.CopyTo(block, 0);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        stream.Write(block);
    }
}
