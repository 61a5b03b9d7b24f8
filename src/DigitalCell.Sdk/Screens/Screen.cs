using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.Models;
using DigitalCell.Sdk.Perturbations;

namespace DigitalCell.Sdk.Screens;

/// <summary>
/// An in-silico screen: each candidate perturbation is predicted by every model of an ensemble in the start state
/// (the mean of the given cells), scored by an objective, and ranked by the ensemble-mean effect, with the ensemble's
/// spread as uncertainty. Batches run in parallel (bounded), cancel cleanly and, with a checkpoint folder, resume.
/// </summary>
/// <example>
/// <code>
/// var screen = new Screen([model], thp1Cells, ScreenObjective.Hallmark(priors, "INTERFERON_GAMMA_RESPONSE"));
/// var result = await screen.RunAsync(ScreenCandidates.Genes(PerturbationMode.Knockout, ScreenCandidates.Vocabulary(model)));
/// </code>
/// </example>
public sealed class Screen
{
    private readonly IReadOnlyList<IPerturbationModel> _models;
    private readonly CellDataset _start;

    /// <summary>Creates a screen.</summary>
    /// <param name="models">The ensemble (≥ 1 fitted model; refits on subsamples or seeds give the uncertainty).</param>
    /// <param name="start">Cells of the state to screen from, log-normalised (any gene order; genes the models lack are ignored).</param>
    /// <param name="objective">What to score.</param>
    /// <param name="options">Direction, context, parallelism, checkpoint, known hits.</param>
    /// <exception cref="DigitalCellException">No model, an unfitted model, or no start cells.</exception>
    public Screen(IReadOnlyList<IPerturbationModel> models, CellDataset start, ScreenObjective objective, ScreenOptions? options = null)
    {
        _models = models ?? throw new ArgumentNullException(nameof(models));
        _start = start ?? throw new ArgumentNullException(nameof(start));
        Objective = objective ?? throw new ArgumentNullException(nameof(objective));
        Options = options ?? new ScreenOptions();
        Options.Validate();
        if (models.Count == 0) throw new DigitalCellException("Screen: at least one model is needed.");
        if (models.FirstOrDefault(m => !m.IsFitted) is { } unfitted) throw new DigitalCellException($"Screen: model '{unfitted.Name}' is not fitted.");
        if (start.CellCount == 0) throw new DigitalCellException("Screen: the start state has no cells (check --subset).");
    }

    /// <summary>What is scored.</summary>
    public ScreenObjective Objective { get; }

    /// <summary>How the screen runs.</summary>
    public ScreenOptions Options { get; }

    /// <summary>Runs the screen over <paramref name="candidates"/>.</summary>
    /// <exception cref="OperationCanceledException">Cancelled; finished batches stay in the checkpoint.</exception>
    public async Task<ScreenResult> RunAsync(IReadOnlyList<Perturbation> candidates, IProgress<ScreenProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        if (candidates.Count == 0) throw new DigitalCellException("Screen: no candidates.");
        if (candidates.FirstOrDefault(c => c.IsControl) is { } control) throw new DigitalCellException($"Screen: candidate '{control.Label}' is a control.");
        var duplicate = candidates.GroupBy(c => c.Label, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new DigitalCellException($"Screen: candidate '{duplicate.Key}' is listed twice.");
        var clock = Stopwatch.StartNew();
        var members = _models.Select(m => Member.Prepare(m, _start, Objective, Options.Context)).ToArray();
        using var checkpoint = ScreenCheckpoint.Open(Options.CheckpointDirectory, Fingerprint(candidates));
        var records = new System.Collections.Concurrent.ConcurrentDictionary<string, CandidateRecord>(checkpoint.Finished, StringComparer.Ordinal);
        int resumed = candidates.Count(c => checkpoint.Finished.ContainsKey(c.Label)), done = resumed;
        progress?.Report(new ScreenProgress(done, candidates.Count, resumed));
        var batches = candidates.Where(c => !checkpoint.Finished.ContainsKey(c.Label)).Chunk(Options.BatchSize).ToArray();
        await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = Options.EffectiveParallelism, CancellationToken = cancellationToken }, (batch, token) =>
        {
            token.ThrowIfCancellationRequested();
            var scored = Score(members, batch);
            checkpoint.Append(scored);
            foreach (var r in scored) records[r.Candidate] = r;
            progress?.Report(new ScreenProgress(Interlocked.Add(ref done, batch.Length), candidates.Count, resumed));
            return ValueTask.CompletedTask;
        }).ConfigureAwait(false);
        var known = (Options.KnownHits ?? []).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var ordered = candidates.Select(c => (Candidate: c, Record: records[c.Label], Effect: records[c.Label].Effects.Average()))
            .OrderBy(x => Options.Direction == ScreenDirection.Down ? x.Effect : -x.Effect).ThenBy(x => x.Candidate.Label, StringComparer.Ordinal).ToArray();
        var rows = ordered.Select((x, i) => new ScreenRow(x.Candidate.Label, i + 1, x.Effect, StandardDeviation(x.Record.Effects), x.Record.Effects,
            x.Record.Genes.Zip(x.Record.Changes, (g, d) => new GeneChange(g, d)).ToArray(), x.Record.Informed, x.Candidate.Targets.Any(known.Contains))).ToArray();
        return new ScreenResult(rows, Objective.Description, Options.Direction, _models.Select(m => m.Name).ToArray(), Options.Context,
            members[0].Bound.Missing, _start.CellCount, resumed, clock.Elapsed);
    }

    private CandidateRecord[] Score(Member[] members, Perturbation[] batch)
    {
        var effects = batch.Select(_ => new double[members.Length]).ToArray();
        var changes = batch.Select(_ => new Dictionary<string, double>(StringComparer.OrdinalIgnoreCase)).ToArray();
        var informed = new bool[batch.Length];
        Array.Fill(informed, true);
        for (int m = 0; m < members.Length; m++)
        {
            var member = members[m];
            var prediction = member.Model.Predict(batch, member.Context);
            var profile = new double[member.Genes.Count];
            for (int i = 0; i < batch.Length; i++)
            {
                var row = prediction.Means.Row(i);
                for (int g = 0; g < profile.Length; g++) profile[g] = row[g];
                var targets = batch[i].Targets.ToHashSet(StringComparer.OrdinalIgnoreCase);
                for (int g = 0; g < profile.Length; g++)
                {
                    if (targets.Contains(member.Genes[g])) { profile[g] = member.Baseline[g]; continue; }
                    double d = profile[g] - member.Baseline[g];
                    if (d != 0) changes[i][member.Genes[g]] = changes[i].GetValueOrDefault(member.Genes[g]) + d / members.Length;
                }
                effects[i][m] = member.Bound.Score(profile) - member.BaselineScore;
                informed[i] &= ScreenCandidates.IsInformed(member.Model, batch[i], member.KnownTargets);
            }
        }
        return batch.Select((c, i) =>
        {
            var top = changes[i].OrderByDescending(kv => Math.Abs(kv.Value)).ThenBy(kv => kv.Key, StringComparer.Ordinal).Take(Options.TopGenes).ToArray();
            return new CandidateRecord(c.Label, effects[i], top.Select(kv => kv.Key).ToArray(), top.Select(kv => kv.Value).ToArray(), informed[i]);
        }).ToArray();
    }

    private string Fingerprint(IReadOnlyList<Perturbation> candidates)
    {
        var text = new StringBuilder();
        foreach (var m in _models) text.Append(m.Name).Append('@').Append(m.Card.TrainedAt?.ToString("O")).Append(';');
        text.Append('|').Append(Objective.Description).Append('|').Append(Options.Context).Append('|').Append(_start.CellCount).Append('|').Append(Options.TopGenes);
        foreach (var c in candidates) text.Append('|').Append(c.Mode).Append(':').Append(c.Label);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    private static double StandardDeviation(double[] values)
    {
        if (values.Length < 2) return 0;
        double mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1)); // ddof = 1, as numpy.std(ddof=1)
    }

    /// <summary>One ensemble member bound to the start state: its genes, context, control prediction and objective.</summary>
    private sealed record Member(IPerturbationModel Model, IReadOnlyList<string> Genes, PredictionContext Context, double[] Baseline, BoundObjective Bound, double BaselineScore,
        HashSet<string> KnownTargets)
    {
        public static Member Prepare(IPerturbationModel model, CellDataset start, ScreenObjective objective, string? context)
        {
            var control = Perturbation.Control();
            var trained = model.Predict([control], context is null ? null : new PredictionContext(context));
            var genes = trained.Genes;
            // The start state: the mean of the start cells where they measure a model gene, else the model's own control level.
            var startIndex = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            for (int g = 0; g < start.GeneCount; g++) startIndex.TryAdd(start.GeneNames[g], g);
            var sums = new double[start.GeneCount];
            var row = new float[start.GeneCount];
            for (int i = 0; i < start.CellCount; i++)
            {
                start.X.CopyRow(i, row);
                for (int g = 0; g < row.Length; g++) sums[g] += row[g];
            }
            var mean = new float[genes.Count];
            var own = trained.Means.Row(0);
            for (int g = 0; g < genes.Count; g++)
                mean[g] = startIndex.TryGetValue(genes[g], out int s) ? (float)(sums[s] / start.CellCount) : own[g];
            var prediction = new PredictionContext(context, ControlCells: new DenseCellMatrix(1, genes.Count, mean));
            var baseline = model.Predict([control], prediction).Means.Row(0).ToArray().Select(v => (double)v).ToArray();
            var bound = objective.Bind(genes, start);
            return new Member(model, genes, prediction, baseline, bound, bound.Score(baseline), ScreenCandidates.KnownTargets(model, genes));
        }
    }
}
