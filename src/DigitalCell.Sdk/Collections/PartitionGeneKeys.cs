using DigitalCell.Sdk.IO.H5ad;
using DigitalCell.Sdk.Statistics;

namespace DigitalCell.Sdk.Collections;

/// <summary>
/// The test keys of one context of a <see cref="CellPartition"/>, read from its gene-major parts a block of genes at a
/// time. A part holds one group's cells, so every key of a part gets the part's slot and no array per cell is kept:
/// memory is one block's keys, at most <c>blockKeys</c>, however many cells the context has.
/// </summary>
internal sealed class PartitionGeneKeys : IGeneKeys
{
    private readonly (string File, int Slot)[] _parts;
    private readonly long[] _storedPerGene;
    private readonly (int First, int End)[] _blocks;
    private readonly long _largestBlock;
    private readonly string _otherwise;
    private readonly CancellationToken _cancellationToken;
    private ulong[]? _buffer;

    /// <param name="parts">The parts, each with its group's slot, in the order keys are wanted (each slot's parts in cell order).</param>
    /// <param name="storedPerGene">Stored values of each gene over all the parts.</param>
    /// <param name="blockKeys">Keys per block; a block has at least one gene.</param>
    /// <param name="otherwise">What to do when a part is not gene-major (for the error).</param>
    /// <param name="cancellationToken">Stops a fill between parts.</param>
    public PartitionGeneKeys((string File, int Slot)[] parts, long[] storedPerGene, long blockKeys, string otherwise, CancellationToken cancellationToken)
    {
        _parts = parts;
        _storedPerGene = storedPerGene;
        _otherwise = otherwise;
        _cancellationToken = cancellationToken;
        var blocks = new List<(int, int)>();
        for (int first = 0; first < storedPerGene.Length;)
        {
            int end = first + 1;
            long sum = storedPerGene[first];
            while (end < storedPerGene.Length && sum + storedPerGene[end] <= blockKeys) sum += storedPerGene[end++];
            blocks.Add((first, end));
            _largestBlock = Math.Max(_largestBlock, sum);
            first = end;
        }
        _blocks = [.. blocks];
        long largest = storedPerGene.DefaultIfEmpty().Max();
        if (largest > Array.MaxLength) throw new DigitalCellException($"A gene holds {largest:N0} values in one context, more than one array holds.");
        LargestGene = (int)largest;
    }

    /// <inheritdoc />
    public int LargestGene { get; }

    /// <inheritdoc />
    public IEnumerable<(int First, int End)> Tiles() => _blocks;

    /// <summary>Reads genes [<paramref name="first"/>, <paramref name="end"/>) of every part, one part open at a time.</summary>
    /// <exception cref="DigitalCellException">A part is unreadable, not gene-major, or changed since the stored values were counted.</exception>
    public (int[] Start, ulong[] Keys) Fill(int first, int end)
    {
        if (_buffer is null)
        {
            if (_largestBlock > Array.MaxLength) throw new DigitalCellException($"A block of genes holds {_largestBlock:N0} values, more than one array holds; lower the memory budget.");
            // the previous context's buffer is garbage by now, but the GC may grow the heap rather than collect it
            // first, holding two buffers at once; the live heap is small, so a collection here is cheap
            System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect();
            _buffer = GC.AllocateUninitializedArray<ulong>((int)_largestBlock);
        }
        int genes = end - first;
        var start = new int[genes + 1];
        for (int g = 0; g < genes; g++) start[g + 1] = start[g] + (int)_storedPerGene[first + g];
        var next = start[..genes];
        foreach (var (file, slot) in _parts)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            using var part = GeneMajorMatrix.Open(file, _otherwise);
            var (offsets, values) = part.ReadGenes(first, end);
            for (int g = 0; g < genes; g++)
            {
                if (offsets[g + 1] - offsets[g] > start[g + 1] - next[g])
                    throw new DigitalCellException(file, null, "changed while the tests read it; rerun the tests");
                for (int k = offsets[g]; k < offsets[g + 1]; k++)
                    if (values[k] != 0f) _buffer[next[g]++] = RankSumTest.Key(values[k], slot);
            }
        }
        // explicit zeros were counted but not kept: close the gaps so that each gene's keys follow the last gene's
        int at = 0;
        for (int g = 0; g < genes; g++)
        {
            int count = next[g] - start[g];
            Array.Copy(_buffer, start[g], _buffer, at, count);
            start[g] = at; // start[g + 1] still holds where the next gene's keys were read to
            at += count;
        }
        start[genes] = at;
        return (start, _buffer);
    }
}
