using DigitalCell.Sdk.Torch.BaseModel;
using static TorchSharp.torch;

namespace DigitalCell.Sdk.Torch.Tests;

public class BaseModelArchitectureTests
{
    private static float[] RandomPriors(int genes, int dimensions, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, genes * dimensions).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
    }

    private static BaseNetwork Network(BaseModelConfig config, int genes, int priorDimensions, long seed = 1) =>
        BaseNetwork.Create(config, RandomPriors(genes, priorDimensions, 3), genes, config.Agents, config.Contexts, seed, CPU);

    [Test]
    public void TinyHasOneToTwoMillionParametersAndTheCalculatorCountsThemExactly()
    {
        var tiny = BaseModelConfig.Tiny;
        using var network = Network(tiny, tiny.GeneVocabulary, tiny.PriorDimensions);
        TestContext.Out.WriteLine($"tiny: {network.ParameterCount:N0} parameters");
        Assert.That(network.ParameterCount, Is.InRange(1_000_000, 2_000_000));
        Assert.That(BaseModelFootprint.ParameterCount(tiny), Is.EqualTo(network.ParameterCount));
    }

    [Test]
    public void CalculatorCountsEveryLayerOfAnOddSize()
    {
        var odd = new BaseModelConfig("odd", 24, 3, 3, 40, 4, GeneVocabulary: 57, PriorDimensions: 9, Contexts: 5, Agents: 2);
        using var network = Network(odd, odd.GeneVocabulary, odd.PriorDimensions);
        Assert.That(BaseModelFootprint.ParameterCount(odd), Is.EqualTo(network.ParameterCount));
    }

    [Test]
    public void TenBillionConfigIsSizedNotBuilt()
    {
        var footprint = BaseModelFootprint.Compute(BaseModelConfig.TenB, setsPerBatch: 8);
        TestContext.Out.WriteLine(BaseModelFootprint.Table(BaseModelConfig.Named));
        Assert.That(footprint.Parameters, Is.InRange(9_500_000_000L, 11_000_000_000L));
        Assert.That(footprint.OptimizerBytes, Is.EqualTo(12 * footprint.Parameters));
        Assert.That(footprint.TrainingBytes, Is.GreaterThan(16 * footprint.Parameters), "activations come on top of 16 bytes per parameter");
        Assert.That(BaseModelConfig.Parse("10B"), Is.SameAs(BaseModelConfig.TenB));
        Assert.Throws<DigitalCellException>(() => BaseModelConfig.Parse("huge"));
    }

    [Test]
    public void ForwardMapsEachControlSetToAPerturbedSetOfTheSameShape()
    {
        var config = BaseModelConfig.Tiny with { GeneVocabulary = 300, Contexts = 4, Agents = 2 };
        using var network = Network(config, 300, 20);
        using var scope = NewDisposeScope();
        var panel = network.Index(Enumerable.Range(0, 120).Select(i => (long)i * 2).ToArray());
        var controls = rand([3, 16, 120]);
        // Set 0: a single gene knockout; set 1: a two-gene CRISPRa combination; set 2: an agent (cytokine) token.
        var targets = network.GeneTokens(network.Index([5, 7, 9]));
        var perturbation = network.Perturbations(targets, [0, 1, 1], [1, 3, 3], [1], [2], [5], 3);
        var context = network.Contexts([[0], [1, 2], [-1]]);
        var predicted = network.Forward(controls, panel, perturbation, context);
        Assert.That(perturbation.shape, Is.EqualTo(new long[] { 3, config.Dimension }));
        Assert.That(predicted.shape, Is.EqualTo(new long[] { 3, 16, 120 }));
        var hidden = network.PredictHidden(controls[.., .., ..100], panel[..100], panel[100..], context);
        Assert.That(hidden.shape, Is.EqualTo(new long[] { 3, 16, 20 }));
    }

    [Test]
    public void UntrainedNetworkPredictsNoChange()
    {
        var config = BaseModelConfig.Tiny with { GeneVocabulary = 50, Contexts = 2, Agents = 1 };
        using var network = Network(config, 50, 8);
        using var scope = NewDisposeScope();
        var controls = rand([2, 8, 50]);
        var perturbation = network.Perturbations(network.GeneTokens(network.Index([3])), [0], [1], [], [], [], 2);
        var predicted = network.Forward(controls, network.Index(Enumerable.Range(0, 50).Select(i => (long)i).ToArray()), perturbation, network.Contexts([[0], [1]]));
        Assert.That((predicted - controls).abs().max().item<float>(), Is.EqualTo(0f));
    }

    /// <summary>
    /// How far the first control cell's prediction moves when (a) the set is reordered with that cell elsewhere, (b) the
    /// other cells are replaced by new ones, (c) the other cells are dropped. The decoder is randomised so that an
    /// untrained network predicts a change at all.
    /// </summary>
    private static (float Reordered, float Replaced, float Dropped) OtherCellsMoveACell(bool setAttention)
    {
        var config = new BaseModelConfig("micro", 32, 2, 4, 64, 8, GeneVocabulary: 40, Contexts: 2, Agents: 1);
        using var network = BaseNetwork.Create(config, RandomPriors(40, 6, 3), 40, 1, 2, seed: 1, CPU, setAttention);
        using var scope = NewDisposeScope();
        using (no_grad()) network.Parameters["decoder.weight"].copy_(randn([32, 32], generator: new Generator(5)));
        var panel = network.Index(Enumerable.Range(0, 40).Select(i => (long)i).ToArray());
        var perturbation = network.Perturbations(network.GeneTokens(network.Index([3])), [0], [1], [], [], [], 1);
        var context = network.Contexts([[0]]);
        var controls = rand([1, 8, 40], generator: new Generator(7));
        Tensor Predicted(Tensor cells, int row) => network.Forward(cells, panel, perturbation, context)[0, row];
        var alone = Predicted(controls, 0);
        float Moved(Tensor other) => (other - alone).abs().max().item<float>();
        var reordered = controls.index_select(1, network.Index([3, 7, 1, 5, 0, 2, 6, 4]));
        var replaced = cat([controls[.., ..1], rand([1, 7, 40], generator: new Generator(11))], 1);
        return (Moved(Predicted(reordered, 4)), Moved(Predicted(replaced, 0)), Moved(Predicted(controls[.., ..1], 0)));
    }

    [Test]
    public void WithoutSetAttentionEachCellIsPredictedFromItselfAlone()
    {
        var (reordered, replaced, dropped) = OtherCellsMoveACell(setAttention: false);
        Assert.That(reordered, Is.LessThan(1e-5f), "a set is unordered");
        Assert.That(replaced, Is.LessThan(1e-5f), "other cells replaced");
        Assert.That(dropped, Is.LessThan(1e-5f), "other cells dropped");
        var config = new BaseModelConfig("micro", 32, 2, 4, 64, 8, GeneVocabulary: 40, Contexts: 2, Agents: 1);
        using var ablated = BaseNetwork.Create(config, RandomPriors(40, 6, 3), 40, 1, 2, 1, CPU, setAttention: false);
        Assert.That(ablated.Parameters.Keys, Has.None.Contains("attention"));
        using var reloaded = BaseNetwork.FromTensors(config, ablated.Parameters.ToDictionary(kv => kv.Key, kv => kv.Value), ablated.GenePrior, CPU);
        Assert.That(reloaded.SetAttention, Is.False, "the weights say which block mixes cells");
    }

    [Test]
    public void WithSetAttentionOtherCellsOfTheSetMoveACellsPrediction()
    {
        var (reordered, replaced, dropped) = OtherCellsMoveACell(setAttention: true);
        Assert.That(reordered, Is.LessThan(1e-5f), "a set is unordered");
        Assert.That(replaced, Is.GreaterThan(1e-3f), "other cells replaced");
        Assert.That(dropped, Is.GreaterThan(1e-3f), "other cells dropped");
    }

    [Test]
    public void EnergyDistanceIsZeroForIdenticalSetsAndPositiveOtherwise()
    {
        using var scope = NewDisposeScope();
        var cells = randn([4, 12, 30], generator: new Generator(5));
        Assert.That(SetLoss.Energy(cells, cells.clone()).item<float>(), Is.EqualTo(0f).Within(1e-5));
        Assert.That(SetLoss.Pseudobulk(cells, cells.clone()).item<float>(), Is.EqualTo(0f));
        Assert.That(SetLoss.Energy(cells, cells + 0.5).item<float>(), Is.GreaterThan(0.1f));
    }

    [Test]
    public void SameSeedGivesTheSameWeightsOnCpu()
    {
        var config = BaseModelConfig.Tiny with { GeneVocabulary = 200, Contexts = 3, Agents = 2 };
        using var a = Network(config, 200, 16, seed: 42);
        using var b = Network(config, 200, 16, seed: 42);
        using var c = Network(config, 200, 16, seed: 43);
        Assert.That(a.Parameters.Keys, Is.EqualTo(b.Parameters.Keys));
        foreach (var (name, t) in a.Parameters) Assert.That(t.equal(b.Parameters[name]).all().item<bool>(), Is.True, name);
        Assert.That(a.Parameters["layers.0.ffn.0.weight"].equal(c.Parameters["layers.0.ffn.0.weight"]).all().item<bool>(), Is.False);
    }
}
