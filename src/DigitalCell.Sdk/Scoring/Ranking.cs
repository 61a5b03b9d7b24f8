namespace DigitalCell.Sdk.Scoring;

/// <summary>Ranking quality of scores against binary labels (sklearn <c>average_precision_score</c>, <c>roc_auc_score</c>).</summary>
internal static class Ranking
{
    /// <summary>
    /// Σ (R_k − R_{k−1}) P_k over the distinct score thresholds, highest first (tied scores enter together) — sklearn's
    /// step-wise average precision. NaN unless both classes occur (cell-eval's rule).
    /// </summary>
    public static double? AveragePrecision(bool[] labels, double[] scores)
    {
        int positives = labels.Count(l => l);
        if (positives == 0 || positives == labels.Length) return double.NaN;
        var order = Enumerable.Range(0, scores.Length).OrderByDescending(i => scores[i]).ToArray();
        double ap = 0, previousRecall = 0;
        int tp = 0, seen = 0;
        for (int k = 0; k < order.Length;)
        {
            double threshold = scores[order[k]];
            for (; k < order.Length && scores[order[k]] == threshold; k++) { seen++; if (labels[order[k]]) tp++; }
            double recall = tp / (double)positives;
            ap += (recall - previousRecall) * (tp / (double)seen);
            previousRecall = recall;
        }
        return ap;
    }

    /// <summary>ROC AUC as the Mann–Whitney probability that a positive outscores a negative (ties count ½). NaN unless both classes occur.</summary>
    public static double? RocAuc(bool[] labels, double[] scores)
    {
        int positives = labels.Count(l => l), negatives = labels.Length - positives;
        if (positives == 0 || negatives == 0) return double.NaN;
        var ranks = Numerics.AverageRanks(scores);
        double rankSum = Enumerable.Range(0, labels.Length).Where(i => labels[i]).Sum(i => ranks[i]);
        return (rankSum - positives * (positives + 1) / 2.0) / ((double)positives * negatives);
    }
}
