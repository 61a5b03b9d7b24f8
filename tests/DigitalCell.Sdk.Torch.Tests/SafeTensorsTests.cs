using System.Text;
using DigitalCell.Sdk.Models;

namespace DigitalCell.Sdk.Torch.Tests;

public class SafeTensorsTests
{
    [Test]
    public void RoundTripsTensorsAndMetadata()
    {
        var path = Path.Combine(TestData.TempDirectory(), "t.safetensors");
        SafeTensors.Write(path, [SafeTensor.FromFloats("a", [2, 3], [1, 2, 3, 4, 5, 6]), SafeTensor.FromFloats("scalar", [], [7])],
            new Dictionary<string, string> { ["k"] = "v" });
        var file = SafeTensors.Read(path);
        Assert.That(file["a"].Shape, Is.EqualTo(new long[] { 2, 3 }));
        Assert.That(file["a"].ToFloats(), Is.EqualTo(new float[] { 1, 2, 3, 4, 5, 6 }));
        Assert.That(file["scalar"].ToFloats(), Is.EqualTo(new float[] { 7 }));
        Assert.That(file.Metadata["k"], Is.EqualTo("v"));
        var headerLength = BitConverter.ToUInt64(File.ReadAllBytes(path), 0);
        Assert.That(headerLength % 8, Is.EqualTo(0UL), "header padded to 8 bytes like the reference writer");
    }

    [Test]
    public void HandCheckedHeaderIsParsed()
    {
        // {"x":{"dtype":"F64","shape":[2],"data_offsets":[0,16]}} followed by 1.5 and -2.0 as doubles.
        var json = Encoding.UTF8.GetBytes("{\"x\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,16]}}");
        var bytes = BitConverter.GetBytes((ulong)json.Length).Concat(json).Concat(BitConverter.GetBytes(1.5)).Concat(BitConverter.GetBytes(-2.0)).ToArray();
        Assert.That(SafeTensors.Parse(bytes, "mem")["x"].ToFloats(), Is.EqualTo(new float[] { 1.5f, -2f }));
    }

    [Test]
    public void TruncatedFileNamesTheTensorAndTheProblem()
    {
        var bytes = SafeTensors.Serialize([SafeTensor.FromFloats("w", [4], [1, 2, 3, 4])]);
        var e = Assert.Throws<DigitalCellException>(() => SafeTensors.Parse(bytes[..^4], "w.safetensors"));
        Assert.That(e!.Message, Does.Contain("w.safetensors").And.Contain("w").And.Contain("truncated"));
    }

    [Test]
    public void FileWrittenByPyTorchIsRead()
    {
        var dir = TestData.TempDirectory();
        var path = Path.Combine(dir, "torch.safetensors");
        var script = Path.Combine(dir, "write.py");
        File.WriteAllText(script, $$"""
            import sys; sys.path.insert(0, "{{Path.Combine(TestData.RepoRoot, "benchmarks/peers")}}")
            import torch
            from torch_perturbation_net import write_safetensors
            write_safetensors(sys.argv[1], {"w": torch.arange(6, dtype=torch.float32).reshape(2, 3) / 4})
            """);
        TestData.Python(script, path);
        var w = SafeTensors.Read(path)["w"];
        Assert.That(w.Shape, Is.EqualTo(new long[] { 2, 3 }));
        Assert.That(w.ToFloats(), Is.EqualTo(new[] { 0f, 0.25f, 0.5f, 0.75f, 1f, 1.25f }));
    }
}
