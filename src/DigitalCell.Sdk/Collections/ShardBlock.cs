using DigitalCell.Sdk.Data;

namespace DigitalCell.Sdk.Collections;

/// <summary>Consecutive selected rows of one shard, in the collection's gene space.</summary>
/// <param name="Shard">The shard's position in the collection.</param>
/// <param name="Rows">Each row's position within its shard.</param>
/// <param name="X">The rows (one per entry of <paramref name="Rows"/>), columns = the collection's genes.</param>
internal readonly record struct ShardBlock(int Shard, int[] Rows, SparseCellMatrix X);
