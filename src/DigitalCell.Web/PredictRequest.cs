namespace DigitalCell.Web;

/// <summary>The body of <c>POST /api/v1/predict</c> (and the query of the download and permalink URLs).</summary>
/// <param name="Model">Model id; null = the default (first served) model.</param>
/// <param name="Dataset">Data set id; null = the default (first served) data set.</param>
/// <param name="Context"><c>{"column": "value"}</c> naming the context, or null for a data set without a context column.</param>
/// <param name="Perturbation">A gene (<c>IFNGR1</c>) or a pair (<c>A+B</c>); on a data set of treatments, one of its treatments (<c>stimulated</c>).</param>
/// <param name="Mode"><c>ko</c>, <c>crispri</c> or <c>crispra</c>, or a treatment data set's kind (<c>cytokine</c>, <c>compound</c>); null = the data set's own mode.</param>
/// <param name="Seed">Seed (recorded in the permalink; the served models predict means, so it does not change them).</param>
/// <param name="Dose">Refused (422): no served model takes a dose; a treatment is predicted as the data set gave it.</param>
public sealed record PredictRequest(string? Model, string? Dataset, Dictionary<string, string>? Context, string? Perturbation, string? Mode, int Seed = 0, double? Dose = null);

/// <summary>One gene of the top-up or top-down list.</summary>
/// <param name="Gene">Gene symbol.</param>
/// <param name="Delta">Predicted minus control mean (log1p scale).</param>
/// <param name="Control">Control mean.</param>
/// <param name="Predicted">Predicted mean.</param>
/// <param name="Measured">Measured mean, where the perturbation was measured.</param>
public sealed record GeneChange(string Gene, double Delta, double Control, double Predicted, double? Measured);

/// <summary>A gene program's activity (decoupler's ulm t on the mean profile) before and after the perturbation.</summary>
/// <param name="Library"><c>PROGENy</c> or <c>Hallmark</c>.</param>
/// <param name="Program">Pathway or set name.</param>
/// <param name="Before">Activity of the control mean (null where undefined).</param>
/// <param name="After">Activity of the predicted mean.</param>
/// <param name="Measured">Activity of the measured mean, where measured.</param>
public sealed record ProgramScore(string Library, string Program, double? Before, double? After, double? Measured);

/// <summary>Prediction against measurement, where the perturbation was measured in the context.</summary>
/// <param name="Cells">Measured cells.</param>
/// <param name="DeltaPearson">Pearson correlation of predicted and measured change from control over all genes.</param>
/// <param name="Rmse">Root-mean-square difference of predicted and measured means.</param>
/// <param name="InTraining">True: the served model was fitted on these cells, so this is an in-sample check, not a benchmark.</param>
/// <param name="MeasuredMean">The measured mean profile (gene order of the answer).</param>
public sealed record MeasuredComparison(int Cells, double? DeltaPearson, double Rmse, bool InTraining, IReadOnlyList<double> MeasuredMean);

/// <summary>Points of the answer in the data set's embedding plane.</summary>
/// <param name="Control">The control mean.</param>
/// <param name="Predicted">The predicted mean.</param>
/// <param name="Measured">The measured mean, where measured.</param>
public sealed record EmbeddedProfiles(double[] Control, double[] Predicted, double[]? Measured);

/// <summary>The answer of <c>POST /api/v1/predict</c>.</summary>
public sealed record PredictResponse(
    string Model, string ModelSha, string Dataset, Dictionary<string, string>? Context, string ContextLabel, string Perturbation, string Mode, int Seed,
    IReadOnlyList<string> Genes, IReadOnlyList<double> ControlMean, IReadOnlyList<double> PredictedMean,
    IReadOnlyList<GeneChange> TopUp, IReadOnlyList<GeneChange> TopDown, IReadOnlyList<ProgramScore> ProgramScores,
    MeasuredComparison? Measured, EmbeddedProfiles Embedding, IReadOnlyList<string> Notes, string Permalink);
