namespace DigitalCell.Sdk.Torch.BaseModel;

/// <summary>How a base model's weights are stored in its <c>model.safetensors</c> (the safetensors dtype says which).</summary>
public enum WeightPrecision
{
    /// <summary>IEEE single precision (F32), as trained.</summary>
    Float32,
    /// <summary>bfloat16 (BF16): float32's exponent range, 8 significant bits; round to nearest even.</summary>
    BFloat16,
    /// <summary>IEEE half precision (F16): 11 significant bits, largest value 65,504.</summary>
    Float16,
    /// <summary>
    /// Symmetric int8 per output channel: each row r of a weight matrix is stored as round(w / s_r) in [−127, 127] (I8)
    /// with s_r = max|w_r| / 127 in the float32 tensor <c>NAME.scale</c>; vectors (biases, norms) stay float32.
    /// </summary>
    Int8,
}
