using TorchSharp;
using static TorchSharp.torch;

namespace DigitalCell.Sdk.Torch.Tensors;

/// <summary>
/// Tensor sums and differences with a Scalar that lives for the whole process. TorchSharp 0.107's <c>a + b</c> and
/// <c>a - b</c> pass a temporary Scalar 1 (alpha) that the finaliser may free while libtorch still reads it: under memory
/// pressure training failed with "Expected false to be true … toFloat at Scalar.h" (dotnet/TorchSharp#1434).
/// </summary>
internal static class TensorSum
{
    private static readonly Scalar One = 1.0.ToScalar();
    private static readonly Scalar MinusOne = (-1.0).ToScalar();

    /// <summary><paramref name="a"/> + <paramref name="b"/> (broadcasting).</summary>
    public static Tensor Plus(this Tensor a, Tensor b) => a.add(b, One);

    /// <summary><paramref name="a"/> − <paramref name="b"/> (broadcasting).</summary>
    public static Tensor Minus(this Tensor a, Tensor b) => a.add(b, MinusOne);

    /// <summary><paramref name="a"/>² element-wise as a·a: TorchSharp's <c>square()</c> is <c>pow(2)</c> with the same
    /// temporary Scalar (a benchmark run died with "Unknown scalar type" in pow_Tensor_Scalar under load).</summary>
    public static Tensor Squared(this Tensor a) => a.mul(a);
}
