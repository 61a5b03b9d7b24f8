using DigitalCell.Sdk.Torch.Tensors;
using System.Runtime.InteropServices;
using System.Text.Json;
using DigitalCell.Sdk.Models;
using DigitalCell.Sdk.Perturbations;
using DigitalCell.Sdk.Torch.BaseModel;
using TorchSharp;
using static TorchSharp.torch;

namespace DigitalCell.Sdk.Torch.Tests;

public class BaseModelCompressionTests
{
    private static readonly Perturbation[] Asked =
        [Perturbation.Genes(PerturbationMode.CRISPRa, "IRF1"), Perturbation.Genes(PerturbationMode.CRISPRa, "STAT1", "MYC"), Perturbation.Genes(PerturbationMode.CRISPRa, "JAK2")];

    private static DigitalCellBaseModel Teacher(BaseModelConfig? config = null)
    {
        var model = new DigitalCellBaseModel(DigitalCellBaseModelTests.Quick([DigitalCellBaseModelTests.SourceA()]) with { Config = config ?? DigitalCellBaseModelTests.Micro });
        model.Fit(DigitalCellBaseModelTests.TrainingB());
        return model;
    }

    private static float[] Means(DigitalCellBaseModel model) => model.Predict(Asked).Means.Values.ToArray();

    [Test]
    public void Int8RowsRoundToWithinHalfTheirScale()
    {
        var random = new Random(5);
        const int rows = 6, columns = 40;
        var weights = new float[rows * columns];
        for (int i = 0; i < weights.Length; i++) weights[i] = (float)((random.NextDouble() * 2 - 1) * Math.Pow(10, i / columns - 3)); // rows 1e-3 … 1e2
        weights.AsSpan(2 * columns, columns).Clear(); // an all-zero row
        var (values, scales) = WeightCodec.QuantizeRows(weights, rows, columns);
        var restored = WeightCodec.Dequantize(values, scales, columns);
        for (int r = 0; r < rows; r++)
        {
            double max = 0;
            for (int c = 0; c < columns; c++) max = Math.Max(max, Math.Abs((double)weights[r * columns + c]));
            double scale = max / 127; // the definition, computed here in double
            Assert.That(scales[r], Is.EqualTo(scale).Within(scale * 1e-6 + 1e-30), $"row {r} scale");
            for (int c = 0; c < columns; c++)
            {
                int i = r * columns + c;
                Assert.That(Math.Abs(weights[i] - (double)restored[i]), Is.LessThanOrEqualTo(scale / 2 * (1 + 1e-5)), $"row {r} column {c}");
                Assert.That((int)values[i], Is.InRange(-127, 127));
            }
            if (max > 0) Assert.That(values.AsSpan(r * columns, columns).ToArray().Max(v => Math.Abs((int)v)), Is.EqualTo(127), $"row {r} uses the full range");
        }
        Assert.That(restored.AsSpan(2 * columns, columns).ToArray(), Is.All.EqualTo(0f));
    }

    [Test]
    public void BFloat16RoundsToTheNearerOfItsTwoNeighbours()
    {
        var random = new Random(9);
        foreach (var value in Enumerable.Range(0, 2000).Select(_ => (float)((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-8, 8)))).Append(1.00390625f).Append(-0f))
        {
            uint bits = BitConverter.SingleToUInt32Bits(value);
            float below = BitConverter.UInt32BitsToSingle(bits & 0xFFFF0000), above = BitConverter.UInt32BitsToSingle((bits & 0xFFFF0000) + 0x10000);
            float rounded = BitConverter.UInt32BitsToSingle((uint)WeightCodec.ToBFloat16(value) << 16);
            double distance = Math.Abs((double)rounded - value), best = Math.Min(Math.Abs((double)below - value), Math.Abs((double)above - value));
            Assert.That(distance, Is.EqualTo(best), $"{value:R}");
        }
        // The tie 1 + 2⁻⁸ lies halfway between 1 and 1 + 2⁻⁷: to even, i.e. 1.
        Assert.That(WeightCodec.ToBFloat16(1.00390625f), Is.EqualTo(WeightCodec.ToBFloat16(1f)));
    }

    [TestCase(WeightPrecision.BFloat16, SafeTensorDType.BF16, 2e-2)]
    [TestCase(WeightPrecision.Float16, SafeTensorDType.F16, 2e-3)]
    [TestCase(WeightPrecision.Int8, SafeTensorDType.I8, 2e-2)]
    public void CompressedModelSavesLoadsAndPredictsNearTheOriginal(WeightPrecision precision, SafeTensorDType dtype, double tolerance)
    {
        using var teacher = Teacher();
        using var compressed = teacher.Compress(precision);
        var dir = Path.Combine(TestData.TempDirectory(), "compressed");
        compressed.Save(dir);
        var file = SafeTensors.Read(Path.Combine(dir, DigitalCellBaseModel.WeightsFile));
        Assert.That(file.Metadata[WeightCodec.MetadataKey], Is.EqualTo(precision.ToString()));
        Assert.That(file["layers.0.attention.in.weight"].DType, Is.EqualTo(dtype));
        Assert.That(file["gene_prior"].DType, Is.EqualTo(dtype), "the prior table is compressed with the weights");
        Assert.That(file["control_cells"].DType, Is.EqualTo(SafeTensorDType.F32), "kept cells are data, not weights");
        if (precision == WeightPrecision.Int8)
        {
            Assert.That(file["layers.0.attention.in.weight.scale"].DType, Is.EqualTo(SafeTensorDType.F32));
            Assert.That(file["layers.0.norm1.bias"].DType, Is.EqualTo(SafeTensorDType.F32), "vectors stay float32");
        }
        using var loaded = DigitalCellBaseModel.Load(dir);
        Assert.That(loaded.Precision, Is.EqualTo(precision));
        var original = Means(teacher);
        var fromFile = Means(loaded);
        Assert.That(fromFile, Is.EqualTo(Means(compressed)).Within(1e-6), "the in-memory compressed model is the saved one");
        Assert.That(fromFile.Zip(original, (a, b) => Math.Abs(a - b)).Max(), Is.LessThanOrEqualTo(tolerance));
        Assert.That(fromFile, Is.Not.EqualTo(original), "the weights were rounded");
        // Its weights are the original's rounded: each int8 row within half its scale, bf16/f16 within their relative step.
        var stored = file["layers.0.ffn.0.weight"];
        var restored = precision == WeightPrecision.Int8
            ? WeightCodec.Dequantize(MemoryMarshal.Cast<byte, sbyte>(stored.Data.AsSpan()), file["layers.0.ffn.0.weight.scale"].ToFloats(), (int)stored.Shape[1])
            : stored.ToFloats();
        var exact = SafeTensors.Read(Path.Combine(SaveFloat32(teacher), DigitalCellBaseModel.WeightsFile))["layers.0.ffn.0.weight"].ToFloats();
        double relative = precision == WeightPrecision.Float16 ? 1.0 / 2048 : 1.0 / 256;
        for (int i = 0; i < exact.Length; i++)
        {
            double bound = precision == WeightPrecision.Int8 ? RowMax(exact, i, (int)stored.Shape[1]) / 127 / 2 : Math.Abs(exact[i]) * relative;
            Assert.That(Math.Abs(restored[i] - (double)exact[i]), Is.LessThanOrEqualTo(bound * (1 + 1e-5) + 1e-12), $"element {i}");
        }
        Assert.That(new FileInfo(Path.Combine(dir, DigitalCellBaseModel.WeightsFile)).Length, Is.LessThan(new FileInfo(Path.Combine(SaveFloat32(teacher), DigitalCellBaseModel.WeightsFile)).Length));
    }

    private static double RowMax(float[] values, int index, int columns)
    {
        int start = index / columns * columns;
        return values.AsSpan(start, columns).ToArray().Max(v => Math.Abs((double)v));
    }

    private static string SaveFloat32(DigitalCellBaseModel model)
    {
        var dir = Path.Combine(TestData.TempDirectory(), "float32");
        model.Save(dir);
        return dir;
    }

    [Test]
    public void StudentHasAboutHalfTheParametersLearnsTheTeacherAndIsDeterministic()
    {
        using var teacher = Teacher(DigitalCellBaseModelTests.Micro with { Layers = 4 });
        var options = new DistillationOptions { Steps = 40, SetsPerBatch = 4, WarmupSteps = 5, Seed = 7, Threads = 1 };
        using var student = teacher.Distill(DigitalCellBaseModelTests.TrainingB(), options);
        using var again = teacher.Distill(DigitalCellBaseModelTests.TrainingB(), options);
        double ratio = student.ParameterCount / (double)teacher.ParameterCount;
        Assert.That(ratio, Is.InRange(0.35, 0.65), $"{student.ParameterCount} of {teacher.ParameterCount}");
        Assert.That(student.Options.Config.Layers, Is.EqualTo(2), "half the layers is nearer half the parameters for this small vocabulary");
        Assert.That(BaseModelFootprint.ParameterCount(student.Options.Config with { GeneVocabulary = teacher.Vocabulary.Count }), Is.EqualTo(student.ParameterCount));
        Assert.That(Means(again), Is.EqualTo(Means(student)), "same seed, same student");
        var losses = student.TrainingLosses.Select(l => l.Loss).ToArray();
        Assert.That(losses[^5..].Average(), Is.LessThan(losses[..5].Average() / 2), "the student moves toward the teacher");
        Assert.That(student.Vocabulary, Is.EqualTo(teacher.Vocabulary));
        Assert.That(student.Genes, Is.EqualTo(teacher.Genes));
        var dir = Path.Combine(TestData.TempDirectory(), "student");
        student.Save(dir);
        using var loaded = DigitalCellBaseModel.Load(dir);
        Assert.That(Means(loaded), Is.EqualTo(Means(student)).Within(1e-6));
        Assert.That(loaded.Card.Hyperparameters["distilled_from"].ToString(), Is.EqualTo(teacher.Name));
    }

    [Test]
    public void DistillationRejectsOptionsOutOfRange()
    {
        using var teacher = Teacher();
        var error = Assert.Throws<DigitalCellException>(() => teacher.Distill(DigitalCellBaseModelTests.TrainingB(), new DistillationOptions { SetsPerBatch = 0 }));
        Assert.That(error!.Message, Does.Contain("sets per batch (0)"));
    }

    [Test]
    public void HalfSizeHalvesTheWidthWhenTheGeneTableDominates()
    {
        var student = DistillationOptions.HalfSize(BaseModelConfig.Tiny);
        Assert.That((student.Dimension, student.Layers, student.FeedForward), Is.EqualTo((64, 4, 128)));
        Assert.That(BaseModelFootprint.ParameterCount(student) / (double)BaseModelFootprint.ParameterCount(BaseModelConfig.Tiny), Is.InRange(0.4, 0.6));
    }

    [Test]
    public void PythonTorchComputesTheSameLossOnTheSameWeightsAndBatch()
    {
        var config = new BaseModelConfig("peer", 16, 2, 4, 24, 6, GeneVocabulary: 12, PriorDimensions: 5, Contexts: 3, Agents: 2);
        var random = new Random(3);
        var prior = Enumerable.Range(0, 12 * 5).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        using var network = BaseNetwork.Create(config, prior, 12, 2, 3, seed: 4, CPU);
        using (no_grad())
        {
            // Every tensor random (Create leaves the decoder, residuals and interaction at zero, which would hide them).
            var generator = new Generator(11);
            foreach (var t in network.Parameters.Values) t.copy_(randn(t.shape, generator: generator).mul_(0.3));
        }
        const int sets = 3, cells = 6, genes = 10;
        var controls = Enumerable.Range(0, sets * cells * genes).Select(_ => (float)random.NextDouble()).ToArray();
        var measured = Enumerable.Range(0, sets * cells * genes).Select(_ => (float)(random.NextDouble() * 1.5)).ToArray();
        long[] panel = [0, 1, 2, 3, 4, 5, 6, 7, 9, 11], geneTargets = [2, 3, 10], geneSets = [0, 1, 1], geneModes = [0, 0, 0], agents = [1], agentSets = [2], agentModes = [3];
        int[][] contexts = [[0], [0, 1], [2]];
        const double pseudobulkWeight = 10;
        float[] ours, oursPredicted;
        using (NewDisposeScope())
        using (no_grad())
        {
            var perturbation = network.Perturbations(network.GeneTokens(network.Index(geneTargets)), geneSets, geneModes, agents, agentSets, agentModes, sets);
            var predicted = network.Forward(tensor(controls, [sets, cells, genes]), network.Index(panel), perturbation, network.Contexts(contexts));
            var observed = tensor(measured, [sets, cells, genes]);
            using var w = pseudobulkWeight.ToScalar();
            ours = [SetLoss.Energy(predicted, observed).Plus(SetLoss.Pseudobulk(predicted, observed).mul(w)).item<float>()];
            oursPredicted = predicted.contiguous().data<float>().ToArray();
        }
        var dir = TestData.TempDirectory();
        string weights = Path.Combine(dir, "w.safetensors"), inputs = Path.Combine(dir, "x.safetensors"), output = Path.Combine(dir, "y.safetensors");
        SafeTensors.Write(weights, network.ToSafeTensors(), new Dictionary<string, string> { ["config"] = JsonSerializer.Serialize(config) });
        var multiHot = new float[sets * 3];
        for (int s = 0; s < sets; s++) foreach (var c in contexts[s]) multiHot[s * 3 + c] = 1;
        SafeTensor Longs(string name, long[] v) => new(name, SafeTensorDType.I64, [v.Length], MemoryMarshal.AsBytes(v.AsSpan()).ToArray());
        SafeTensors.Write(inputs,
        [
            SafeTensor.FromFloats("controls", [sets, cells, genes], controls), SafeTensor.FromFloats("measured", [sets, cells, genes], measured),
            SafeTensor.FromFloats("contexts", [sets, 3], multiHot), Longs("panel", panel), Longs("gene_targets", geneTargets), Longs("gene_sets", geneSets),
            Longs("gene_modes", geneModes), Longs("agents", agents), Longs("agent_sets", agentSets), Longs("agent_modes", agentModes),
        ], new Dictionary<string, string> { ["pseudobulk_weight"] = "10" });
        TestData.Python(Path.Combine(TestData.RepoRoot, "benchmarks/peers/torch_base_model.py"), "loss", weights, inputs, output);
        var theirs = SafeTensors.Read(output);
        Assert.That(theirs["predicted"].ToFloats(), Is.EqualTo(oursPredicted).Within(1e-4));
        Assert.That(theirs["loss"].ToFloats()[0], Is.EqualTo(ours[0]).Within(1e-4 * Math.Max(1, Math.Abs(ours[0]))));
        Assert.That(ours[0], Is.GreaterThan(0.1), "a loss far from zero, so agreement is not trivial");
    }
}
