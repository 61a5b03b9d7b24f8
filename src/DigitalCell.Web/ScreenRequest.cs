namespace DigitalCell.Web;

/// <summary>The body of <c>POST /api/v1/screen</c> (and the query of its CSV download).</summary>
/// <param name="Model">Model id; null = the default (first served) model.</param>
/// <param name="Dataset">Data set id; null = the default (first served) data set.</param>
/// <param name="Context"><c>{"column": "value"}</c> naming the context whose control cells are the start state, or null for a data set without a context column.</param>
/// <param name="Objective">
/// What to move, in <c>dcell screen --objective</c>'s form: <c>program:SET</c> (Hallmark; a bare set name means the same),
/// <c>program:progeny/PATHWAY</c>, <c>program:dorothea/TF</c>, <c>genes:A,B,C</c>, or <c>toward:COLUMN=VALUE</c> (the
/// context's cells with that obs value as the reference state).
/// </param>
/// <param name="Direction"><c>down</c> (lower the program, or move toward the reference; the default) or <c>up</c>.</param>
/// <param name="Mode"><c>ko</c>, <c>crispri</c> or <c>crispra</c>; null = the data set's own mode.</param>
/// <param name="Candidates">
/// <c>measured</c> (the default: the genes perturbed in the data set), <c>panel</c> (the genes it measures), or genes
/// separated by commas or spaces; at most <see cref="WebPlatformOptions.MaxScreenCandidates"/>.
/// </param>
/// <param name="Refits">Ensemble members: 1 = the served model; more = refits on seeded 80 % subsamples, whose spread is the uncertainty (at most <see cref="WebPlatformOptions.MaxScreenRefits"/>).</param>
/// <param name="Seed">Root seed of the refits' subsamples.</param>
public sealed record ScreenRequest(string? Model, string? Dataset, Dictionary<string, string>? Context, string? Objective, string? Direction,
    string? Mode, string? Candidates, int Refits = 1, int Seed = 0);

/// <summary>One candidate of a screen's ranking.</summary>
/// <param name="Rank">1 = the strongest move in the requested direction.</param>
/// <param name="Gene">The perturbed gene.</param>
/// <param name="Effect">Predicted change of the objective (ensemble mean; the gene itself held at control); null where undefined.</param>
/// <param name="Sd">Standard deviation of the effect over the refits; null with one refit.</param>
/// <param name="Informed">False when the model knows nothing about the gene (no prior vector, not measured) and predicts its intercept.</param>
public sealed record RankedGene(int Rank, string Gene, double? Effect, double? Sd, bool Informed);

/// <summary>A top candidate written up for the bench: the effect and the genes that carry it.</summary>
/// <param name="Rank">Rank in the screen.</param>
/// <param name="Gene">The perturbed gene.</param>
/// <param name="Effect">Predicted change of the objective.</param>
/// <param name="Sd">Ensemble standard deviation; null with one refit.</param>
/// <param name="SupportingGenes">The genes the perturbation moves most (ensemble-mean change, log1p), strongest first.</param>
public sealed record HitCardBody(int Rank, string Gene, double? Effect, double? Sd, IReadOnlyList<SupportingGene> SupportingGenes);

/// <summary>A gene a hit moves.</summary>
/// <param name="Gene">Gene symbol.</param>
/// <param name="Change">Predicted change (log1p).</param>
public sealed record SupportingGene(string Gene, double Change);

/// <summary>What produced a screen: enough to run it again (the CSV link is the same request as a query).</summary>
/// <param name="Model">Model id.</param>
/// <param name="ModelSha">The served model's fingerprint (as in predict permalinks).</param>
/// <param name="Dataset">Data set id.</param>
/// <param name="Context"><c>{"column": "value"}</c> or null.</param>
/// <param name="ContextLabel">The context's label.</param>
/// <param name="Objective">The objective as requested (normalised form).</param>
/// <param name="Direction"><c>down</c> or <c>up</c>.</param>
/// <param name="Mode"><c>ko</c>, <c>crispri</c> or <c>crispra</c>.</param>
/// <param name="Candidates">The candidates as requested (<c>measured</c>, <c>panel</c> or the gene list).</param>
/// <param name="Refits">Ensemble members.</param>
/// <param name="Seed">Root seed of the refits.</param>
/// <param name="SdkVersion">The DigitalCell.Sdk version that ran it.</param>
public sealed record ScreenProvenance(string Model, string ModelSha, string Dataset, Dictionary<string, string>? Context, string ContextLabel,
    string Objective, string Direction, string Mode, string Candidates, int Refits, int Seed, string SdkVersion);

/// <summary>The answer of <c>POST /api/v1/screen</c>.</summary>
/// <param name="Objective">The objective's description (e.g. <c>program HALLMARK_INTERFERON_GAMMA_RESPONSE (200 genes)</c>).</param>
/// <param name="StartCells">Control cells whose mean is the start state.</param>
/// <param name="MissingObjectiveGenes">Objective genes the model does not predict (they cannot count).</param>
/// <param name="Rows">Every candidate, in rank order.</param>
/// <param name="HitCards">The top informed candidates.</param>
/// <param name="Provenance">What produced the screen.</param>
/// <param name="Notes">How to read it.</param>
/// <param name="Csv">The ranking as CSV (<c>dcell screen</c>'s <c>screen.csv</c> columns): the same request as a query.</param>
public sealed record ScreenResponse(string Objective, int StartCells, IReadOnlyList<string> MissingObjectiveGenes, IReadOnlyList<RankedGene> Rows,
    IReadOnlyList<HitCardBody> HitCards, ScreenProvenance Provenance, IReadOnlyList<string> Notes, string Csv);
