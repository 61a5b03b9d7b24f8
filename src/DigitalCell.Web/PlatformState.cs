using System.Diagnostics;
using DigitalCell.Sdk;
using DigitalCell.Sdk.GeneKnowledge;
using Microsoft.Extensions.Logging;

namespace DigitalCell.Web;

/// <summary>
/// What the platform serves, filled once at start on a background task so the server answers (health 503) while data
/// sets load and models fit; requests other than health get 503 until <see cref="IsReady"/>.
/// </summary>
internal sealed class PlatformState
{
    private volatile Snapshot? _snapshot;
    private volatile string _status = "starting";
    private volatile string? _failure;

    /// <summary>True once every data set is prepared and every model fitted (or skipped with a logged reason).</summary>
    public bool IsReady => _snapshot is not null;

    /// <summary>One line saying what start-up is doing, or why it failed.</summary>
    public string Status => _failure ?? _status;

    /// <summary>True when start-up failed (nothing can be served).</summary>
    public bool Failed => _failure is not null;

    /// <summary>The served data sets and models; throws when not ready (endpoints check <see cref="IsReady"/> first).</summary>
    public Snapshot Current => _snapshot ?? throw new InvalidOperationException("The platform is not ready.");

    /// <summary>The gene priors (program scores, prior models), or null when none were found.</summary>
    public GenePriors? Priors { get; private set; }

    /// <summary>Seconds start-up took, once ready.</summary>
    public double StartSeconds { get; private set; }

    /// <summary>Loads, prepares and fits everything; failures of single models are logged and skipped, a data set failure stops start-up.</summary>
    public async Task StartAsync(WebPlatformSources sources, WebPlatformOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            _status = "loading gene priors";
            Priors = sources.Priors is null ? null : await sources.Priors(cancellationToken);
            if (Priors is null) logger.LogWarning("No gene priors: program scores and prior models are off.");
            var datasets = new List<ServedDataset>();
            var models = new List<ServedModel>();
            foreach (var load in sources.Data)
            {
                _status = $"loading data set {datasets.Count + 1} of {sources.Data.Count}";
                var data = await load(cancellationToken);
                if (datasets.Any(d => d.Id == data.Id)) throw new DigitalCellException($"Data set '{data.Id}' is served twice.");
                _status = $"preparing '{data.Id}'";
                var dataset = await Task.Run(() => ServedDataset.Prepare(data, Priors?.Genes, options.EmbeddingCells, seed: 0, cancellationToken), cancellationToken);
                datasets.Add(dataset);
                logger.LogInformation("Data set {Id}: {Cells} cells × {Genes} genes, {Contexts} context(s); {Note}", dataset.Id, dataset.Data.CellCount, dataset.Data.GeneCount, dataset.Contexts.Count, dataset.ScaleNote);
                foreach (var source in sources.Models)
                {
                    _status = $"fitting '{source.Id}' on '{data.Id}'";
                    try
                    {
                        var fitted = await Task.Run(() => ServedModel.Fit(source, dataset, Priors, cancellationToken), cancellationToken);
                        models.Add(fitted);
                        logger.LogInformation("Model {Model} on {Data}: sha {Sha}, {Genes} genes in its vocabulary", fitted.Id, dataset.Id, fitted.Sha, fitted.Vocabulary.Count);
                    }
                    catch (DigitalCellException e)
                    {
                        logger.LogWarning("Model {Model} is not served on {Data}: {Reason}", source.Id, dataset.Id, e.Message);
                    }
                }
            }
            if (datasets.Count == 0) throw new DigitalCellException("No data set to serve: pass --data ID|PATH, or make a catalog data set available locally (--mirror, DIGITALCELL_MIRROR).");
            if (models.Count == 0) throw new DigitalCellException("No model could be fitted on the served data sets; see the warnings above.");
            StartSeconds = clock.Elapsed.TotalSeconds;
            _snapshot = new Snapshot(datasets, models);
            _status = "ready";
            logger.LogInformation("Ready in {Seconds:0.0} s: {Datasets} data set(s), {Models} model(s).", StartSeconds, datasets.Count, models.Count);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            _failure = "stopped during start-up";
        }
        catch (Exception e) when (e is DigitalCellException or IOException or UnauthorizedAccessException)
        {
            _failure = "start-up failed: " + e.Message;
            logger.LogError("{Failure}", _failure);
        }
        catch (Exception e)
        {
            // A bug, not bad input: health must still say that start-up stopped rather than "loading" for ever.
            _failure = $"start-up failed with an internal error ({e.GetType().Name}); see the server log.";
            logger.LogError(e, "Start-up failed");
        }
    }

    /// <summary>The served data sets and models, fixed once ready.</summary>
    internal sealed record Snapshot(IReadOnlyList<ServedDataset> Datasets, IReadOnlyList<ServedModel> Models)
    {
        /// <summary>The data set with this id, or null.</summary>
        public ServedDataset? Dataset(string? id) => Datasets.FirstOrDefault(d => d.Id == id);

        /// <summary>The model with this id fitted on <paramref name="dataset"/>, or null.</summary>
        public ServedModel? Model(string? id, ServedDataset dataset) => Models.FirstOrDefault(m => m.Id == id && m.Dataset == dataset);

        /// <summary>The model ids, in the order they were given (the first is the default).</summary>
        public IReadOnlyList<string> ModelIds => Models.Select(m => m.Id).Distinct(StringComparer.Ordinal).ToArray();
    }
}

/// <summary>Where the platform's data, models and priors come from; each is loaded once at start.</summary>
/// <param name="Data">Loaders of the data sets; the first is the default.</param>
/// <param name="Models">The models; the first is the default.</param>
/// <param name="Priors">Loader of the gene priors (null result: none).</param>
public sealed record WebPlatformSources(
    IReadOnlyList<Func<CancellationToken, Task<ServedData>>> Data,
    IReadOnlyList<ServedModelSource> Models,
    Func<CancellationToken, Task<GenePriors?>>? Priors = null);
