namespace DigitalCell.Sdk;

/// <summary>
/// Derives the seed of each random step (a training step's shuffle, the validation draw, a bootstrap) from one root
/// seed and the step's purpose, the same in every process and on every machine: SplitMix64 (Steele, Lea &amp; Flood,
/// OOPSLA 2014) over the root seed, a 64-bit FNV-1a hash of the purpose and an index. Never derive seeds from
/// <c>HashCode.Combine</c> or <c>string.GetHashCode</c>: .NET randomises both per process, so a rerun would differ.
/// </summary>
public static class Seeds
{
    /// <summary>A non-negative 31-bit seed for <c>new Random(...)</c>, determined by (seed, purpose, index) alone.</summary>
    /// <param name="seed">The root seed the user chose.</param>
    /// <param name="purpose">What the randomness is for, e.g. <c>"validation"</c> or <c>"step"</c>.</param>
    /// <param name="index">A counter within the purpose (e.g. the training step).</param>
    public static int Derive(long seed, string purpose, long index = 0)
    {
        ArgumentNullException.ThrowIfNull(purpose);
        ulong state = unchecked((ulong)seed ^ Fnv1a(purpose));
        state = Mix(state + unchecked((ulong)index * 0x9E3779B97F4A7C15UL));
        return (int)(Mix(state) >> 33);
    }

    /// <summary>The SplitMix64 output function of <paramref name="x"/> advanced by the golden-ratio increment.</summary>
    internal static ulong Mix(ulong x)
    {
        unchecked
        {
            ulong z = x + 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }

    private static ulong Fnv1a(string text)
    {
        unchecked
        {
            ulong hash = 0xCBF29CE484222325UL;
            foreach (char c in text)
            {
                hash = (hash ^ (byte)c) * 0x100000001B3UL;
                hash = (hash ^ (byte)(c >> 8)) * 0x100000001B3UL;
            }
            return hash;
        }
    }
}
