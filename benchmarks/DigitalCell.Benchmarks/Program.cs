// Benchmarks print ours vs the Python peer side by side. Add one line per benchmark below.
return args.FirstOrDefault() switch
{
    "h5ad-load" => DigitalCell.Benchmarks.H5adLoadBenchmark.Run(args[1..]),
    "h5ad-load-time" => DigitalCell.Benchmarks.H5adLoadBenchmark.TimeLoads(args[1..]), // one process of h5ad-load's timing
    "torch-train-step" => DigitalCell.Benchmarks.TorchTrainingStepBenchmark.Run(args[1..]),
    "de" => DigitalCell.Benchmarks.DifferentialExpressionBenchmark.Run(args[1..]),
    "de-vcc" => DigitalCell.Benchmarks.DifferentialExpressionBenchmark.Vcc(args[1..]),
    "de-vcc-ours" => DigitalCell.Benchmarks.DifferentialExpressionBenchmark.VccOurs(args[1..]), // one timed process of de-vcc
    "torch-papalexi-scores" => DigitalCell.Benchmarks.NeuralPapalexiScores.Run(args[1..]),
    "tenx-read" => DigitalCell.Benchmarks.TenXReadBenchmark.Run(args[1..]),
    "h5mu-load" => DigitalCell.Benchmarks.H5muLoadBenchmark.Run(args[1..]),
    "collection-pseudobulk" => DigitalCell.Benchmarks.CollectionPseudobulkBenchmark.Run(args[1..]),
    "collection-pseudobulk-ours" => DigitalCell.Benchmarks.CollectionPseudobulkBenchmark.Ours(args[1..]), // one timed process
    "collection-de-ours" => DigitalCell.Benchmarks.CollectionPseudobulkBenchmark.DifferentialExpression(args[1..]), // one timed process
    "collection-pseudobulk-duckdb" => DigitalCell.Benchmarks.CollectionPseudobulkBenchmark.DuckDb(args[1..]), // one timed process
    "gene-priors" => DigitalCell.Benchmarks.GenePriorsBenchmark.Run(args[1..]),
    "prior-models" => DigitalCell.Benchmarks.PriorModelsEvaluation.Run(args[1..]),
    "base-model" => DigitalCell.Benchmarks.BaseModelEvaluation.Run(args[1..]),
    "base-model-modalities" => DigitalCell.Benchmarks.ModalityBenchmark.Run(args[1..]),
    "base-model-sanity" => DigitalCell.Benchmarks.BaseModelSanity.Run(args[1..]),
    "base-model-table" => DigitalCell.Benchmarks.BaseModelEvaluation.Table(args[1..]),
    "prior-ridge-fit" => DigitalCell.Benchmarks.PriorRidgeFitBenchmark.Run(args[1..]),
    "gene-priors-build" => DigitalCell.Benchmarks.GenePriorsBenchmark.Build(args[1..]), // one process of gene-priors' timing
    "score-stages" => DigitalCell.Benchmarks.ScoreStagesBenchmark.Run(args[1..]),
    "base-model-perf" => DigitalCell.Benchmarks.BaseModelPerformance.Run(args[1..]),
    "base-model-perf-one" => DigitalCell.Benchmarks.BaseModelPerformance.One(args[1..]), // one size on one device in its own process
    "base-model-compression" => DigitalCell.Benchmarks.BaseModelCompressionEvaluation.Run(args[1..]),
    "screen-genome" => DigitalCell.Benchmarks.GenomeScreenBenchmark.Run(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.WriteLine("usage: dotnet run --project benchmarks/DigitalCell.Benchmarks -c Release -- <benchmark> [args]");
    Console.WriteLine("  h5ad-load [cells=200000] [genes=2000] [runs=5]   h5ad full load vs anndata.read_h5ad; backed streaming memory");
    Console.WriteLine("  torch-train-step [threads]   neural model training step: DigitalCell.Sdk.Torch vs python3-torch");
    Console.WriteLine("  de [cells=200000] [peer-genes=60]   Wilcoxon DE, all perturbations × genes: DigitalCell.Sdk vs a scipy mannwhitneyu loop");
    Console.WriteLine("  de-vcc [cells=100000] [genes=18000] [perturbations=300] [threads=2] [data-dir]   Wilcoxon DE on a simulated VCC-size screen: DigitalCell.Sdk vs pdex's algorithm in numba, same threads");
    Console.WriteLine("  torch-papalexi-scores [seeds]  neural model vs baselines on Papalexi unseen perturbations (e.g. 0,1,2)");
    Console.WriteLine("  tenx-read [cells=20000] [genes=2000] [density=0.1] [runs=3]   10x mtx.gz directory read vs scipy mmread + pandas");
    Console.WriteLine("  h5mu-load [runs=5]   real h5mu sets: H5muFile.Read vs h5py+anndata per modality and vs anndata.read_h5ad of the per-modality files");
    Console.WriteLine("  collection-pseudobulk [cells-per-shard=25000] [genes=1000] [shards=2,8] [de]   streaming pseudobulk over shards vs anndata backed + numpy and DuckDB SQL; with de, out-of-core Wilcoxon DE too");
    Console.WriteLine("  prior-models [seeds=0,1,2,3,4] [tasks=papalexi,papalexi-lopo,norman,kang,kinases] [out] [modes] [ablation|no-ablation] [bootstrap=200]   prior models vs every baseline on real data, CIs over splits");
    Console.WriteLine("  base-model [seeds=0,1,2,3,4] [tasks=papalexi] [steps=150,400,300] [out] [threads=1] [models=all] [pseudobulk-weight] [splits=all|N|LABELS]   digital-cell base model (tiny) vs baselines and prior models, CIs over splits");
    Console.WriteLine("  base-model-table OUT.csv SPLITS.csv...   pools base-model runs' per-split values into tables and OUT.csv (mean, 95 % t-interval)");
    Console.WriteLine("  base-model-modalities [seeds=0,1,2] [steps=400] [genes=2000] [out] [threads=1]   base model per modality on ECCITE PBMC: protein from RNA and RNA from protein vs ridge and the training mean");
    Console.WriteLine("  base-model-sanity [seeds=0,1,2] [steps=60,120,120] [out]   sanity checks: predicted control vs split-half replicate distance; IFNGR1/JAK2/STAT1 held out lower the IFN-γ response genes");
    Console.WriteLine("  prior-ridge-fit [runs=5] [no-peer]   fit prior-ridge on Papalexi (target < 1 s) vs a numpy/sklearn peer");
    Console.WriteLine("  gene-priors [dir=../shared/data/gene-priors] [runs=3] [no-peer]   build every derived gene prior (target < 10 s) vs the scipy reference");
    Console.WriteLine("  score-stages DIR [vcc2026|vcc|mean]   dcell score's steps timed (wall and CPU) on make_score_inputs.py's pair");
    Console.WriteLine("  base-model-perf [sizes=tiny,small] [threads=1] [steps=20] [genes=2000]   base model: step time vs python3-torch, cells/s, latency per 1,000 cells, peak memory, parameters (CPU; CUDA when present)");
    Console.WriteLine("  base-model-compression [seeds=0,1,2] [steps=150,400,300] [pretrain|no-pretrain] [distill-steps=600] [threads=1] [out]   bf16 / f16 / int8 / distilled student vs the teacher on Papalexi splits");
    Console.WriteLine("  screen-genome [threads=1] [parallelism=2] [candidates=all] [peer-threads=1]   dcell-base-tiny knocks out every gene it can (vocabulary + gene priors) on THP-1 controls (target < 5 min on 2 cores) vs the same forward batched in python3-torch");
    return 0;
}
