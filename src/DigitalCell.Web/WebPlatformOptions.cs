namespace DigitalCell.Web;

/// <summary>How <c>dcell serve</c> listens and what it allows per request. The defaults suit a researcher's own machine.</summary>
public sealed record WebPlatformOptions
{
    /// <summary>Address to bind; loopback by default. Any other address needs <see cref="ApiKey"/>.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>TCP port (0 = any free port, as the tests use).</summary>
    public int Port { get; init; } = 5000;

    /// <summary>Key every <c>/api/v1</c> request except health must carry (<c>X-Api-Key</c> header); null = none (loopback only).</summary>
    public string? ApiKey { get; init; }

    /// <summary>Largest request body accepted (bytes); larger bodies are answered 413.</summary>
    public long MaxRequestBytes { get; init; } = 16 * 1024;

    /// <summary>Time a request may take before it is cancelled (answered 504).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Model calls running at once; more wait in a queue of <see cref="QueuedPredictions"/>, beyond which requests get 429.</summary>
    public int ConcurrentPredictions { get; init; } = Math.Max(2, Environment.ProcessorCount);

    /// <summary>Requests that may wait for a model call before new ones are refused with 429.</summary>
    public int QueuedPredictions { get; init; } = 64;

    /// <summary>Most genes one perturbation may target (a pair by default: the models are fitted on singles and pairs).</summary>
    public int MaxGenesPerPerturbation { get; init; } = 2;

    /// <summary>Cells drawn per data set for the embedding plot.</summary>
    public int EmbeddingCells { get; init; } = 3000;

    /// <summary>Genes listed in each of the top-up and top-down lists of a prediction.</summary>
    public int TopGenes { get; init; } = 20;

    /// <summary>Most candidates one screen may rank; more are refused (422) so a screen stays well within <see cref="RequestTimeout"/>.</summary>
    public int MaxScreenCandidates { get; init; } = 500;

    /// <summary>Most refits (ensemble members, each a fit of the model on a subsample) one screen may ask for.</summary>
    public int MaxScreenRefits { get; init; } = 3;

    /// <summary>Hit cards in a screen's answer: its top informed candidates.</summary>
    public int ScreenHitCards { get; init; } = 5;
}
