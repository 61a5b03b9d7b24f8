using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.Perturbations;

namespace DigitalCell.Sdk.Torch.BaseModel;

/// <summary>
/// The training data of a base model as parts, one per data set, each in its own gene panel: cells stay in their
/// part's dense block (no tensor ever holds more than one step's sets), and the shared vocabulary, context and agent
/// names index the network's tables. A sharded collection would be one more part per shard.
/// </summary>
internal sealed class PerturbationCorpus
{
    public required IReadOnlyList<CorpusPart> Parts { get; init; }
    public required IReadOnlyList<string> Genes { get; init; }
    public required IReadOnlyList<string> Contexts { get; init; }
    public required IReadOnlyList<string> Agents { get; init; }
    /// <summary>The protein vocabulary: every part's markers, in part order (empty when no part measures protein).</summary>
    public IReadOnlyList<string> Markers { get; init; } = [];

    /// <summary>Perturbations with these modes target genes (tokens from the vocabulary); the others are learned agent tokens.</summary>
    public static bool IsGenetic(PerturbationMode mode) => mode is PerturbationMode.Knockout or PerturbationMode.CRISPRi or PerturbationMode.CRISPRa;

    public static string DataToken(string id) => "data:" + id;
    public static string ContextToken(string context) => "context:" + context;

    /// <summary>
    /// Builds the parts, then the vocabulary (panel genes in part order, then genetic targets measured nowhere), contexts and
    /// agents. <paramref name="known"/> (a trained model's tables, when fine-tuning it) come first, in their order, so its
    /// rows keep their indices and the corpus's new names are appended after them.
    /// </summary>
    public static PerturbationCorpus Build(IEnumerable<PartInput> inputs, KnownNames? known = null)
    {
        var raw = inputs.Select(RawPart.From).ToList();
        var genes = new List<string>();
        var geneIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        void AddGene(string g) { if (geneIndex.TryAdd(g, genes.Count)) genes.Add(g); }
        foreach (var g in known?.Genes ?? []) AddGene(g);
        foreach (var p in raw) foreach (var g in p.Input.Data.GeneNames) AddGene(g);
        foreach (var p in raw) foreach (var s in p.Sets.Where(s => IsGenetic(s.Mode))) foreach (var t in s.Targets) AddGene(t);
        var contexts = (known?.Contexts ?? []).Concat(raw.SelectMany(p => p.ContextNames.Select(ContextToken).Prepend(DataToken(p.Input.Id)))).Distinct().ToList();
        var agents = (known?.Agents ?? []).Concat(raw.SelectMany(p => p.Sets).Where(s => !IsGenetic(s.Mode)).SelectMany(s => s.Targets)
            .Except(known?.Agents ?? []).Distinct().Order(StringComparer.Ordinal)).ToList();
        var contextIndex = contexts.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i, StringComparer.Ordinal);
        var agentIndex = agents.Select((a, i) => (a, i)).ToDictionary(x => x.a, x => x.i, StringComparer.Ordinal);
        var markers = raw.SelectMany(p => p.Input.Protein?.GeneNames ?? []).Distinct(StringComparer.Ordinal).ToList();
        var markerIndex = markers.Select((m, i) => (m, i)).ToDictionary(x => x.m, x => x.i, StringComparer.Ordinal);
        var parts = raw.Select(p => p.Finish(geneIndex, contextIndex, agentIndex, markerIndex)).ToList();
        return new PerturbationCorpus { Parts = parts, Genes = genes, Contexts = contexts, Agents = agents, Markers = markers };
    }

    /// <summary>The names a trained model's gene, context and agent tables already hold, in row order.</summary>
    public sealed record KnownNames(IReadOnlyList<string> Genes, IReadOnlyList<string> Contexts, IReadOnlyList<string> Agents);

    /// <summary>What a part is made from: the cells, how they are labelled, which labels to train on (null: all), and their protein (null: not measured).</summary>
    public sealed record PartInput(string Id, CellDataset Data, PerturbationSchema Schema, IReadOnlyDictionary<string, PerturbationMode>? ModeByContext,
        IReadOnlySet<string>? Labels, CellDataset? Protein = null);

    private sealed record RawSet(string Label, string Context, string[] Targets, PerturbationMode Mode, int[] Rows);

    private sealed record RawPart(PartInput Input, IReadOnlyList<RawSet> Sets, Dictionary<string, int[]> Controls, string[] ContextNames)
    {
        public static RawPart From(PartInput input)
        {
            var data = input.Data;
            var schema = input.Schema;
            var labels = data.Obs.Categorical(schema.PerturbationColumn);
            var contextColumn = schema.ContextColumn is { } c && data.Obs.Contains(c) ? data.Obs[c] : null;
            var groups = new Dictionary<(string Label, string Context), List<int>>();
            for (int r = 0; r < data.CellCount; r++)
            {
                var label = labels[r];
                if (label is null) continue;
                bool control = schema.IsControlLabel(label);
                if (!control && input.Labels is { } keep && !keep.Contains(label)) continue; // e.g. a benchmark's test fold
                var key = (control ? "" : label, contextColumn?.GetText(r) ?? "");
                if (!groups.TryGetValue(key, out var rows)) groups[key] = rows = [];
                rows.Add(r);
            }
            var controls = groups.Where(kv => kv.Key.Label == "").ToDictionary(kv => kv.Key.Context, kv => kv.Value.ToArray(), StringComparer.Ordinal);
            if (controls.Count == 0)
                throw new DigitalCellException($"data set '{input.Id}': no control cells labelled {string.Join(" or ", schema.ControlLabels)}; the base model maps control sets to perturbed sets");
            var sets = groups.Where(kv => kv.Key.Label != "").OrderBy(kv => kv.Key.Context, StringComparer.Ordinal).ThenBy(kv => kv.Key.Label, StringComparer.Ordinal)
                .Select(kv =>
                {
                    var p = Perturbation.Parse(kv.Key.Label, schema);
                    var mode = input.ModeByContext?.GetValueOrDefault(kv.Key.Context, p.Mode) ?? p.Mode;
                    return new RawSet(kv.Key.Label, kv.Key.Context, p.Targets.ToArray(), mode, kv.Value.ToArray());
                }).ToList();
            var names = groups.Keys.Select(k => k.Context).Where(n => n.Length > 0).Distinct().Order(StringComparer.Ordinal).ToArray();
            return new RawPart(input, sets, controls, names);
        }

        public CorpusPart Finish(Dictionary<string, int> genes, Dictionary<string, int> contexts, Dictionary<string, int> agents, Dictionary<string, int> markers)
        {
            var data = Input.Data;
            int g = data.GeneCount;
            var cells = new float[(long)data.CellCount * g];
            for (int r = 0; r < data.CellCount; r++) data.X.CopyRow(r, cells.AsSpan(r * g, g));
            int[] ContextRows(string context) => context.Length == 0
                ? [contexts[DataToken(Input.Id)]]
                : [contexts[DataToken(Input.Id)], contexts[ContextToken(context)]];
            var sets = Sets.Select(s => new CorpusSet(s.Label, s.Context, s.Mode, s.Rows, ContextRows(s.Context),
                IsGenetic(s.Mode) ? s.Targets.Select(t => (long)genes[t]).ToArray() : [],
                IsGenetic(s.Mode) ? [] : s.Targets.Select(t => (long)agents[t]).ToArray())).ToList();
            return new CorpusPart
            {
                Id = Input.Id, Cells = cells, Panel = data.GeneNames.Select(n => (long)genes[n]).ToArray(), Sets = sets,
                Controls = Controls, AllControls = Controls.Values.SelectMany(r => r).Order().ToArray(),
                ControlContexts = Controls.Keys.Order(StringComparer.Ordinal).ToDictionary(c => c, ContextRows, StringComparer.Ordinal),
                Protein = Input.Protein is { } protein ? ProteinBlock.From(Input.Id, data, protein, markers) : null,
            };
        }
    }
}

/// <summary>One data set of the corpus in its own gene panel.</summary>
internal sealed class CorpusPart
{
    public required string Id { get; init; }
    /// <summary>Cells × panel genes, row-major.</summary>
    public required float[] Cells { get; init; }
    /// <summary>Vocabulary index of each panel gene.</summary>
    public required long[] Panel { get; init; }
    public required IReadOnlyList<CorpusSet> Sets { get; init; }
    /// <summary>Control rows by context ("" when the data set has no context column).</summary>
    public required IReadOnlyDictionary<string, int[]> Controls { get; init; }
    public required int[] AllControls { get; init; }
    /// <summary>Context-table rows of each control context.</summary>
    public required IReadOnlyDictionary<string, int[]> ControlContexts { get; init; }
    /// <summary>The cells' protein; null when the data set measures none (no protein input, no protein loss).</summary>
    public ProteinBlock? Protein { get; init; }

    public int GeneCount => Panel.Length;
    public int CellCount => Cells.Length / GeneCount;

    /// <summary>The controls of <paramref name="context"/>, or all of the part's when that context has none.</summary>
    public int[] ControlsOf(string context) => Controls.TryGetValue(context, out var rows) ? rows : AllControls;

    /// <summary>Copies <paramref name="rows"/> into <paramref name="target"/> at <paramref name="offset"/> (cells × panel genes).</summary>
    public void Gather(IEnumerable<int> rows, float[] target, int offset)
    {
        foreach (var r in rows)
        {
            Cells.AsSpan(r * GeneCount, GeneCount).CopyTo(target.AsSpan(offset, GeneCount));
            offset += GeneCount;
        }
    }
}

/// <summary>The cells of one perturbation in one context, with its token indices.</summary>
internal sealed record CorpusSet(string Label, string Context, PerturbationMode Mode, int[] Rows, int[] ContextRows, long[] Genes, long[] Agents);
