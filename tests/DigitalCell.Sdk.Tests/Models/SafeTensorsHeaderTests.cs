using System.Buffers.Binary;
using System.Text;
using DigitalCell.Sdk.Models;

namespace DigitalCell.Sdk.Tests.Models;

/// <summary>Hostile safetensors headers are errors naming the file and the tensor, never another exception type.</summary>
public class SafeTensorsHeaderTests
{
    private static byte[] File(string header, int dataBytes)
    {
        var json = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + json.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)json.Length);
        json.CopyTo(bytes, 8);
        return bytes;
    }

    [TestCase("""{"w":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,16]}}""", "malformed header entry")]
    [TestCase("""{"w":{"dtype":"F32","shape":[-2,-2],"data_offsets":[0,16]}}""", "negative dimension")]
    [TestCase("""{"w":{"dtype":"F32","shape":["4"],"data_offsets":[0,16]}}""", "malformed header entry")]
    [TestCase("""{"w":{"dtype":7,"shape":[4],"data_offsets":[0,16]}}""", "malformed header entry")]
    [TestCase("""{"w":{"dtype":"7","shape":[4],"data_offsets":[0,16]}}""", "unsupported dtype '7'")]
    [TestCase("""{"w":{"dtype":"F32","shape":[4],"data_offsets":{"a":1}}}""", "malformed header entry")]
    [TestCase("""{"__metadata__":{"k":[1]},"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}""", "malformed header entry")]
    [TestCase("""{"w":{"dtype":"F32","shape":[1e30],"data_offsets":[0,16]}}""", "malformed header entry")]
    [TestCase("""{"w":{"dtype":"F32","shape":[4294967296,4294967296,4294967296],"data_offsets":[0,16]}}""", "malformed header entry")]
    [TestCase("""{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,4096]}}""", "lie outside the 16 data bytes")]
    [TestCase("""{"w":{"dtype":"F32","shape":[4],"data_offsets":[16,0]}}""", "lie outside the 16 data bytes")]
    [TestCase("""{"w":{"dtype":"F32","shape":[4],"data_offsets":[-16,0]}}""", "lie outside the 16 data bytes")]
    [TestCase("""{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}""", "header")]
    [TestCase("""{"w":{"dtype":"F64","shape":[4],"data_offsets":[0,16]}}""", "needs 32")]
    [TestCase("""{"w":{"dtype":null,"shape":[4],"data_offsets":[0,16]}}""", "unsupported dtype")]
    [TestCase("""{"w":{"dtype":"F32","shape":null,"data_offsets":[0,16]}}""", "missing 'shape'")]
    [TestCase("""{"w":[1,2]}""", "not a JSON object")]
    public void HostileHeaderIsAnErrorNamingFileAndTensor(string header, string problem)
    {
        var e = Assert.Throws<DigitalCellException>(() => SafeTensors.Parse(File(header, 16), "model.safetensors"))!;
        Assert.That(e.Message, Does.StartWith("model.safetensors: "));
        Assert.That(e.Message, Does.Contain(problem));
    }
}
