namespace DigitalCell.Sdk.Screens;

/// <summary>One candidate's line in a screen's ranked table.</summary>
/// <param name="Candidate">The perturbation label (e.g. <c>STAT1</c>, <c>CBL+CNN1</c>).</param>
/// <param name="Rank">1 = the strongest move in the screen's direction; ties share order by candidate name.</param>
/// <param name="Effect">Mean over the ensemble of score(predicted) − score(predicted control); targets held at control so a candidate is not credited for silencing a program gene itself.</param>
/// <param name="Uncertainty">Standard deviation of the effect over the ensemble members (0 with one member).</param>
/// <param name="MemberEffects">The effect under each ensemble member, in member order.</param>
/// <param name="TopGenes">The genes the candidate moves most (ensemble-mean change, targets excluded), strongest first.</param>
/// <param name="Informed">False when the model knows nothing about a target (no prior vector, not measured) and predicts its intercept.</param>
/// <param name="Known">True when a target is a known hit given in <see cref="ScreenOptions.KnownHits"/>.</param>
public sealed record ScreenRow(
    string Candidate,
    int Rank,
    double Effect,
    double Uncertainty,
    IReadOnlyList<double> MemberEffects,
    IReadOnlyList<GeneChange> TopGenes,
    bool Informed,
    bool Known);

/// <summary>A gene's predicted change under a candidate (log-normalised expression, ensemble mean).</summary>
public sealed record GeneChange(string Gene, double Change);
