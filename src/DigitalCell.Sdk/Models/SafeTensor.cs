using System.Runtime.InteropServices;

namespace DigitalCell.Sdk.Models;

/// <summary>Element types of the safetensors format (the names are the format's own dtype strings).</summary>
public enum SafeTensorDType
{
    /// <summary>Boolean, one byte.</summary>
    BOOL,
    /// <summary>Unsigned 8-bit integer.</summary>
    U8,
    /// <summary>Signed 8-bit integer.</summary>
    I8,
    /// <summary>Signed 16-bit integer.</summary>
    I16,
    /// <summary>Signed 32-bit integer.</summary>
    I32,
    /// <summary>Signed 64-bit integer.</summary>
    I64,
    /// <summary>IEEE half precision.</summary>
    F16,
    /// <summary>bfloat16 (the upper half of a float32).</summary>
    BF16,
    /// <summary>IEEE single precision.</summary>
    F32,
    /// <summary>IEEE double precision.</summary>
    F64,
}

/// <summary>
/// One named tensor of a safetensors file: element type, shape (row-major, C order) and the raw little-endian bytes.
/// </summary>
/// <param name="Name">The tensor's key in the file, e.g. <c>encoder.0.weight</c>.</param>
/// <param name="DType">The element type.</param>
/// <param name="Shape">The dimensions; empty for a scalar.</param>
/// <param name="Data">Raw little-endian element bytes; length = element count × element size.</param>
public sealed record SafeTensor(string Name, SafeTensorDType DType, long[] Shape, byte[] Data)
{
    /// <summary>Number of elements (the product of <see cref="Shape"/>; 1 for a scalar).</summary>
    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);

    /// <summary>Bytes per element of <paramref name="dtype"/>.</summary>
    public static int ElementSize(SafeTensorDType dtype) => dtype switch
    {
        SafeTensorDType.BOOL or SafeTensorDType.U8 or SafeTensorDType.I8 => 1,
        SafeTensorDType.I16 or SafeTensorDType.F16 or SafeTensorDType.BF16 => 2,
        SafeTensorDType.I32 or SafeTensorDType.F32 => 4,
        _ => 8,
    };

    /// <summary>A float32 tensor from values in row-major order.</summary>
    public static SafeTensor FromFloats(string name, long[] shape, ReadOnlySpan<float> values) =>
        new(name, SafeTensorDType.F32, shape, MemoryMarshal.AsBytes(values).ToArray());

    /// <summary>The elements as float32 (F32 as stored; F64, F16, BF16 and integer types converted).</summary>
    public float[] ToFloats()
    {
        var n = checked((int)ElementCount);
        var result = new float[n];
        var bytes = Data.AsSpan();
        switch (DType)
        {
            case SafeTensorDType.F32: MemoryMarshal.Cast<byte, float>(bytes).CopyTo(result); break;
            case SafeTensorDType.F64: { var d = MemoryMarshal.Cast<byte, double>(bytes); for (int i = 0; i < n; i++) result[i] = (float)d[i]; break; }
            case SafeTensorDType.F16: { var h = MemoryMarshal.Cast<byte, Half>(bytes); for (int i = 0; i < n; i++) result[i] = (float)h[i]; break; }
            // bfloat16 is the top 16 bits of an IEEE float32.
            case SafeTensorDType.BF16: { var u = MemoryMarshal.Cast<byte, ushort>(bytes); for (int i = 0; i < n; i++) result[i] = BitConverter.Int32BitsToSingle(u[i] << 16); break; }
            case SafeTensorDType.I64: { var l = MemoryMarshal.Cast<byte, long>(bytes); for (int i = 0; i < n; i++) result[i] = l[i]; break; }
            case SafeTensorDType.I32: { var l = MemoryMarshal.Cast<byte, int>(bytes); for (int i = 0; i < n; i++) result[i] = l[i]; break; }
            case SafeTensorDType.I16: { var l = MemoryMarshal.Cast<byte, short>(bytes); for (int i = 0; i < n; i++) result[i] = l[i]; break; }
            case SafeTensorDType.I8: for (int i = 0; i < n; i++) result[i] = (sbyte)bytes[i]; break;
            default: for (int i = 0; i < n; i++) result[i] = bytes[i]; break;
        }
        return result;
    }
}
