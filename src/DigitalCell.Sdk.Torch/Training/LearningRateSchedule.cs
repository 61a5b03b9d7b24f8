namespace DigitalCell.Sdk.Torch.Training;

/// <summary>Linear warm-up to the base rate, then cosine decay to zero at the last step (as in transformers'
/// <c>get_cosine_schedule_with_warmup</c> with half a cycle).</summary>
internal static class LearningRateSchedule
{
    public static double At(int step, int totalSteps, int warmupSteps, double baseRate)
    {
        if (step < warmupSteps) return baseRate * (step + 1) / warmupSteps;
        var progress = (double)(step - warmupSteps) / Math.Max(1, totalSteps - warmupSteps);
        return baseRate * 0.5 * (1 + Math.Cos(Math.PI * Math.Min(1, progress)));
    }
}
