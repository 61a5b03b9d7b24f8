return args.FirstOrDefault() switch
{
    "torch-train-step" => DigitalCell.Benchmarks.TorchTrainingStepBenchmark.Run(args[1..]),
    "torch-papalexi-scores" => DigitalCell.Benchmarks.NeuralPapalexiScores.Run(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.WriteLine("usage: dotnet run --project benchmarks/DigitalCell.Benchmarks -c Release -- <benchmark>");
    Console.WriteLine("  torch-train-step [threads]   neural model training step: DigitalCell.Sdk.Torch vs python3-torch");
    Console.WriteLine("  torch-papalexi-scores [seeds]  neural model vs baselines on Papalexi unseen perturbations (e.g. 0,1,2)");
    return 0;
}
